"""What a user is told (in the app, and pushed to its devices), the devices it uses, and the
outbox of the pushes."""
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps
from app.models.event import Outbox

PLATFORMS = ("android", "ios")


class Notification(Timestamps, db.Model):
    """A message to one user about a task, note or connection (``related_object``)."""

    __tablename__ = "notifications"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(600))
    is_read: Mapped[bool] = mapped_column(Boolean, default=False)
    related_object: Mapped[str | None] = mapped_column(String(20))
    related_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_notifications_user_id", "user_id", "id"),)

    @property
    def related(self) -> dict | None:
        if self.related_object is None:
            return None
        return {"object": self.related_object, "id": self.related_id}


class Device(Timestamps, db.Model):
    """A phone that receives the pushes of the user who registered it last."""

    __tablename__ = "devices"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    platform_name: Mapped[str] = mapped_column(String(10))
    device_id_string: Mapped[str] = mapped_column(String(255), unique=True)


class PushDelivery(Outbox, db.Model):
    """One notification to one device of its user, written with the notification; the worker
    sends it to the push gateway (app.delivery.pushes). The device is checked again at delivery:
    one deleted or moved to another user since gets nothing (``dropped``)."""

    __tablename__ = "push_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("devices.id", ondelete="SET NULL"), index=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    notification: Mapped[Notification] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (Index("ix_push_deliveries_due", "status", "next_attempt_at"),)

    @property
    def organisation_id(self) -> int:
        return self.notification.organisation_id
