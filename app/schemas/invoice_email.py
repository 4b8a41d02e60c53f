import marshmallow as ma

from app.models.event import FAILED, QUEUED, SENT
from app.schemas.common import Schema, Text

_ADDRESSES = dict(validate=ma.validate.Length(min=1, max=20))


def _addresses(**kwargs):
    return ma.fields.List(ma.fields.Email(validate=ma.validate.Length(max=254)), **kwargs)


class SendInvoiceSchema(Schema):
    """An email of the invoice, PDF attached; every field is optional."""

    to = _addresses(**_ADDRESSES, metadata={
        "description": "Recipients; default: the customer's email address",
        "example": ["jane@example.com"]})
    cc = _addresses(validate=ma.validate.Length(max=20))
    subject = Text(300, metadata={"description": "Default: Invoice <number> from <organisation>"})
    message = Text(10000, metadata={"description": "The text above the attached invoice"})


class InvoiceEmailSchema(ma.Schema):
    """An email of an invoice: queued until the mail server accepts it (sent) or refuses it
    for good (failed)."""

    id = ma.fields.Integer(dump_only=True)
    invoice_id = ma.fields.Integer(dump_only=True)
    to = ma.fields.List(ma.fields.String(), dump_only=True)
    cc = ma.fields.List(ma.fields.String(), dump_only=True)
    subject = ma.fields.String(dump_only=True)
    status = ma.fields.String(dump_only=True, metadata={"enum": [QUEUED, SENT, FAILED]})
    attempts = ma.fields.Integer(dump_only=True)
    last_error = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The mail server's last refusal or the network error"})
    message_id = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The Message-ID of the email the server accepted"})
    created_at = ma.fields.DateTime(dump_only=True)
    sent_at = ma.fields.DateTime(dump_only=True, allow_none=True)
