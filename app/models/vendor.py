from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps


class Vendor(Timestamps, db.Model):
    """A vendor (manufacturer, brand) of an organisation's catalogue; products name one."""

    __tablename__ = "vendors"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_vendors_org_id", "organisation_id", "id"),)
