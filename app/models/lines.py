"""What invoices and quotes share: lines, totals and a gap-free number counter."""
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.money import MoneyColumn, QuantityColumn, default_currency


class LineColumns:
    """A line: qty x amount, with its tax; ``line_total`` and ``line_tax`` rounded."""

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    qty: Mapped[Decimal] = mapped_column(QuantityColumn())
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    tax_rate: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))
    line_total: Mapped[Decimal] = mapped_column(MoneyColumn())
    line_tax: Mapped[Decimal] = mapped_column(MoneyColumn())
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)


class TotalsColumns:
    """The sums of a document's lines, in its currency."""

    currency: Mapped[str] = mapped_column(String(3), default=default_currency)
    subtotal: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))
    tax: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))


class CounterColumns:
    """The last number used per organisation and year (see documents.next_number)."""

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
