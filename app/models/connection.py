"""Connections between organisations of different trees, and each organisation's company
profile (the fields a connected organisation sees of it)."""
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps
from app.models.organisation import Organisation

CONNECTION_STATUSES = ("pending", "accepted", "rejected", "revoked")
LIVE_STATUSES = ("pending", "accepted")


class Connection(Timestamps, db.Model):
    """A request from ``organisation`` to ``foreign_organisation`` to work together; while
    accepted, tasks between them (and what hangs off them) are shared (app.tenancy)."""

    __tablename__ = "connections"
    __audited__ = True
    __counterparty__ = "foreign_organisation_id"  # sees the connection too, in any status

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    foreign_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    text: Mapped[str | None] = mapped_column(String(1000))
    # "<lower id>-<higher id>" while pending or accepted, else NULL: one live connection a pair
    live_pair: Mapped[str | None] = mapped_column(String(24), unique=True)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    foreign_organisation: Mapped[Organisation] = relationship(foreign_keys=[foreign_organisation_id])

    __table_args__ = (Index("ix_connections_org_id", "organisation_id", "id"),)

    def set_status(self, status: str) -> None:
        self.status = status
        low, high = sorted((self.organisation_id, self.foreign_organisation_id))
        self.live_pair = f"{low}-{high}" if status in LIVE_STATUSES else None


class CompanyProfile(Timestamps, db.Model):
    """The company details of an organisation (the 004 seed's company fields; its name is
    the organisation's)."""

    __tablename__ = "company_profiles"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    vat_id: Mapped[str | None] = mapped_column(String(40))
    branch: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    address2: Mapped[str | None] = mapped_column(String(200))
    zip: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    contactperson: Mapped[str | None] = mapped_column(String(200))
    additionaltext: Mapped[str | None] = mapped_column(Text)
