from datetime import datetime, timezone

from flask.views import MethodView

from app import plans, tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.models import ApiKey
from app.pagination import PageArgs, page_of, paginate
from app.requests import no_store
from app.schemas.api_key import ApiKeySchema, ApiKeyWithKeySchema
from oauth import scopes
from oauth.protector import authenticated_token, require_scope

blp = Blueprint("api_keys", __name__, url_prefix="/api/v1",
                description="API keys: bearer keys acting as the user who created them")


class ShownOnce:
    """An API key with the plain key that exists only in this response."""

    def __init__(self, api_key: ApiKey, key: str):
        self._api_key, self.key = api_key, key

    def __getattr__(self, name):
        return getattr(self._api_key, name)


def _scope_for_new_key(requested: str | None) -> str | None:
    """A key carries no more than the token that creates it: what was asked for (403 for
    more), or when nothing was, the token's scopes (null, following the user, when the
    token carries all its user holds)."""
    token = authenticated_token()
    carried = token.effective_scopes()
    if requested is None:
        return None if carried == token.user.held_scopes() else scopes.join(carried)
    beyond = scopes.split(requested) - carried
    if beyond:
        needed = scopes.join(beyond)
        fail(403, f"A key cannot carry scopes your token lacks: {needed}.",
             code="insufficient_scope", errors={"scope": f"Not carried by your token: {needed}."})
    return scopes.join(scopes.split(requested))


@blp.route("/api-keys")
class ApiKeys(MethodView):
    @require_scope("api-keys:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ApiKeySchema))
    def get(self, page):
        """List API keys

        The API keys of the users in reach, revoked ones included (with `revoked_at`),
        oldest first; never the keys themselves. Needs `api-keys:read`.
        """
        return paginate(tenancy.scoped(ApiKey).order_by(ApiKey.id), page)

    @require_scope("api-keys:write")
    @no_store
    @blp.arguments(ApiKeySchema)
    @blp.response(201, ApiKeyWithKeySchema)
    @blp.alt_response(409, description="The caller is emulating another user")
    def post(self, data):
        """Create an API key

        A key that acts as the calling user, sent as `Authorization: Bearer <key>`
        wherever an access token is accepted, with that user's permissions as they are at
        each request. It carries `scope` if given (no more than the calling token
        carries: 403 otherwise), expires at `expires_at` if given, and is rate limited like
        an API client: with its organisation's plan, or a `plan` of its own if given
        (never more than your organisation's budget: 403). The answer holds `key`, shown
        this once and stored only as a hash.
        `key` starts with `tgk_` and ends with a checksum, so secret scanners can recognise
        a leaked one. 409 while emulating (a key would outlive the emulation); 422 for an
        `expires_at` in the past. Needs `api-keys:write`. An `Idempotency-Key` is not
        replayed here, since the answer carries the key.
        """
        token = authenticated_token()
        if token.emulating:
            fail(409, "End the emulation first: an API key acts as its creator for good.")
        if data["expires_at"] is not None and data["expires_at"] <= datetime.now(timezone.utc):
            fail(422, "The key would never work.", errors={"expires_at": "Must be in the future."})
        api_key = ApiKey(user=token.user, name=data["name"], expires_at=data["expires_at"],
                         scope=_scope_for_new_key(data["scope"]))
        if data.get("plan") is not None or data.get("plan_limit") is not None:
            plans.set_own_plan(api_key, token.user.organisation, data.get("plan"),
                               data.get("plan_limit"))
        key = api_key.set_key()
        db.session.add(api_key)
        db.session.commit()
        return ShownOnce(api_key, key)


@blp.route("/api-keys/<id:key_id>", methods=["DELETE"])
@require_scope("api-keys:write")
@blp.response(204)
def revoke(key_id):
    """Revoke an API key

    The key stops working at once, on every server; it stays listed with `revoked_at`.
    Revoking a revoked key changes nothing. Needs `api-keys:write`; 404 when it is out of
    reach.
    """
    api_key = tenancy.get_or_404(ApiKey, key_id)
    tenancy.require_covers(api_key.user, "revoke the API key of")
    api_key.revoked_at = api_key.revoked_at or datetime.now(timezone.utc)
    db.session.commit()
