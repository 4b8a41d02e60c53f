import marshmallow as ma

from app.models.lead import LEAD_STATUSES
from app.pagination import ListArgs
from app.schemas.common import FullMatch, Id, Schema, Text


class LeadSchema(Schema):
    """A sales lead; ``status`` follows its pipeline."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    first_name = Text(100, required=True, metadata={"example": "John"})
    last_name = Text(100, allow_none=True, metadata={"example": "Smith"})
    email = ma.fields.Email(allow_none=True, validate=ma.validate.Length(max=254),
                            error_messages={"invalid": "Invalid email format"},
                            metadata={"example": "john@example.com"})
    company = Text(200, allow_none=True, metadata={"example": "Acme Corp"})
    phone = ma.fields.String(allow_none=True, validate=FullMatch(
        r"^\+?[0-9 ()./-]{3,40}$", error="Invalid phone number"), metadata={"example": "1234567890"})
    source = Text(100, allow_none=True, metadata={"example": "Website"})
    status = ma.fields.String(dump_only=True, metadata={"enum": list(LEAD_STATUSES)})
    customer_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The customer it converted into"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class LeadUpdateSchema(LeadSchema):
    """Fields to change; ``status`` follows the pipeline. Load with ``partial=True``."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})
    status = ma.fields.String(validate=ma.validate.OneOf(LEAD_STATUSES),
                              metadata={"description": "New -> Contacted, Qualified or Lost; "
                                        "Contacted -> Qualified or Lost; Qualified -> Lost; "
                                        "Lost -> New; New, Contacted or Qualified -> Converted, "
                                        "only through POST /leads/{id}/convert; Converted is "
                                        "final."})


class LeadListArgs(ListArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(LEAD_STATUSES))
    search = ma.fields.String(validate=ma.validate.Length(min=1, max=200), metadata={
        "description": "Matches name, email or company"})
