"""The authorization server: client-credentials grant, revocation, introspection."""
import time

from authlib.integrations.flask_oauth2 import AuthorizationServer as FlaskAuthorizationServer
from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Payload, FlaskOAuth2Request
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import (
    InvalidClientError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint as _RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _IntrospectionEndpoint
from flask import current_app, g, json
from flask import request as flask_request

from oauth import hashing, scopes
from oauth.basic import basic_credentials
from oauth.models import AUTH_METHODS
from oauth.protector import note_caller
from oauth.store import store


def _printable(text: str, limit: int = 200) -> str:
    """Echoed input, reduced to what RFC 6749 allows in error_description."""
    kept = "".join(c for c in text if " " <= c <= "~" and c not in '"\\')
    return kept[:limit] or "?"


class AuthorizationServer(FlaskAuthorizationServer):
    def authenticate_client(self, request, methods, endpoint="token"):
        """client_secret_basic or client_secret_post, never both; RFC 6749 section 2.3.1."""
        if flask_request.args:
            raise InvalidRequestError("Send parameters in the form-encoded body, not the URL.")
        repeated = [name for name, values in request.form.lists() if len(values) > 1]
        if repeated:  # RFC 6749 section 3.2
            raise InvalidRequestError(f"Parameters must not repeat: {_printable(', '.join(repeated))}.")
        basic = basic_credentials(request.headers)
        posted = "client_id" in request.form or "client_secret" in request.form
        if basic and posted:
            raise InvalidRequestError("Use one client authentication method, not two.")
        if basic:
            client_id, secret, method = *basic, "client_secret_basic"
        else:
            client_id = request.form.get("client_id", "")
            secret = request.form.get("client_secret", "")
            method = "client_secret_post"
        client = store().authenticate_client(client_id, secret) if client_id else None
        if client is None:
            if not client_id:
                hashing.matches(secret, None)  # the same work as for a wrong secret
            error = InvalidClientError(status_code=401, description="Client authentication failed.")
            error.basic_challenge = method == "client_secret_basic"
            raise error
        request.auth_method = method
        note_caller(client, client.user.organisation_id)
        return client

    def create_oauth2_request(self, request):
        return _TransportCheckedRequest(flask_request)

    def handle_error_response(self, request, error):
        """RFC 6749 section 5.2 body, with the problem-details members beside it."""
        status, body, headers = error(self.get_error_uri(request, error))
        headers = [(k, v) for k, v in headers if k.lower() != "www-authenticate"]
        if getattr(error, "basic_challenge", False):
            headers.append(("WWW-Authenticate", 'Basic realm="tiergate"'))
        body = dict(body)
        body.update({
            "type": "about:blank",
            "title": "OAuth error",
            "status": status,
            "detail": body.get("error_description") or body["error"],
            "code": body["error"],
            "request_id": g.get("request_id"),
        })
        return self.handle_response(status, json.dumps(body), headers)

    def handle_response(self, status_code, payload, headers):
        response = super().handle_response(status_code, payload, headers)
        response.mimetype = "application/json"
        return response


class _TransportCheckedRequest(FlaskOAuth2Request):
    """Authlib refuses plain http unless the URL's host is loopback, and raises that outside
    its error handling (a 500 for anyone who sends a Host header). Whether the transport
    will do is decided before Authlib sees the request, by oauth.routes.secure_transport_only
    (https, a trusted proxy's https, a loopback client, or ALLOW_INSECURE_HTTP), so Authlib
    is shown the request as the https one it was allowed to be."""

    def __init__(self, request):
        OAuth2Request.__init__(self, method=request.method, headers=request.headers,
                               uri=request.url.replace("http://", "https://", 1))
        self._request = request
        self.payload = FlaskOAuth2Payload(request)


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)

    def validate_requested_scope(self):
        requested = scopes.split(self.request.payload.scope)
        unknown = requested - set(scopes.ALL_SCOPES)
        if unknown:
            raise InvalidScopeError(
                f"Unknown scope: {_printable(' '.join(sorted(unknown)))}. The scopes are: "
                f"{' '.join(scopes.ALL_SCOPES)}.")
        not_held = requested - self.client.user.held_scopes()
        if not_held:
            needed = ", ".join(f"{scopes.SCOPE_PERMISSIONS[scope]} (for {scope})"
                               for scope in scopes.join(not_held).split())
            raise InvalidScopeError(f"The client's user does not hold the permission: {needed}.")
        not_allowed = requested - self.client.allowed_scopes()
        if not_allowed:
            raise InvalidScopeError(
                f"The client is restricted to other scopes; it may not have: "
                f"{scopes.join(not_allowed)}.")

    def create_token_response(self):
        status, token, headers = super().create_token_response()
        token.setdefault("scope", "")
        return status, token, headers


