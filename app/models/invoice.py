from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime
from app.models.lines import CounterColumns, LineColumns, TotalsColumns
from app.money import MoneyColumn

# Stored states; "Overdue" is derived from due_date for Unpaid and Partially Paid.
DRAFT, UNPAID, PARTIALLY_PAID, PAID, VOID, OVERDUE = (
    "Draft", "Unpaid", "Partially Paid", "Paid", "Void", "Overdue")
STORED_STATUSES = (DRAFT, UNPAID, PARTIALLY_PAID, PAID, VOID)
OPEN_STATUSES = (UNPAID, PARTIALLY_PAID)


class Invoice(TotalsColumns, Timestamps, db.Model):
    __tablename__ = "invoices"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_number: Mapped[str] = mapped_column(String(32))
    date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=UNPAID)
    amount_paid: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))
    # Whether its lines move stock: false for the invoices made before they did (migration
    # 0005), whose stock was never taken, so none is given back or taken for them, and for
    # the invoices of repairs, whose parts hold the stock.
    moves_stock: Mapped[bool] = mapped_column(Boolean, default=True, server_default=false())
    # When an SMTP server first accepted an email of it (app.delivery.email).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("organisation_id", "invoice_number", name="uq_invoices_org_number"),
        Index("ix_invoices_org_id", "organisation_id", "id"),
        Index("ix_invoices_org_date", "organisation_id", "date"),
    )

    @property
    def balance(self) -> Decimal:
        return self.total - self.amount_paid

    @property
    def overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_date < date.today()

    @property
    def display_status(self) -> str:
        return OVERDUE if self.overdue else self.status


class InvoiceLine(LineColumns, db.Model):
    __tablename__ = "invoice_lines"

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)

    invoice: Mapped[Invoice] = relationship(back_populates="items")


class InvoiceCounter(CounterColumns, db.Model):
    """The last invoice number used per organisation and year: numbers are gap-free."""

    __tablename__ = "invoice_counters"
