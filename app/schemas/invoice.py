import marshmallow as ma

from app.models.invoice import DRAFT, OVERDUE, PAID, PARTIALLY_PAID, UNPAID, VOID
from app.money import Money
from app.pagination import ListArgs
from app.schemas.common import CurrencyCode, Id, Schema, Text
from app.schemas.invoice_email import SendInvoiceSchema
from app.schemas.lines import Lines

STATUSES = (DRAFT, UNPAID, PARTIALLY_PAID, PAID, VOID, OVERDUE)


class InvoiceSchema(Schema):
    """An invoice; totals, balance and status are computed."""

    id = ma.fields.Integer(dump_only=True)
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    invoice_number = ma.fields.String(dump_only=True, metadata={"example": "INV-2026-0001"})
    customer_id = Id(required=True, metadata={
        "description": "A customer of the invoice's organisation (`GET /api/v1/customers`)"})
    date = ma.fields.Date(required=True, metadata={"example": "2026-01-15"})
    due_date = ma.fields.Date(required=True, metadata={"example": "2026-02-15"})
    items = Lines(required=True)
    currency = CurrencyCode(metadata={
        "description": "Of the amounts; default: the server's DEFAULT_CURRENCY"})
    notes = Text(5000, allow_none=True, metadata={"example": "Payment due within 30 days"})
    status = ma.fields.String(
        attribute="display_status", dump_only=True,
        metadata={"description": "Overdue: an open invoice (Unpaid or Partially Paid) past its "
                                 "due date", "enum": list(STATUSES)})
    overdue = ma.fields.Boolean(dump_only=True)
    subtotal = Money(dump_only=True)
    tax = Money(dump_only=True)
    total = Money(dump_only=True)
    amount_paid = Money(dump_only=True)
    balance = Money(dump_only=True, signed=True)
    sent_at = ma.fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "When an email of the invoice was first accepted by the mail server"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _due_after_date(self, data, **kwargs):
        if "date" in data and "due_date" in data and data["due_date"] < data["date"]:
            raise ma.ValidationError("Must not be before the invoice date.", "due_date")


class InvoiceCreateSchema(InvoiceSchema):
    """A new invoice: Draft, or Unpaid (issued, the default)."""

    status = ma.fields.String(load_only=True, validate=ma.validate.OneOf((DRAFT, UNPAID)))


class InvoiceUpdateSchema(InvoiceSchema, SendInvoiceSchema):
    """Fields to change. ``items`` replace all lines (not on a Paid or Void invoice, unless
    they are the lines it has); ``status`` moves Draft to Unpaid, or an unpaid invoice to
    Void; ``action: send`` emails it (with the fields of SendInvoiceSchema). Load with
    ``partial=True``."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})
    status = ma.fields.String(load_only=True, validate=ma.validate.OneOf(STATUSES), metadata={
        "description": "Draft -> Unpaid issues the invoice; Void voids a Draft or an Unpaid one "
                       "without payments. The status it has (as GET shows it) changes nothing; "
                       "Partially Paid, Paid and Overdue follow from payments and the due date "
                       "and cannot be set (422)."})
    action = ma.fields.String(load_only=True, validate=ma.validate.OneOf(["send"]), metadata={
        "description": "`send` queues an email of the invoice (as `POST /invoices/{id}/send`, "
                       "with `to`, `cc`, `subject` and `message` beside it) and answers 202 with "
                       "the email; nothing else may change in the same request."})


class InvoiceListArgs(ListArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES), metadata={
        "description": "Invoices with this stored status; Unpaid and Partially Paid include "
                       "those past due. Overdue: the open invoices (Unpaid or Partially Paid) "
                       "past their due date, a subset of those two, shown with status Overdue "
                       "and overdue: true."})
    customer_id = Id(strict=False)
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
