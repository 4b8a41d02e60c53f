"""Invoices: gap-free numbers, exact totals (app.services.documents), and the status rules."""
from datetime import date
from decimal import Decimal

from app import events, tenancy
from app.errors import fail
from app.extensions import db
from app.models import Invoice, InvoiceCounter, InvoiceLine
from app.models.invoice import DRAFT, PAID, PARTIALLY_PAID, UNPAID, VOID
from app.money import default_currency
from app.services import documents, stock


def create(data: dict) -> Invoice:
    """An invoice from a loaded create body, in the organisation it names (in reach) or the
    caller's (added, not committed)."""
    owner = tenancy.owner_for_create(data.pop("organisation_id", None))
    return new_invoice(owner.id, **data, user_id=tenancy.current_user().id)


def new_invoice(organisation_id: int, *, customer_id: int, date: date, due_date: date,
                items: list[dict], notes: str | None = None, status: str = UNPAID,
                currency: str | None = None, moves_stock: bool = True, user_id: int) -> Invoice:
    """A new invoice with its next number, lines and totals, taking stock if issued
    (added to the session, not committed)."""
    invoice = Invoice(organisation_id=organisation_id, date=date, due_date=due_date, notes=notes,
                      amount_paid=Decimal("0"), status=status, moves_stock=moves_stock,
                      currency=currency or default_currency())
    invoice.customer_id = documents.customer_of(invoice, customer_id).id
    invoice.invoice_number = documents.next_number(InvoiceCounter, "INV", organisation_id,
                                                   date.year)
    set_items(invoice, items)
    db.session.add(invoice)
    stock.follow_invoice(invoice, user_id=user_id)
    events.record("invoice.created", invoice)
    return invoice


def set_items(invoice: Invoice, items: list[dict]) -> None:
    """Replace the lines and recompute the totals, rounding each line half-up."""
    documents.set_lines(invoice, items, InvoiceLine)
    if invoice.amount_paid > invoice.total:
        fail(409, f"The new total {invoice.total} is below the {invoice.amount_paid} already paid.")
    refresh_status(invoice)


def refresh_status(invoice: Invoice) -> None:
    """Unpaid, Partially Paid or Paid follow the payments; Draft and Void stay."""
    if invoice.status in (DRAFT, VOID):
        return
    if invoice.amount_paid <= 0:
        invoice.status = UNPAID
    elif invoice.amount_paid < invoice.total:
        invoice.status = PARTIALLY_PAID
    else:
        invoice.status = PAID


def change_status(invoice: Invoice, target: str) -> None:
    """Draft -> Unpaid (issue it); Draft or an unpaid invoice -> Void; nothing else."""
    if target == invoice.status:
        return
    allowed = (invoice.status == DRAFT and target in (UNPAID, VOID)) or (
        invoice.status == UNPAID and target == VOID and invoice.amount_paid == 0)
    if not allowed:
        fail(409, f"An invoice cannot go from {invoice.status} to {target}.")
    invoice.status = target


def require_editable_items(invoice: Invoice) -> None:
    if invoice.status in (PAID, VOID):
        fail(409, f"The items of a {invoice.status.lower()} invoice cannot change.")


def require_no_payments(invoice: Invoice) -> None:
    if invoice.amount_paid > 0:
        fail(409, "The currency of an invoice with payments cannot change.")
