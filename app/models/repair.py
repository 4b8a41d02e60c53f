"""Workshop jobs: a device in for repair, the parts it takes from stock, the labour."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps
from app.money import MoneyColumn, QuantityColumn

RECEIVED, DIAGNOSING, AWAITING_PARTS, IN_REPAIR, READY, COLLECTED, CANCELLED = (
    "Received", "Diagnosing", "Awaiting Parts", "In Repair", "Ready", "Collected", "Cancelled")
REPAIR_STATUSES = (RECEIVED, DIAGNOSING, AWAITING_PARTS, IN_REPAIR, READY, COLLECTED, CANCELLED)


class Repair(Timestamps, db.Model):
    __tablename__ = "repairs"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    device: Mapped[str] = mapped_column(String(200))
    serial_number: Mapped[str | None] = mapped_column(String(100))
    fault: Mapped[str | None] = mapped_column(Text)
    diagnosis: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=RECEIVED)
    warranty_until: Mapped[date | None] = mapped_column(Date)
    parts_total: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))
    labour_total: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))

    parts: Mapped[list["RepairPart"]] = relationship(
        order_by="RepairPart.position", cascade="all, delete-orphan")
    labour: Mapped[list["RepairLabour"]] = relationship(
        order_by="RepairLabour.position", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_repairs_org_id", "organisation_id", "id"),)


class RepairPart(db.Model):
    """A product used on the job, priced at the product's price when it was added."""

    __tablename__ = "repair_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repairs.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    qty: Mapped[Decimal] = mapped_column(QuantityColumn())
    unit_price: Mapped[Decimal] = mapped_column(MoneyColumn())
    line_total: Mapped[Decimal] = mapped_column(MoneyColumn())


class RepairLabour(db.Model):
    __tablename__ = "repair_labour"

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repairs.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    hours: Mapped[Decimal] = mapped_column(QuantityColumn())
    rate: Mapped[Decimal] = mapped_column(MoneyColumn())
    line_total: Mapped[Decimal] = mapped_column(MoneyColumn())
