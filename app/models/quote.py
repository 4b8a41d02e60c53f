from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps
from app.models.lines import CounterColumns, LineColumns, TotalsColumns

# Stored states; "Expired" is derived from valid_until for Draft and Sent quotes.
DRAFT, SENT, ACCEPTED, REJECTED, CONVERTED, EXPIRED = (
    "Draft", "Sent", "Accepted", "Rejected", "Converted", "Expired")
STATUSES = (DRAFT, SENT, ACCEPTED, REJECTED, CONVERTED, EXPIRED)
OPEN_STATUSES = (DRAFT, SENT)  # those that expire


class Quote(TotalsColumns, Timestamps, db.Model):
    __tablename__ = "quotes"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    quote_number: Mapped[str] = mapped_column(String(32))
    date: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # Set once, by the conversion; unique, so a quote can never make two invoices.
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), unique=True)

    items: Mapped[list["QuoteLine"]] = relationship(
        back_populates="quote", order_by="QuoteLine.position", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("organisation_id", "quote_number", name="uq_quotes_org_number"),
        Index("ix_quotes_org_id", "organisation_id", "id"),
    )

    @property
    def expired(self) -> bool:
        return self.status in OPEN_STATUSES and self.valid_until < date.today()

    @property
    def display_status(self) -> str:
        return EXPIRED if self.expired else self.status


class QuoteLine(LineColumns, db.Model):
    __tablename__ = "quote_lines"

    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)

    quote: Mapped[Quote] = relationship(back_populates="items")


class QuoteCounter(CounterColumns, db.Model):
    """The last quote number used per organisation and year: numbers are gap-free."""

    __tablename__ = "quote_counters"
