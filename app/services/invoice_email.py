"""Invoices sent by email: queued in the request's transaction, mailed by the worker."""
from app.errors import fail
from app.extensions import db
from app.models import Customer, Invoice, InvoiceEmail, Organisation
from app.models.invoice import DRAFT, VOID


def queue(invoice: Invoice, data: dict) -> InvoiceEmail:
    """An email of ``invoice`` for the worker to send; 409 for a Draft or Void invoice."""
    if invoice.status in (DRAFT, VOID):
        fail(409, f"A {invoice.status.lower()} invoice cannot be sent.")
    to = data.get("to")
    if not to:
        customer = db.session.get(Customer, invoice.customer_id)
        if not customer.email:
            fail(422, "The customer has no email address: give `to`.",
                 errors={"to": "Required: the customer has no email address."})
        to = [customer.email]
    organisation = db.session.get(Organisation, invoice.organisation_id)
    email = InvoiceEmail(
        organisation_id=invoice.organisation_id, invoice_id=invoice.id, to=to,
        cc=data.get("cc") or [], message=data.get("message"),
        subject=data.get("subject") or f"Invoice {invoice.invoice_number} from {organisation.name}")
    db.session.add(email)
    db.session.flush()
    return email
