import marshmallow as ma

from app.money import Money, Percent, Quantity
from app.schemas.common import Id, Schema, Text, Whole


class LineSchema(Schema):
    """A line of an invoice or a quote."""

    description = Text(500, required=True, metadata={"example": "Web Development"})
    qty = Quantity(required=True, positive=True, metadata={"example": "1"})
    amount = Money(required=True, metadata={"description": "Unit price", "example": "1500.00"})
    product_id = Id(allow_none=True, metadata={"description": "A product of the same organisation"})
    tax_rate = Percent(metadata={"description": "Default: the product's, else 0"})
    line_total = Money(dump_only=True, metadata={"description": "qty x amount, rounded"})
    line_tax = Money(dump_only=True)


def Lines(**kwargs):  # noqa: N802 - reads like a field class
    """The lines of a document: one to 500."""
    return ma.fields.List(Whole(LineSchema), validate=ma.validate.Length(min=1, max=500), **kwargs)
