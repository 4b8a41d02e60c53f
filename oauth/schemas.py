"""Request and response shapes of the /oauth endpoints, for the spec.

Authlib parses these requests itself (form-encoded, RFC 6749), so the schemas document
the bodies rather than validate them."""
import marshmallow as ma


class TokenRequestSchema(ma.Schema):
    grant_type = ma.fields.String(required=True, metadata={"enum": ["client_credentials"]})
    client_id = ma.fields.String(metadata={
        "description": "API client ID (UUID), unless sent with HTTP Basic"})
    client_secret = ma.fields.String(metadata={
        "description": "API client secret, unless sent with HTTP Basic"})
    scope = ma.fields.String(metadata={
        "description": "Space-separated scopes; default: all the client may have"})


class TokenSchema(ma.Schema):
    access_token = ma.fields.String(required=True, metadata={"example": "abc123"})
    token_type = ma.fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(required=True, metadata={"example": 3600})
    scope = ma.fields.String(required=True, metadata={"example": "organisations:read"})


class TokenActionRequestSchema(ma.Schema):
    token = ma.fields.String(required=True)
    token_type_hint = ma.fields.String(metadata={"enum": ["access_token", "refresh_token"]})
    client_id = ma.fields.String()
    client_secret = ma.fields.String()


class IntrospectionSchema(ma.Schema):
    active = ma.fields.Boolean(required=True)
    client_id = ma.fields.String()
    token_type = ma.fields.String()
    scope = ma.fields.String()
    sub = ma.fields.String(metadata={"description": "The user the token acts as"})
    username = ma.fields.String()
    organisation = ma.fields.Integer()
    iat = ma.fields.Integer()
    exp = ma.fields.Integer()
    act = ma.fields.Dict(metadata={"description": "The real user, while emulating (RFC 8693)"})


class TokenErrorSchema(ma.Schema):
    error = ma.fields.String(required=True, metadata={"example": "invalid_client"})
    error_description = ma.fields.String()
    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    code = ma.fields.String()
    request_id = ma.fields.UUID()


class MetadataSchema(ma.Schema):
    issuer = ma.fields.String(required=True)
    token_endpoint = ma.fields.String(required=True)
    revocation_endpoint = ma.fields.String()
    introspection_endpoint = ma.fields.String()
    grant_types_supported = ma.fields.List(ma.fields.String())
    response_types_supported = ma.fields.List(ma.fields.String())
    token_endpoint_auth_methods_supported = ma.fields.List(ma.fields.String())
    revocation_endpoint_auth_methods_supported = ma.fields.List(ma.fields.String())
    introspection_endpoint_auth_methods_supported = ma.fields.List(ma.fields.String())
    scopes_supported = ma.fields.List(ma.fields.String())
    service_documentation = ma.fields.String()
