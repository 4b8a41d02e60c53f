from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps

NEW, CONTACTED, QUALIFIED, LOST, CONVERTED = "New", "Contacted", "Qualified", "Lost", "Converted"
LEAD_STATUSES = (NEW, CONTACTED, QUALIFIED, LOST, CONVERTED)


class Lead(Timestamps, db.Model):
    """A prospective customer, until it converts into one."""

    __tablename__ = "leads"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    company: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default=NEW)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)

    __table_args__ = (Index("ix_leads_org_id", "organisation_id", "id"),)
