
from flask import make_response
from flask.views import MethodView
from sqlalchemy.orm import selectinload

from app import events, tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.idempotency import idempotent
from app.models import Invoice, InvoiceEmail
from app.models.invoice import DRAFT, OPEN_STATUSES, OVERDUE, UNPAID, VOID
from app.pagination import PageArgs, page_of, paginate
from app.schemas.invoice import (
    InvoiceCreateSchema,
    InvoiceListArgs,
    InvoiceSchema,
    InvoiceUpdateSchema,
)
from app.schemas.invoice_email import InvoiceEmailSchema, SendInvoiceSchema
from app.services import documents, invoice_email, invoicing, stock
from app.services.invoice_pdf import pdf_download, pdf_response, render_invoice, with_parties
from oauth.protector import require_scope

blp = Blueprint("invoices", __name__, url_prefix="/api/v1", description="Invoices and their PDFs")
events.publish(Invoice, "invoice", InvoiceSchema)


def _filtered(query, args):
    return documents.filtered(query, Invoice, args, lapsed=OVERDUE, open_statuses=OPEN_STATUSES,
                              lapses_on=Invoice.due_date)


@blp.route("/invoices")
class Invoices(MethodView):
    @require_scope("invoices:read")
    @blp.arguments(InvoiceListArgs, location="query")
    @blp.response(200, page_of(InvoiceSchema))
    def get(self, args):
        """List invoices

        The invoices in reach with their lines, oldest first. `status` selects the stored status
        (`Unpaid` and `Partially Paid` include those past due; `Overdue` is the past-due subset),
        `customer_id` one customer (out of reach: a 422 on the field), `date_from` and `date_to`
        the invoice date, inclusive. Needs `invoices:read`.
        """
        query = tenancy.scoped(Invoice, organisation=args.get("organisation"))
        query = _filtered(query, args).options(selectinload(Invoice.items))
        return paginate(query.order_by(Invoice.id), args)

    @require_scope("invoices:write")
    @idempotent
    @blp.arguments(InvoiceCreateSchema)
    @blp.response(201, InvoiceSchema)
    def post(self, data):
        """Create an invoice

        For a customer of the invoice's organisation (the caller's, or `organisation` in reach).
        Totals and taxes are computed per line, and `invoice_number` is the organisation's next
        for the invoice's year, without gaps. It starts `Unpaid`, or `Draft` if `status` says so.
        Needs `invoices:write`; accepts an `Idempotency-Key`.
        """
        invoice = invoicing.create(data)
        db.session.commit()
        return invoice


@blp.route("/invoices/<id:invoice_id>")
class InvoiceById(MethodView):
    @require_scope("invoices:read")
    @blp.response(200, InvoiceSchema)
    def get(self, invoice_id):
        """Get an invoice

        The invoice with its lines and totals. Needs `invoices:read`; 404 when it is out of
        reach.
        """
        return tenancy.get_or_404(Invoice, invoice_id)

    @require_scope("invoices:write")
    @idempotent
    @blp.arguments(InvoiceUpdateSchema(partial=True))
    @blp.response(200, InvoiceSchema)
    @blp.alt_response(202, schema=InvoiceEmailSchema, description="`action: send`: the email queued")
    @blp.alt_response(409, description="Not allowed in the invoice's status")
    def put(self, data, invoice_id):
        """Change an invoice

        `PUT` and `PATCH` both change the fields sent and keep the others; values equal to the
        invoice's own (as `GET` shows them) are no change. `items` replace all lines. A Paid or
        Void invoice keeps its lines, customer and dates (409); `status` may be set to `Draft`,
        `Unpaid` or `Void` where the invoice allows it. `{"action": "send"}` instead emails the
        invoice as `POST /invoices/{id}/send` does (202, the email). Needs `invoices:write`; 404
        when it is out of reach.
        """
        invoice = tenancy.get_or_404(Invoice, invoice_id, lock=True)
        if data.pop("action", None) == "send":
            return _send(invoice, data)
        email_fields = sorted(set(data) & SEND_FIELDS)
        if email_fields:
            fail(422, "These fields go with the action send.",
                 errors={field: 'Only with "action": "send".' for field in email_fields})
        was, status = invoice.status, data.pop("status", None)
        changes = {field: value for field, value in data.items()
                   if not documents.unchanged(invoice, field, value)}
        changed = bool(changes)
        if set(changes) - {"notes"}:
            invoicing.require_editable_items(invoice)
        if "currency" in changes:
            invoicing.require_no_payments(invoice)
        if "customer_id" in changes:
            invoice.customer_id = documents.customer_of(invoice, changes.pop("customer_id")).id
        lines_changed = "items" in changes
        if lines_changed:
            invoicing.set_items(invoice, changes.pop("items"))
        for field, value in changes.items():
            setattr(invoice, field, value)
        if invoice.due_date < invoice.date:
            fail(422, "The due date is before the invoice date.",
                 errors={"due_date": "Must not be before the invoice date."})
        if status and status != invoice.display_status:
            if status not in (DRAFT, UNPAID, VOID):
                fail(422, f"{status} follows from payments and the due date; it cannot be set.",
                     errors={"status": "Set Draft, Unpaid or Void."})
            invoicing.change_status(invoice, status)
        if lines_changed or status:  # what the lines take from stock may have changed
            stock.follow_invoice(invoice, user_id=tenancy.current_user().id)
        if changed or invoice.status != was:
            events.record("invoice.voided" if invoice.status == VOID != was else "invoice.updated",
                          invoice)
        db.session.commit()
        return invoice

    patch = put


