import marshmallow as ma

from app.models.repair import REPAIR_STATUSES
from app.money import Money, Quantity
from app.pagination import ListArgs
from app.schemas.common import Id, Schema, Text, Whole


class RepairPartSchema(Schema):
    product_id = Id(required=True, metadata={"description": "A product of the repair's "
                                                            "organisation; its stock is taken"})
    qty = Quantity(required=True, positive=True, metadata={"example": "1"})
    description = ma.fields.String(dump_only=True, metadata={"description": "The product's name"})
    unit_price = Money(dump_only=True, metadata={"description": "The product's price when added"})
    line_total = Money(dump_only=True)


class RepairLabourSchema(Schema):
    description = Text(500, required=True, metadata={"example": "Replace screen"})
    hours = Quantity(required=True, positive=True, metadata={"example": "1.5"})
    rate = Money(required=True, metadata={"description": "Per hour", "example": "40.00"})
    line_total = Money(dump_only=True, metadata={"description": "hours x rate, rounded"})


class RepairSchema(Schema):
    """A workshop job: a customer's device, its parts and labour, computed totals."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    customer_id = Id(required=True, metadata={
        "description": "A customer of the repair's organisation"})
    device = Text(200, required=True, metadata={"example": "Phone X, black"})
    serial_number = Text(100, allow_none=True, metadata={"example": "SN-12345"})
    fault = Text(5000, allow_none=True, metadata={"example": "Cracked screen"})
    diagnosis = Text(5000, allow_none=True)
    parts = ma.fields.List(Whole(RepairPartSchema), load_default=list,
                           validate=ma.validate.Length(max=200))
    labour = ma.fields.List(Whole(RepairLabourSchema), load_default=list,
                            validate=ma.validate.Length(max=200))
    status = ma.fields.String(dump_only=True, metadata={"enum": list(REPAIR_STATUSES)})
    warranty_until = ma.fields.Date(allow_none=True, metadata={"example": "2027-01-15"})
    parts_total = Money(dump_only=True)
    labour_total = Money(dump_only=True)
    total = Money(dump_only=True, metadata={"description": "Parts and labour, before tax"})
    invoice_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The invoice made of it (POST /repairs/{id}/invoice)"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class RepairUpdateSchema(RepairSchema):
    """Fields to change; ``parts`` and ``labour`` replace all lines. Load with
    ``partial=True``."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})
    status = ma.fields.String(validate=ma.validate.OneOf(REPAIR_STATUSES), metadata={
        "description": "Moves follow the transition table (GET the 409 for the allowed ones); "
                       "Cancelled gives the parts' stock back"})


class RepairListArgs(ListArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(REPAIR_STATUSES))
    customer_id = Id(strict=False)
