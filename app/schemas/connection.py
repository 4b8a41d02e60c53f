import marshmallow as ma

from app.models.connection import CONNECTION_STATUSES
from app.pagination import PageArgs
from app.schemas.common import FullMatch, Id, Schema, Text


class ConnectionSchema(Schema):
    """A connection between an organisation in reach and a foreign company, as the caller's
    side sees it: `company_ref` is its side, `foreigncompany_ref` the other."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 3})
    company_ref = Id(metadata={"description": "The caller's side: an organisation in reach; "
                                              "default: the caller's"})
    foreigncompany_ref = Id(required=True, metadata={
        "description": "The organisation asked to connect: outside the caller's reach"})
    outgoing_connection = ma.fields.Boolean(dump_only=True, metadata={
        "description": "True when the caller's side asked for the connection"})
    connection_status = ma.fields.String(dump_only=True, metadata={
        "enum": list(CONNECTION_STATUSES),
        "description": "pending until the other side's admins accept or reject it; either side "
                       "may revoke it"})
    text = Text(1000, allow_none=True, metadata={"example": "We would like to send you work"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class ConnectionListArgs(PageArgs):
    connection_status = ma.fields.String(validate=ma.validate.OneOf(CONNECTION_STATUSES))


class CompanySchema(Schema):
    """An organisation's company details (the 004 seed's company fields)."""

    id = ma.fields.Integer(dump_only=True, metadata={"description": "The organisation's id"})
    vat_id = Text(40, allow_none=True, metadata={"example": "DK12345678"})
    companyname = ma.fields.String(validate=ma.validate.Length(min=1, max=200),
                                   metadata={"description": "The organisation's name"})
    branch = Text(100, allow_none=True, metadata={"example": "Electricians"})
    address = Text(200, allow_none=True)
    address2 = Text(200, allow_none=True)
    zip = Text(20, allow_none=True)
    city = Text(100, allow_none=True)
    country = ma.fields.String(allow_none=True, validate=FullMatch(
        r"^[A-Z]{2}$", error="Use an ISO 3166-1 alpha-2 code such as DK."), metadata={"example": "DK"})
    phone = ma.fields.String(allow_none=True, validate=FullMatch(
        r"^\+?[0-9 ()./-]{3,40}$", error="Invalid phone number"), metadata={"example": "+45 12345678"})
    email = ma.fields.Email(allow_none=True, validate=ma.validate.Length(max=254))
    contactperson = Text(200, allow_none=True)
    additionaltext = Text(5000, allow_none=True)


class CompanyUpdateSchema(CompanySchema):
    """Company fields to change; those left out stay as they are. Load with ``partial=True``."""
