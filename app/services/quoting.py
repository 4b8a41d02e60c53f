"""Quotes: gap-free numbers, lines and totals as invoices have them (app.services.documents),
the status transition table, and the conversion to an invoice, once."""
from datetime import date, timedelta

from app import events, states, tenancy
from app.errors import fail
from app.extensions import db
from app.models import Organisation, Quote, QuoteCounter, QuoteLine
from app.models.invoice import DRAFT as DRAFT_INVOICE
from app.models.invoice import UNPAID
from app.models.quote import ACCEPTED, CONVERTED, DRAFT, EXPIRED, REJECTED, SENT
from app.money import default_currency
from app.services import documents, invoicing

# From the status a quote shows (Expired included) to those it may be set to. Converted
# comes only from convert(); Expired only from valid_until, and moving valid_until
# past today takes an expired quote back to its stored status.
TRANSITIONS = states.StateMachine("quote", keeps_history=False,
                                  shown=lambda quote: quote.display_status, moves={
    DRAFT: (SENT, ACCEPTED, REJECTED),
    SENT: (DRAFT, ACCEPTED, REJECTED),
    ACCEPTED: (SENT, REJECTED),
    REJECTED: (DRAFT,),
    EXPIRED: (REJECTED,),
    CONVERTED: (),
})
EDITABLE = (DRAFT, SENT)  # stored statuses whose lines, customer and dates may change
NOT_CONVERTIBLE = {
    EXPIRED: "The quote expired on {valid_until}; move valid_until to convert it.",
    REJECTED: "The quote was rejected; it cannot be converted.",
}
STATUS_EVENTS = {SENT: "quote.sent", ACCEPTED: "quote.accepted", REJECTED: "quote.rejected"}
PAYMENT_TERM = timedelta(days=30)  # the converted invoice's due date, unless one is given


def new_quote(organisation_id: int, data: dict) -> Quote:
    """A new quote (a loaded create body) with its next number, lines and totals; dated
    today unless ``date`` is given (added to the session, not committed)."""
    quote = Quote(organisation_id=organisation_id, date=data.get("date") or date.today(),
                  valid_until=data["valid_until"], notes=data.get("notes"),
                  status=data.get("status", DRAFT),
                  currency=data.get("currency") or default_currency())
    quote.customer_id = documents.customer_of(quote, data["customer_id"]).id
    quote.quote_number = documents.next_number(QuoteCounter, "QUO", organisation_id,
                                               quote.date.year)
    documents.set_lines(quote, data["items"], QuoteLine)
    db.session.add(quote)
    events.record("quote.created", quote)
    return quote


def change(quote: Quote, data: dict) -> Quote:
    """Apply a PUT: the fields that differ from the quote's, then the status move; one
    event, the move's where it has one (``STATUS_EVENTS``), else ``quote.updated``."""
    status = data.pop("status", None)
    changes = {field: value for field, value in data.items()
               if not documents.unchanged(quote, field, value)}
    changed = bool(changes)
    if set(changes) - {"notes"} and quote.status not in EDITABLE:
        fail(409, f"The lines, customer and dates of a {quote.status.lower()} quote cannot change.")
    if "customer_id" in changes:
        quote.customer_id = documents.customer_of(quote, changes.pop("customer_id")).id
    if "items" in changes:
        documents.set_lines(quote, changes.pop("items"), QuoteLine)
    for field, value in changes.items():
        setattr(quote, field, value)
    if quote.valid_until < quote.date:
        fail(422, "valid_until is before the quote date.",
             errors={"valid_until": "Must not be before the quote date."})
    moved = bool(status) and status != quote.display_status
    if moved:
        move(quote, status)
    if moved or changed:
        events.record(STATUS_EVENTS.get(quote.status, "quote.updated") if moved else "quote.updated",
                      quote)
    return quote


def move(quote: Quote, target: str) -> None:
    """Set the status if the table allows the move; otherwise a 409 listing the allowed ones."""
    TRANSITIONS.move(quote, target)


def convert(quote: Quote, options: dict):
    """Make the quote's invoice, once (``options``: a loaded QuoteConvertSchema). The quote
    is locked (see app.services.payments), so of concurrent conversions one makes the
    invoice and the others find its invoice_id."""
    if quote.invoice_id is not None:
        fail(409, f"The quote was already converted to invoice {quote.invoice_id}.",
             code="already_converted", invoice_id=quote.invoice_id)
    reason = NOT_CONVERTIBLE.get(quote.display_status)
    if reason:
        fail(409, reason.format(valid_until=quote.valid_until), code="not_convertible")
    _require_invoice_reach(quote.organisation_id)
    invoice_date = options.get("date") or date.today()
    due_date = options.get("due_date") or invoice_date + PAYMENT_TERM
    if due_date < invoice_date:
        fail(422, "The due date is before the invoice date.",
             errors={"due_date": "Must not be before the invoice date."})
    invoice = invoicing.new_invoice(
        quote.organisation_id, customer_id=quote.customer_id, date=invoice_date,
        due_date=due_date, items=documents.lines_as_sent(quote), notes=quote.notes,
        currency=quote.currency,
        status=UNPAID if options["issue"] else DRAFT_INVOICE, user_id=tenancy.current_user().id)
    db.session.flush()
    quote.invoice_id, quote.status = invoice.id, CONVERTED
    events.record("quote.converted", quote)
    return invoice


def _require_invoice_reach(organisation_id: int) -> None:
    """Converting makes an invoice: the caller must be able to make one there."""
    organisation = db.session.get(Organisation, organisation_id)
    if not tenancy.reach("invoices:edit").includes(organisation):
        fail(403, "You may not create invoices in the quote's organisation.",
             code="permission_denied")
