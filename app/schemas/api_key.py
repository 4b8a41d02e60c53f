import marshmallow as ma

from app.schemas.api_client import known_scopes
from app.schemas.common import Text
from app.schemas.plan import OwnPlanSchema


class ApiKeySchema(OwnPlanSchema):
    """An API key; it acts as the user who created it. The key itself is shown only once."""

    id = ma.fields.Integer(dump_only=True)
    name = Text(200, required=True, metadata={"example": "Nightly export"})
    user = ma.fields.Integer(attribute="user_id", dump_only=True, metadata={
        "description": "The user who created it, and whom it acts as"})
    scope = ma.fields.String(allow_none=True, load_default=None, validate=known_scopes, metadata={
        "description": "Space-separated scopes it carries; null: all its user holds",
        "example": "customers:read invoices:read"})
    expires_at = ma.fields.AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "When it stops working; null: never"})
    created_at = ma.fields.DateTime(dump_only=True)
    revoked_at = ma.fields.DateTime(dump_only=True, allow_none=True,
                                    metadata={"description": "null while it works"})
    last_used_at = ma.fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "Last request made with it, to the minute; null: never used"})


class ApiKeyWithKeySchema(ApiKeySchema):
    """An API key with the key, shown this once."""

    key = ma.fields.String(dump_only=True, metadata={
        "description": "Send as `Authorization: Bearer <key>`; shown this once, never stored",
        "example": "tgk_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsT0fXyZ1"})
