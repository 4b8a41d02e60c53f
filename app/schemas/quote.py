import marshmallow as ma

from app.models.quote import DRAFT, SENT, STATUSES
from app.money import Money
from app.pagination import ListArgs
from app.schemas.common import CurrencyCode, Id, Schema, StrictBoolean, Text
from app.schemas.lines import Lines


class QuoteSchema(Schema):
    """A quote; totals and status are computed, `invoice_id` set by its conversion."""

    id = ma.fields.Integer(dump_only=True)
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    quote_number = ma.fields.String(dump_only=True, metadata={"example": "QUO-2026-0001"})
    customer_id = Id(required=True, metadata={
        "description": "A customer of the quote's organisation (`GET /api/v1/customers`)"})
    date = ma.fields.Date(metadata={"description": "Default: today", "example": "2026-01-15"})
    valid_until = ma.fields.Date(required=True, metadata={"example": "2026-02-15"})
    items = Lines(required=True)
    currency = CurrencyCode(metadata={
        "description": "Of the amounts; default: the server's DEFAULT_CURRENCY"})
    notes = Text(5000, allow_none=True, metadata={"example": "Valid for 30 days"})
    status = ma.fields.String(
        attribute="display_status", dump_only=True,
        metadata={"description": "Expired: a Draft or Sent quote past its valid_until",
                  "enum": list(STATUSES)})
    invoice_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The invoice the quote was converted to"})
    subtotal = Money(dump_only=True)
    tax = Money(dump_only=True)
    total = Money(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _valid_after_date(self, data, **kwargs):
        if "date" in data and "valid_until" in data and data["valid_until"] < data["date"]:
            raise ma.ValidationError("Must not be before the quote date.", "valid_until")


class QuoteCreateSchema(QuoteSchema):
    """A new quote: Draft (the default) or Sent."""

    status = ma.fields.String(load_only=True, validate=ma.validate.OneOf((DRAFT, SENT)))


class QuoteUpdateSchema(QuoteSchema):
    """Fields to change (not the lines, customer or dates of an Accepted, Rejected or
    Converted quote); ``status`` moves along the transition table. Load with ``partial=True``."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})
    status = ma.fields.String(load_only=True, validate=ma.validate.OneOf(STATUSES), metadata={
        "description": "A move allowed from the quote's status (a 409 lists them); the status "
                       "it has changes nothing. Converted comes only from POST "
                       "/quotes/{id}/convert, Expired only from valid_until."})


class QuoteConvertSchema(Schema):
    """How to make the invoice."""

    issue = StrictBoolean(load_default=False, metadata={
        "description": "true: the invoice is issued (Unpaid); false (default): a Draft",
        "example": True})
    date = ma.fields.Date(metadata={"description": "The invoice date; default: today"})
    due_date = ma.fields.Date(metadata={
        "description": "Default: 30 days after the invoice date"})


class QuoteListArgs(ListArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES), metadata={
        "description": "Quotes with this stored status; Draft and Sent include those past "
                       "valid_until. Expired: the Draft or Sent quotes past valid_until, a "
                       "subset of those two, shown with status Expired."})
    customer_id = Id(strict=False)
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
