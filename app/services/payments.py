"""Payments against invoices, safe under concurrency.

The invoice row is locked for the transaction (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite every write request holds the database write lock from its first statement, see
app.database), so concurrent payments are applied one after another: the balance is
read after the previous payment committed, and never overpaid."""
from app import events, tenancy
from app.errors import fail
from app.extensions import db
from app.models import Invoice, Payment
from app.models.invoice import OPEN_STATUSES, PAID
from app.services import ledger
from app.services.invoicing import refresh_status


def record_payment(data: dict) -> Payment:
    invoice = tenancy.get_or_404(Invoice, data["invoice_id"], lock=True, field="invoice_id")
    if invoice.status not in OPEN_STATUSES:
        fail(409, f"A {invoice.status.lower()} invoice takes no payments.")
    if data["amount"] > invoice.balance:
        fail(409, f"A payment of {data['amount']} exceeds the balance of {invoice.balance}.",
             code="overpayment")
    account_id = data.pop("account_id", None)
    payment = Payment(organisation_id=invoice.organisation_id, **data)
    invoice.amount_paid += data["amount"]
    refresh_status(invoice)
    db.session.add(payment)
    ledger.record_payment_income(payment, invoice, account_id)
    events.record("payment.received", payment)
    if invoice.status == PAID:
        events.record("invoice.paid", invoice)
    return payment
