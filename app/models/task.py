"""Tasks handed from an organisation to a connected contractor, their notes, the
contractor's users assigned to them, and the files attached to either."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime
from app.models.organisation import Organisation, User

TASK_STATUSES = ("new", "accepted", "in_progress", "completed", "cancelled")


class FileFields:
    """The file fields of a record with ``files``: ``photos`` (many) and ``attachment`` (one)."""

    @property
    def photos(self) -> list["StoredFile"]:
        return [stored for stored in self.files if stored.field == "photos"]

    @property
    def attachment(self) -> "StoredFile | None":
        return next((stored for stored in self.files if stored.field == "attachment"), None)


class Task(FileFields, Timestamps, db.Model):
    """Work ``organisation`` (company_ref) gives to ``contractor`` (foreigncompany_ref)."""

    __tablename__ = "tasks"
    __audited__ = True
    __counterparty__ = "contractor_id"
    __while_connected__ = True  # the contractor sees it only while the connection is accepted

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    contractor_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(500))
    scheduled_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="new")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    contractor: Mapped[Organisation] = relationship(foreign_keys=[contractor_id])
    files: Mapped[list["StoredFile"]] = relationship(
        primaryjoin="and_(Task.id == StoredFile.task_id, StoredFile.note_id.is_(None))",
        order_by="StoredFile.id", viewonly=True)
    assignments: Mapped[list["Assignment"]] = relationship(order_by="Assignment.id", viewonly=True)

    __table_args__ = (Index("ix_tasks_org_id", "organisation_id", "id"),)

    def side_of(self, organisation_ids) -> int:
        """The task's organisation (either party) among ``organisation_ids``."""
        return self.organisation_id if self.organisation_id in organisation_ids else self.contractor_id


class TaskNote(FileFields, Timestamps, db.Model):
    """A note on a task; an internal one is seen only by its writer's side."""

    __tablename__ = "task_notes"
    __audited__ = True
    __tenant_via__ = ("task_id", Task)
    __private_when__ = "internal"  # then only the side in organisation_id sees it

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()
    files: Mapped[list["StoredFile"]] = relationship(order_by="StoredFile.id", viewonly=True)


class Assignment(Timestamps, db.Model):
    """A user of the task's contractor, assigned to it (once)."""

    __tablename__ = "assignments"
    __audited__ = True
    __tenant_via__ = ("task_id", Task)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("task_id", "user_id", name="uq_assignments_task_user"),)


class StoredFile(Timestamps, db.Model):
    """A file of a task's or note's file field; the bytes live in the file store
    (app.file_store), found by ``storage_key``."""

    __tablename__ = "files"
    __audited__ = True
    __tenant_via__ = ("task_id", Task)
    __private_when__ = "internal"  # a file of an internal note

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("task_notes.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    field: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100))