class _OwnTokensOnly:
    """Revocation and introspection see only the calling client's own tokens: another
    client's token is treated as unknown, so tokens cannot be probed."""

    CLIENT_AUTH_METHODS = list(AUTH_METHODS)

    def check_params(self, request, client):
        if "token" not in request.form:
            raise InvalidRequestError("The 'token' parameter is required.")
        hint = request.form.get("token_type_hint")
        if hint and hint not in self.SUPPORTED_TOKEN_TYPES:
            raise OAuth2Error(error="unsupported_token_type", status_code=400,  # RFC 7009 2.2.1
                              description="Only access tokens are issued here.")

    def authenticate_token(self, request, client):
        self.check_params(request, client)
        token = store().find_token(request.form["token"])
        if token is None or not token.check_client(client):
            return None
        if token.emulating and not store().may_emulate(token.real_user, token.user):
            return None  # as the protector refuses it: not active
        return token


class RevocationEndpoint(_OwnTokensOnly, _RevocationEndpoint):
    def revoke_token(self, token, request):
        """Revoke the token and the emulations started from it, and say so in the audit trail."""
        store().revoke_tokens(type(token).id == token.id)
        store().session.commit()


class IntrospectionEndpoint(_OwnTokensOnly, _IntrospectionEndpoint):
    def check_permission(self, token, client, request):
        return token.check_client(client)

    def introspect_token(self, token):
        payload = {
            "active": True,
            "client_id": token.client.client_id,
            "token_type": "Bearer",
            "scope": scopes.join(token.effective_scopes()),
            "sub": str(token.user_id),
            "username": token.user.name,
            "organisation": token.user.organisation_id,
            "iat": token.issued_at,
            "exp": token.expires_at,
        }
        if token.emulating:
            payload["act"] = {"sub": str(token.real_user_id)}
        return payload


def save_token(token_data, request):
    client = request.client
    store().add_token(token_data["access_token"], client, client.user, token_data.get("scope", ""),
                      token_data["expires_in"])
    store().session.commit()


def issue_emulation_token(started_by, user, scope: str) -> tuple[object, dict]:
    """A token acting as ``user`` for the client of the token ``started_by``, outside the
    grant flow: the new row and the response body. It never outlives ``started_by``, and
    revoking that revokes it; the caller commits."""
    left = started_by.expires_at - int(time.time())
    expires_in = max(1, min(current_app.config["ACCESS_TOKEN_EXPIRES_IN"], left))
    access_token = hashing.new_secret()
    token = store().add_token(access_token, started_by.client, user, scope, expires_in,
                              parent=started_by)
    return token, {"access_token": access_token, "token_type": "Bearer",
                   "expires_in": expires_in, "scope": scope}


server = AuthorizationServer()


def init_app(app):
    server.init_app(app, query_client=lambda client_id: None, save_token=save_token)
    server.register_token_generator("default", BearerTokenGenerator(
        access_token_generator=lambda **_: hashing.new_secret(),
        expires_generator=lambda client, grant_type: current_app.config["ACCESS_TOKEN_EXPIRES_IN"],
    ))
    if not server._token_grants:
        server.register_grant(ClientCredentialsGrant)
        server.register_endpoint(RevocationEndpoint)
        server.register_endpoint(IntrospectionEndpoint)
