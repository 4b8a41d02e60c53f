import marshmallow as ma

from app.pagination import ListArgs
from app.schemas.common import FullMatch, Id, Schema, Text


class CustomerSchema(Schema):
    """A customer."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    account = Text(200, required=True, metadata={"example": "Jane Smith"})
    email = ma.fields.Email(allow_none=True, validate=ma.validate.Length(max=254),
                            error_messages={"invalid": "Invalid email format"},
                            metadata={"example": "jane@example.com"})
    phone = ma.fields.String(allow_none=True, validate=FullMatch(
        r"^\+?[0-9 ()./-]{3,40}$", error="Invalid phone number"), metadata={"example": "1234567890"})
    address = Text(200, allow_none=True, metadata={"example": "123 Business St"})
    city = Text(100, allow_none=True, metadata={"example": "New York"})
    state = Text(100, allow_none=True, metadata={"example": "NY"})
    zip = Text(20, allow_none=True, metadata={"example": "10001"})
    country = ma.fields.String(allow_none=True, validate=FullMatch(
        r"^[A-Z]{2}$", error="Use an ISO 3166-1 alpha-2 code such as US."),
        metadata={"example": "US"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class CustomerUpdateSchema(CustomerSchema):
    """Fields to change; those left out stay as they are. Load with ``partial=True``."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})


class CustomerListArgs(ListArgs):
    search = ma.fields.String(validate=ma.validate.Length(min=1, max=200), metadata={
        "description": "Matches account name, email or phone"})
