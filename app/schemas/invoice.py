import marshmallow as ma

from app.models.invoice import DRAFT, OVERDUE, PAID, PARTIALLY_PAID, UNPAID, VOID
from app.money import Money, Percent, Quantity
from app.pagination import ListArgs
from app.schemas.common import Id, Text, Whole


class InvoiceLineSchema(ma.Schema):
    description = Text(500, required=True, metadata={"example": "Web Development"})
    qty = Quantity(required=True, positive=True, metadata={"example": "1"})
    amount = Money(required=True, metadata={"description": "Unit price", "example": "1500.00"})
    product_id = Id(allow_none=True, metadata={"description": "A product of the same organisation"})
    tax_rate = Percent(metadata={"description": "Default: the product's, else 0"})
    line_total = Money(dump_only=True, metadata={"description": "qty x amount, rounded"})
    line_tax = Money(dump_only=True)


class InvoiceSchema(ma.Schema):
    """An invoice; totals, balance and status are computed."""

    id = ma.fields.Integer(dump_only=True)
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    invoice_number = ma.fields.String(dump_only=True, metadata={"example": "INV-2026-0001"})
    customer_id = Id(required=True, metadata={"example": 1})
    date = ma.fields.Date(required=True, metadata={"example": "2026-01-15"})
    due_date = ma.fields.Date(required=True, metadata={"example": "2026-02-15"})
    items = ma.fields.List(Whole(InvoiceLineSchema), required=True,
                           validate=ma.validate.Length(min=1, max=500))
    notes = Text(5000, allow_none=True, metadata={"example": "Payment due within 30 days"})
    status = ma.fields.String(
        attribute="display_status", dump_only=True,
        metadata={"description": "Overdue: an open invoice past its due date",
                  "enum": [DRAFT, UNPAID, PARTIALLY_PAID, PAID, VOID, OVERDUE]})
    overdue = ma.fields.Boolean(dump_only=True)
    subtotal = Money(dump_only=True)
    tax = Money(dump_only=True)
    total = Money(dump_only=True)
    amount_paid = Money(dump_only=True)
    balance = Money(dump_only=True, signed=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _due_after_date(self, data, **kwargs):
        if "date" in data and "due_date" in data and data["due_date"] < data["date"]:
            raise ma.ValidationError("Must not be before the invoice date.", "due_date")


class InvoiceCreateSchema(InvoiceSchema):
    """A new invoice: Draft, or Unpaid (issued, the default)."""

    status = ma.fields.String(load_only=True, validate=ma.validate.OneOf((DRAFT, UNPAID)))


class InvoiceUpdateSchema(InvoiceSchema):
    """Fields to change. ``items`` replace all lines (not on a Paid or Void invoice);
    ``status`` moves Draft to Unpaid, or an unpaid invoice to Void. Load with ``partial=True``."""

    class Meta:
        exclude = ("organisation",)

    status = ma.fields.String(load_only=True, validate=ma.validate.OneOf((DRAFT, UNPAID, VOID)))


class InvoiceListArgs(ListArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(
        (DRAFT, UNPAID, PARTIALLY_PAID, PAID, VOID, OVERDUE)))
    customer_id = Id(strict=False)
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
