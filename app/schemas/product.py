import marshmallow as ma

from app.models.product import PRODUCT_TYPES
from app.money import Money, Percent, Quantity
from app.pagination import ListArgs
from app.schemas.common import Id, Schema, StrictBoolean, Text

SORTS = ("+name", "-name", "+price", "-price")


class ProductSchema(Schema):
    """A product or service."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    name = Text(200, required=True, metadata={"example": "Web Hosting"})
    product_code = Text(64, allow_none=True, metadata={"description": "SKU", "example": "NEW-PH0N3"})
    description = Text(5000, allow_none=True, metadata={"example": "Annual web hosting package"})
    type = ma.fields.String(load_default="product", validate=ma.validate.OneOf(PRODUCT_TYPES))
    price = Money(required=True, metadata={"example": "99.99"})
    tax_rate = Percent(load_default=None)
    stock = Quantity(load_default=None, signed=True, metadata={"example": "10"})
    min_stock = Quantity(load_default=None, metadata={
        "description": "Below this the product is low on stock", "example": "2"})
    allow_negative_stock = StrictBoolean(load_default=False, metadata={
        "description": "Whether stock may go below zero (by a change or an invoice)"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class ProductUpdateSchema(ProductSchema):
    """Fields to change. A new `stock` is recorded as a stock movement; it may go below
    zero only when `allow_negative_stock` is true (set in the same request or before).
    Load with `partial=True`."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})

    stock_reason = Text(200, load_only=True, metadata={"description": "Why the stock changed"})
    allow_negative_stock = StrictBoolean()


class ProductListArgs(ListArgs):
    text = ma.fields.String(validate=ma.validate.Length(min=1, max=200),
                            metadata={"description": "Name or product code contains"})
    type = ma.fields.String(validate=ma.validate.OneOf(PRODUCT_TYPES))
    sort_by = ma.fields.String(validate=ma.validate.OneOf(SORTS), metadata={
        "description": "+ ascending, - descending; default: by id"})