SEND_FIELDS = set(SendInvoiceSchema().fields)


def _send(invoice: Invoice, data: dict):
    """Queue an email of the invoice: 202 with the email resource."""
    others = set(data) - SEND_FIELDS
    if others:
        fail(422, "An action changes nothing else: send it alone.",
             errors={field: "Not with an action." for field in sorted(others)})
    email = invoice_email.queue(invoice, data)
    db.session.commit()
    return make_response(InvoiceEmailSchema().dump(email), 202)


@blp.route("/invoices/<id:invoice_id>/send", methods=["POST"])
@require_scope("invoices:write")
@idempotent
@blp.arguments(SendInvoiceSchema)
@blp.response(202, InvoiceEmailSchema)
@blp.alt_response(409, description="A Draft or Void invoice cannot be sent")
def send_invoice(data, invoice_id):
    """Email an invoice

    Queues an email of the invoice with its PDF attached, to the customer's address or `to`
    (with `cc`, `subject` and `message` when given); the worker sends it. Answers 202 with the
    email, `queued`: it becomes `sent`, and the invoice gets `sent_at`, only once the mail
    server accepts it. A Draft or Void invoice is a 409. Send `{}` for the defaults. Needs
    `invoices:write`; accepts an `Idempotency-Key` (a double click sends once); 404 when the
    invoice is out of reach.
    """
    return _send(tenancy.get_or_404(Invoice, invoice_id, lock=True), data)


@blp.route("/invoices/<id:invoice_id>/emails")
@require_scope("invoices:read")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(InvoiceEmailSchema))
def list_invoice_emails(args, invoice_id):
    """List an invoice's emails

    The emails of the invoice, oldest first, with their status (`queued`, `sent`, `failed`),
    attempts and the mail server's last answer. Needs `invoices:read`; 404 when the invoice is
    out of reach.
    """
    invoice = tenancy.get_or_404(Invoice, invoice_id)
    query = tenancy.scoped(InvoiceEmail).where(InvoiceEmail.invoice_id == invoice.id)
    return paginate(query.order_by(InvoiceEmail.id), args)


@blp.route("/invoices/<id:invoice_id>/pdf", methods=["GET"])
@require_scope("invoices:read")
@blp.response(200, **pdf_response("The invoice as a PDF document", "INV-2026-0001"))
def invoice_pdf(invoice_id):
    """Download an invoice as a PDF

    The invoice rendered as a PDF document, sent as a download named after its number
    (`Content-Disposition: attachment`). Needs `invoices:read`; 404 when it is out of reach.
    """
    invoice = tenancy.get_or_404(Invoice, invoice_id)
    return pdf_download(render_invoice(*with_parties(invoice)), invoice.invoice_number)
