import marshmallow as ma

from app.pagination import ListArgs
from app.schemas.common import Id, Schema, Text


class VendorSchema(Schema):
    """A vendor of the catalogue (a manufacturer or brand); products name it in `vendor`."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 5})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's. A product can "
                       "name only a vendor of its own organisation"})
    name = Text(200, required=True, metadata={"example": "Yealink"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class VendorListArgs(ListArgs):
    text = ma.fields.String(validate=ma.validate.Length(min=1, max=200),
                            metadata={"description": "Name contains"})
