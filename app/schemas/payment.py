import marshmallow as ma

from app.models.payment import PAYMENT_METHODS
from app.money import Money
from app.pagination import ListArgs
from app.schemas.common import Id, Schema, Text


class PaymentSchema(Schema):
    """A payment recorded against an invoice."""

    id = ma.fields.Integer(dump_only=True)
    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True)
    invoice_id = Id(required=True, metadata={
        "description": "An invoice in reach: its `id` from `GET /api/v1/invoices`"})
    amount = Money(required=True, positive=True, metadata={"example": "500.00"})
    date = ma.fields.Date(required=True, metadata={"example": "2026-01-20"})
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(PAYMENT_METHODS))
    reference = Text(100, allow_none=True, metadata={"example": "TX-42"})
    account_id = Id(allow_none=True, metadata={
        "description": "The account it was paid into: one of the invoice's organisation, in the "
                       "invoice's currency; default: the organisation's default account (a "
                       "cash account named Cash is made if it has none). Its income "
                       "transaction is recorded there with it"})
    created_at = ma.fields.DateTime(dump_only=True)


class PaymentListArgs(ListArgs):
    invoice_id = Id(strict=False)
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
