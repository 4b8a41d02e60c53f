import marshmallow as ma

from app.schemas.common import Id, Schema, Text
from oauth.scopes import ALL_SCOPES


def known_scopes(value: str) -> None:
    unknown = set(value.split()) - set(ALL_SCOPES)
    if unknown:
        raise ma.ValidationError(f"Unknown scope: {' '.join(sorted(unknown))}.")


class ApiClientSchema(Schema):
    """An API client; it acts as its user."""

    id = ma.fields.Integer(dump_only=True)
    client_id = ma.fields.String(dump_only=True, metadata={
        "example": "123e4567-e89b-12d3-a456-426614174000"})
    name = Text(200, required=True, metadata={"example": "Reseller sync"})
    user = Id(attribute="user_id", metadata={"description": "The user it acts as; default: the caller"})
    scope = ma.fields.String(allow_none=True, load_default=None, validate=known_scopes, metadata={
        "description": "Space-separated scopes it may ask for; null: all its user holds",
        "example": "organisations:read users:read"})
    active = ma.fields.Boolean(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    secret_rotated_at = ma.fields.DateTime(dump_only=True)


class ApiClientWithSecretSchema(ApiClientSchema):
    """An API client with its secret, shown this once."""

    client_secret = ma.fields.String(dump_only=True)
