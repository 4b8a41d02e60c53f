"""The financial report: sums computed by the database (GROUP BY currency), never by
loading rows. Dates are calendar dates as each organisation records them, so a period
[from, to) needs no conversion between time zones."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import Account, Invoice, Payment, Transaction
from app.models.invoice import DRAFT, VOID
from app.models.ledger import EXPENSE, INCOME

ZERO = Decimal("0")


def financial(organisations, start, end, basis: str) -> list[dict]:
    """Totals per currency for the organisations (a SELECT of their ids) over [start, end)."""
    income, expenses, outstanding = (defaultdict(lambda: ZERO) for _ in range(3))
    if basis == "accrual":
        _add(income, _invoiced(organisations, Invoice.date >= start, Invoice.date < end))
    for currency, type_, total in _transactions(organisations, start, end, basis):
        (income if type_ == INCOME else expenses)[currency] += total
    _add(outstanding, _invoiced(organisations, Invoice.date < end))
    _add(outstanding, _paid_before(organisations, end), sign=-1)
    return [{"currency": currency, "income": income[currency], "expenses": expenses[currency],
             "profit": income[currency] - expenses[currency],
             "outstanding_invoices": outstanding[currency]}
            for currency in sorted(set(income) | set(expenses) | set(outstanding))]


def _add(totals: dict, rows, sign: int = 1) -> None:
    for currency, total in rows:
        totals[currency] += sign * Decimal(total)


def _issued(organisations):
    return Invoice.organisation_id.in_(organisations), Invoice.status.not_in((DRAFT, VOID))


def _invoiced(organisations, *period):
    return db.session.execute(
        select(Invoice.currency, func.sum(Invoice.total))
        .where(*_issued(organisations), *period).group_by(Invoice.currency)).all()


def _paid_before(organisations, end):
    return db.session.execute(
        select(Invoice.currency, func.sum(Payment.amount))
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(*_issued(organisations), Invoice.date < end, Payment.date < end)
        .group_by(Invoice.currency)).all()


def _transactions(organisations, start, end, basis: str):
    """(currency, type, sum) of the transactions in the period; on the accrual basis without
    the income of payments, whose invoices count instead."""
    query = (select(Account.currency, Transaction.type, func.sum(Transaction.amount))
             .join(Account, Account.id == Transaction.account_id)
             .where(Transaction.organisation_id.in_(organisations),
                    Transaction.date >= start, Transaction.date < end)
             .group_by(Account.currency, Transaction.type))
    if basis == "accrual":
        query = query.where(or_(Transaction.type == EXPENSE, Transaction.payment_id.is_(None)))
    return db.session.execute(query).all()
