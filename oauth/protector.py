"""The resource protector: Authlib's ResourceProtector with RFC 6750 errors in our format."""
import functools

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2.rfc6749 import MissingAuthorizationError, UnsupportedTokenTypeError
from authlib.oauth2.rfc6750 import BearerTokenValidator, InsufficientScopeError, InvalidTokenError
from flask import g, request
from flask_smorest import Blueprint
from sqlalchemy.exc import SQLAlchemyError

from oauth.problems import refuse
from oauth.scopes import SCOPE_PERMISSIONS
from oauth.signatures import verify_request
from oauth.store import store
from oauth.token_cache import TokenCache

REALM = "tiergate"


def _lookup(token_string: str, *, provisional: bool = False) -> object | None:
    """One look-up per request, shared by the rate limiter and the protector.

    The limiter's look-up (``provisional``) comes before the request's auth epoch is
    known, so it may take a cached token as it is; the protector's comes after, and
    takes it only if the epoch has not moved since (else it reads the database)."""
    remembered = g.get("_bearer_lookup")
    if remembered is not None and remembered[0] == token_string:
        if provisional or TokenCache.confirmed(remembered[1], store().auth_epochs.current()):
            return remembered[1].record
        store().session.expire_all()  # the cached rows are stale: read again, not reused
    found = store().look_up(token_string, provisional=provisional)
    g._bearer_lookup = (token_string, found)
    if found.record is not None:
        note_caller(found.record.client, found.record.user.organisation_id)
    return found.record


def token_from_header(*, provisional: bool = False) -> object | None:
    """The valid bearer token of this request, if any (no scope check)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    token = _lookup(value.strip(), provisional=provisional)
    if token is None or token.is_expired() or token.is_revoked():
        return None
    return token


def authenticated_token() -> object | None:
    """The token the protector accepted for this request."""
    return g.get("authlib_server_oauth2_token")


def note_caller(client, organisation_id: int) -> None:
    """Remember who sent the request, for its access-log line: noted when the client is
    known (authenticated at /oauth/*, or its bearer token found), as plain values that
    stay readable after the request commits."""
    g.caller = (client.client_id, organisation_id)


def request_caller() -> tuple[str, int] | None:
    """(client id, organisation) of whoever sent the request, if known: a 403 for want of
    scope is still that client's."""
    return g.get("caller")


def _revoke_for_good(token) -> None:
    """An emulation that became invalid stays ended, whatever changes back later."""
    session = store().session
    try:
        store().revoke_tokens(type(token).id == token.id)
        session.commit()
    except SQLAlchemyError:  # refused now all the same; revoked on its next use
        session.rollback()


def _emulation_still_allowed(token) -> bool:
    """An emulation ends as soon as its real user could no longer start it."""
    return store().may_emulate(token.real_user, token.user)


class Validator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        return _lookup(token_string.strip())

    def validate_token(self, token, scopes, request):
        if token is None or token.is_expired() or token.is_revoked():
            raise InvalidTokenError(realm=REALM)
        if token.emulating and not _emulation_still_allowed(token):
            _revoke_for_good(token)
            raise InvalidTokenError(realm=REALM)
        if token.client.require_signature:
            verify_request(token.client)
        if self.scope_insufficient(" ".join(token.effective_scopes()), scopes):
            raise InsufficientScopeError()


def _challenge(error: str | None = None, **params) -> dict:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    parts += [f'{key}="{value}"' for key, value in params.items()]
    return {"WWW-Authenticate": "Bearer " + ", ".join(parts)}


class Protector(ResourceProtector):
    def acquire_token(self, scopes=None, **kwargs):
        if "access_token" in request.args or "access_token" in request.form:
            refuse(400, "Send the access token in the Authorization header, not in the URL or body.",
                 code="invalid_request", error="invalid_request",
                 headers=_challenge("invalid_request"))
        return super().acquire_token(scopes, **kwargs)

    def raise_error_response(self, error):
        if isinstance(error, MissingAuthorizationError) or (
            isinstance(error, UnsupportedTokenTypeError)
            and not request.headers.get("Authorization", "").lower().startswith("bearer")
        ):
            refuse(401, "This endpoint needs a bearer access token.", headers=_challenge())
        if isinstance(error, InsufficientScopeError):
            needed = " ".join(g.get("required_scopes") or ())
            refuse(403, f"The access token lacks the scope this needs: {needed}.",
                 code="insufficient_scope", error="insufficient_scope", scope=needed,
                 headers=_challenge("insufficient_scope", scope=needed))
        description = "The access token is malformed, unknown, expired or revoked."
        refuse(401, description, code="invalid_token", error="invalid_token",
             headers=_challenge("invalid_token", error_description=description))


require_oauth = Protector()
require_oauth.register_token_validator(Validator(realm=REALM))


def required_permission() -> str:
    """The permission that the scope the view requires stands for (customers:write ->
    customers:edit): views name the scope once, record look-ups check its permission."""
    return SCOPE_PERMISSIONS[g.required_scopes[0]]


def require_scope(scope: str | None = None, *also: str):
    """Protect a view with a bearer token (holding ``scope`` when given, and each of ``also``:
    a view that also makes another resource's record, as converting a lead makes a
    customer) and document it. Records are looked up with ``scope``'s permission."""
    scopes = [each for each in (scope, *also) if each]
    unknown = [each for each in scopes if each not in SCOPE_PERMISSIONS]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]}")

    def decorator(view):
        protected = require_oauth([" ".join(scopes)] if scopes else None)(view)

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.required_scopes = scopes
            return protected(*args, **kwargs)

        responses = {"401": "UNAUTHORIZED", "403": "FORBIDDEN", "429": "TOO_MANY_REQUESTS"}
        security = [{"oauth2": scopes}]
        return Blueprint.doc(security=security, responses=responses)(wrapper)

    return decorator
