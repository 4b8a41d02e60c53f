"""Bank and cash accounts, income and expense categories, and the transactions between
them. Transactions are never changed or deleted: a void records a reversing one."""
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    case,
    false,
    func,
    select,
)
from sqlalchemy.orm import Mapped, aliased, column_property, mapped_column

from app.extensions import db
from app.models.base import Timestamps
from app.money import MoneyColumn

INCOME, EXPENSE = "Income", "Expense"
TYPES = (INCOME, EXPENSE)
ACCOUNT_TYPES = ("bank", "cash")


class Category(Timestamps, db.Model):
    __tablename__ = "categories"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(10))

    __table_args__ = (Index("ix_categories_org_id", "organisation_id", "id"),)


class Transaction(Timestamps, db.Model):
    """Money into (Income) or out of (Expense) an account. ``amount`` is positive, but for
    a reversal, which carries the same type with the opposite sign (so that sums of a type
    net out once a transaction is voided)."""

    __tablename__ = "transactions"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    type: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    description: Mapped[str | None] = mapped_column(String(500))
    date: Mapped[date] = mapped_column(Date)
    # What recorded it, if not a POST: a payment's income, or the void of another (each once).
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id"), unique=True)

    __table_args__ = (
        Index("ix_transactions_org_id", "organisation_id", "id"),
        Index("ix_transactions_org_date", "organisation_id", "date"),
        Index("ix_transactions_account", "account_id"),
    )


def signed(amount, type_):
    """What a transaction adds to its account's balance (SQL)."""
    return case((type_ == INCOME, amount), else_=-amount)


_reversal = aliased(Transaction)
Transaction.reversed_by_id = column_property(
    select(_reversal.id).where(_reversal.reverses_id == Transaction.id)
    .correlate_except(_reversal).scalar_subquery())


class Account(Timestamps, db.Model):
    __tablename__ = "accounts"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    opening_balance: Mapped[Decimal] = mapped_column(MoneyColumn())
    # Where a payment's income goes when it names no account; one per organisation.
    default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_accounts_org_id", "organisation_id", "id"),)


# Computed in the query that loads the account, never stored: it cannot drift from the
# transactions, however many are posted at once.
Account.balance = column_property(
    Account.opening_balance + select(func.coalesce(func.sum(
        signed(Transaction.amount, Transaction.type)), 0))
    .where(Transaction.account_id == Account.id).correlate_except(Transaction).scalar_subquery())
