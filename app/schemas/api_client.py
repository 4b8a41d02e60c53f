import marshmallow as ma

from app.schemas.common import Id, Schema, StrictBoolean, Text
from app.schemas.plan import OwnPlanSchema
from oauth.scopes import ALL_SCOPES
from oauth.signatures import ALGORITHMS

SIGNING_ALGORITHMS = tuple(ALGORITHMS)


def known_scopes(value: str) -> None:
    unknown = set(value.split()) - set(ALL_SCOPES)
    if unknown:
        raise ma.ValidationError(f"Unknown scope: {' '.join(sorted(unknown))}.")


class ApiClientSchema(OwnPlanSchema):
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
    require_signature = StrictBoolean(dump_only=True, metadata={
        "description": "Its API requests must be signed (RFC 9421) with one of its signing keys"})


class ApiClientUpdateSchema(ApiClientSchema):
    """Fields to change (its name, whether it must sign); load with ``partial=True``. Its
    user and scope stay: sent back as GET answered them, they are ignored."""

    user = Id(attribute="user_id", dump_only=True)
    scope = ma.fields.String(allow_none=True, dump_only=True)
    require_signature = StrictBoolean(metadata={
        "description": "Refuse its requests unless signed with one of its signing keys; "
                       "needs a signing key first"})


class ApiClientWithSecretSchema(ApiClientSchema):
    """An API client with its secret, shown this once."""

    client_secret = ma.fields.String(dump_only=True)


class SigningKeySchema(Schema):
    """A key an API client signs its requests with (RFC 9421)."""

    key_id = ma.fields.String(dump_only=True, metadata={
        "description": "The keyid to put in Signature-Input", "example": "sk_Qm9kZ2VyIGtleQ"})
    algorithm = ma.fields.String(required=True, validate=ma.validate.OneOf(SIGNING_ALGORITHMS),
                                 metadata={"example": "ed25519"})
    public_key = ma.fields.String(load_only=True, validate=ma.validate.Length(max=2000), metadata={
        "description": "The PEM of an ed25519 public key; only with ed25519"})
    created_at = ma.fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _public_key_for_ed25519_only(self, data, **kwargs):
        if (data.get("algorithm") == "ed25519") != ("public_key" in data):
            raise ma.ValidationError("Send a PEM public key with ed25519, none with hmac-sha256.",
                                     "public_key")


class SigningKeyWithSecretSchema(SigningKeySchema):
    """A signing key with its generated secret (hmac-sha256), shown this once."""

    secret = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "hmac-sha256 only: the shared secret, base64; shown this once"})
