import marshmallow as ma

from app.models.organisation import FINANCE_TYPES
from app.schemas.common import Id, Schema, StrictBoolean, Text


class OrganisationSchema(Schema):
    """An organisation of the hierarchy."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    name = Text(200, required=True, metadata={"example": "Bob's Widgets"})
    parent = Id(attribute="parent_id", allow_none=True,
                metadata={"description": "Parent organisation (null for a root); on create, "
                                         "default: the caller's"})
    linked_account = StrictBoolean(load_default=False, metadata={"example": False})
    finance_type = ma.fields.String(load_default="CREDIT", validate=ma.validate.OneOf(FINANCE_TYPES),
                                    metadata={"example": "AGENT"})
    depth = ma.fields.Integer(dump_only=True, metadata={"description": "0 for a root"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class OrganisationUpdateSchema(OrganisationSchema):
    """Fields to change; those left out stay as they are. ``parent`` moves the subtree.

    Load it with ``partial=True``."""

    parent = Id(attribute="parent_id", allow_none=True, metadata={
        "description": "Moves the organisation; null only for a root, which stays one"})
    linked_account = StrictBoolean()
    finance_type = ma.fields.String(validate=ma.validate.OneOf(FINANCE_TYPES))


class AddressSchema(Schema):
    """A saved address of an organisation."""

    id = ma.fields.Integer(dump_only=True)
    name = Text(200, required=True, metadata={"example": "Main office"})
    company_name = Text(200, allow_none=True, metadata={"example": "Bob's Widget's Ltd."})
    recipient_name = Text(200, allow_none=True, metadata={"example": "Bob Johnson"})
    addr_line_1 = Text(200, required=True, metadata={"example": "123 Example Close"})
    addr_line_2 = Text(200, allow_none=True, metadata={"example": "Main Street"})
    city = Text(100, required=True, metadata={"example": "London"})
    region = Text(100, allow_none=True, metadata={"example": "City of London"})
    postal_code = Text(20, allow_none=True, metadata={"example": "AB12 3AA"})
    country_code = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=1, max=999),
        metadata={"description": "ISO 3166-1 numeric country code", "example": 826})
    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True)
