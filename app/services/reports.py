"""The financial report: sums computed by the database (GROUP BY currency), never by
loading rows, in one statement, so that every figure comes from the same snapshot.
Dates are calendar dates as each organisation records them, so a period [from, to) needs
no conversion between time zones."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import String, func, literal, or_, select, union_all

from app.extensions import db
from app.models import Account, Invoice, Payment, Transaction
from app.models.invoice import DRAFT, VOID
from app.models.ledger import EXPENSE, INCOME

# What each part of the statement sums, besides the transactions' INCOME and EXPENSE
INVOICED, ISSUED_BY_END, PAID_BY_END = "invoiced", "issued by the end", "paid by the end"


def financial(organisations, start, end, basis: str) -> list[dict]:
    """Totals per currency for the organisations (a SELECT of their ids) over [start, end)."""
    sums = defaultdict(lambda: defaultdict(Decimal))
    for kind, currency, total in db.session.execute(_statement(organisations, start, end, basis)):
        sums[currency][kind] += total
    report = []
    for currency, total in sorted(sums.items()):
        income = total[INVOICED] + total[INCOME]
        report.append({"currency": currency, "income": income, "expenses": total[EXPENSE],
                       "profit": income - total[EXPENSE],
                       "outstanding_invoices": total[ISSUED_BY_END] - total[PAID_BY_END]})
    return report


def _statement(organisations, start, end, basis: str):
    issued = (Invoice.organisation_id.in_(organisations), Invoice.status.not_in((DRAFT, VOID)))
    by_end = (select(literal(ISSUED_BY_END, String), Invoice.currency, func.sum(Invoice.total))
              .where(*issued, Invoice.date < end).group_by(Invoice.currency))
    paid = (select(literal(PAID_BY_END, String), Invoice.currency, func.sum(Payment.amount))
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .where(*issued, Invoice.date < end, Payment.date < end).group_by(Invoice.currency))
    moved = (select(Transaction.type, Account.currency, func.sum(Transaction.amount))
             .join(Account, Account.id == Transaction.account_id)
             .where(Transaction.organisation_id.in_(organisations),
                    Transaction.date >= start, Transaction.date < end)
             .group_by(Transaction.type, Account.currency))
    if basis == "cash":
        return union_all(moved, by_end, paid)
    # accrual: income when invoiced, so a payment's income transaction is not counted again
    invoiced = (select(literal(INVOICED, String), Invoice.currency, func.sum(Invoice.total))
                .where(*issued, Invoice.date >= start, Invoice.date < end)
                .group_by(Invoice.currency))
    moved = moved.where(or_(Transaction.type == EXPENSE, Transaction.payment_id.is_(None)))
    return union_all(moved, by_end, paid, invoiced)
