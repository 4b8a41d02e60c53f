from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps
from app.money import MoneyColumn

PAYMENT_METHODS = ("cash", "card", "bank_transfer", "cheque", "other")


class Payment(Timestamps, db.Model):
    __tablename__ = "payments"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    date: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    __table_args__ = (Index("ix_payments_org_id", "organisation_id", "id"),)
