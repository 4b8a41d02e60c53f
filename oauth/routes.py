"""/oauth/* and /.well-known/oauth-authorization-server."""
import functools
import ipaddress

from authlib.oauth2.rfc6749 import InvalidRequestError
from flask import current_app, request
from flask_smorest import Blueprint

from oauth import scopes
from oauth.models import AUTH_METHODS, GRANT_TYPE
from oauth.schemas import (
    IntrospectionSchema,
    MetadataSchema,
    TokenActionRequestSchema,
    TokenErrorSchema,
    TokenRequestSchema,
    TokenSchema,
)
from oauth.server import server
from oauth.throttle import throttle_failed_authentication

blp = Blueprint("oauth", __name__, description="OAuth 2.0 authorization server")

FORM = "application/x-www-form-urlencoded"
PATH_PREFIX = "/oauth/"  # token, revoke, introspect: RFC 6749 requests and answers


def is_oauth_request() -> bool:
    return request.path.startswith(PATH_PREFIX)


def _secure_transport() -> bool:
    """https (a trusted proxy's counts: TRUSTED_PROXIES), a client on this machine, or
    plain http allowed outright for development (ALLOW_INSECURE_HTTP)."""
    if request.scheme == "https" or current_app.config["ALLOW_INSECURE_HTTP"]:
        return True
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def secure_transport_only(view):
    """Client secrets and tokens cross only https (RFC 6749 section 3.2): over plain http
    from another machine the answer is 400 invalid_request, before Authlib reads the request
    (app.requests has checked its content type and size already)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not _secure_transport():
            return server.handle_error_response(None, InvalidRequestError(
                "Use https: client credentials and tokens are not sent over plain http."))
        return view(*args, **kwargs)

    return wrapper
CLIENT_AUTH = [{"clientBasic": []}, {}]


def _form_body(schema):
    return {"required": True, "content": {FORM: {"schema": schema}}}


def _oauth_errors(*statuses):
    descriptions = {
        400: "invalid_request, unsupported_grant_type, invalid_scope (RFC 6749 section 5.2)",
        401: "invalid_client: unknown client, wrong secret or disabled client",
        415: "The body is not form-encoded",
        429: "Too many requests, or too many failed client authentications",
    }
    return {
        str(status): {
            "description": descriptions[status],
            "content": {"application/json": {"schema": TokenErrorSchema}},
        }
        for status in statuses
    }


@blp.route("/oauth/token", methods=["POST"])
@blp.doc(
    summary="Issue an access token (client-credentials grant)",
    description=(
        "Authenticates the API client (HTTP Basic, or `client_id` and `client_secret` in the "
        "form, not both) and answers a bearer token acting as the client's user, with no "
        "refresh token. Without `scope` the token gets every scope the client may have; a "
        "scope it may not have is `invalid_scope`. Failed authentications are throttled per "
        "client id and address (429)."),
    security=CLIENT_AUTH,
    requestBody=_form_body(TokenRequestSchema),
    responses={"200": {"description": "An access token",
                       "content": {"application/json": {"schema": TokenSchema}}},
               **_oauth_errors(400, 401, 415, 429)},
)
@secure_transport_only
@throttle_failed_authentication
def issue_token():
    return server.create_token_response()


@blp.route("/oauth/revoke", methods=["POST"])
@blp.doc(
    summary="Revoke one of the calling client's tokens (RFC 7009)",
    description=(
        "Revokes `token`, with the emulations started from it, if it is one of the calling "
        "client's (revoking an emulation's token ends the emulation); the answer is the same "
        "200 when it is not, so that nothing is learnt about other clients' tokens. Client "
        "authentication as for `/oauth/token`."),
    security=CLIENT_AUTH,
    requestBody=_form_body(TokenActionRequestSchema),
    responses={"200": {"description": "Revoked, or not a token of this client: the same answer"},
               **_oauth_errors(400, 401, 415, 429)},
)
@secure_transport_only
@throttle_failed_authentication
def revoke_token():
    return server.create_endpoint_response("revocation")


@blp.route("/oauth/introspect", methods=["POST"])
@blp.doc(
    summary="Describe one of the calling client's tokens (RFC 7662)",
    description=(
        "Whether `token` is active, with its scope, user, organisation and times (and `act`, "
        "the real user, while emulating); `{\"active\": false}` for an expired or revoked "
        "token and for another client's. Client authentication as for `/oauth/token`."),
    security=CLIENT_AUTH,
    requestBody=_form_body(TokenActionRequestSchema),
    responses={"200": {"description": "The token, or {\"active\": false}",
                       "content": {"application/json": {"schema": IntrospectionSchema}}},
               **_oauth_errors(400, 401, 415, 429)},
)
@secure_transport_only
@throttle_failed_authentication
def introspect_token():
    return server.create_endpoint_response("introspection")


@blp.route("/.well-known/oauth-authorization-server", methods=["GET"])
@blp.response(200, MetadataSchema)
@blp.doc(summary="Authorization server metadata (RFC 8414)", security=[], description=(
    "The token, revocation and introspection endpoints, the client authentication methods "
    "and the scopes this server supports, under `ISSUER` (or the request's own URL). No "
    "token needed."))
def metadata():
    base = (current_app.config["ISSUER"] or request.url_root).rstrip("/")
    methods = list(AUTH_METHODS)
    return {
        "issuer": base,
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "introspection_endpoint": f"{base}/oauth/introspect",
        "grant_types_supported": [GRANT_TYPE],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": methods,
        "revocation_endpoint_auth_methods_supported": methods,
        "introspection_endpoint_auth_methods_supported": methods,
        "scopes_supported": list(scopes.ALL_SCOPES),
        "service_documentation": f"{base}/openapi.json",
    }
