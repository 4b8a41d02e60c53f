from flask.views import MethodView

from app import plans, tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.models import AccessToken, ApiClient, SigningKey, User
from app.pagination import PageArgs, page_of, paginate
from app.requests import no_store
from app.schemas.api_client import (
    ApiClientSchema,
    ApiClientUpdateSchema,
    ApiClientWithSecretSchema,
    SigningKeySchema,
    SigningKeyWithSecretSchema,
)
from oauth.protector import require_scope
from oauth.signatures import new_key_id
from oauth.store import store

blp = Blueprint("api_clients", __name__, url_prefix="/api/v1",
                description="API clients (client-credentials) and their secrets")


class ShownOnce:
    """A record with the plain secret that exists only in this response."""

    def __init__(self, record, secret: str | None, name: str = "client_secret"):
        self._record = record
        setattr(self, name, secret)

    def __getattr__(self, name):
        return getattr(self._record, name)


@blp.route("/api-clients")
class ApiClients(MethodView):
    @require_scope("api-clients:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ApiClientSchema))
    def get(self, page):
        """List API clients

        The API clients of the users in reach, oldest first; never their secrets. Needs
        `api-clients:read`.
        """
        return paginate(tenancy.scoped(ApiClient).order_by(ApiClient.id), page)

    @require_scope("api-clients:write")
    @no_store
    @blp.arguments(ApiClientSchema)
    @blp.response(201, ApiClientWithSecretSchema)
    def post(self, data):
        """Create an API client

        A client that acts as `user` (a user in reach; by default the caller), narrowed by
        `scope` if given, with a `plan` of its own if given (counted instead of its
        organisation's; never more than your own organisation's budget: 403). The answer
        holds `client_secret`, shown this once and never stored in
        plain: keep it. Needs `api-clients:write`; a user out of reach is a 422 on `user`. An
        `Idempotency-Key` is not replayed here, since the answer carries the secret.
        """
        user_id = data.pop("user_id", None)
        user = (tenancy.get_or_404(User, user_id, field="user")
                if user_id is not None else tenancy.current_user())
        tenancy.require_covers(user, "create an API client for")
        plan, plan_limit = data.pop("plan", None), data.pop("plan_limit", None)
        client = ApiClient(user=user, **data)
        if plan is not None or plan_limit is not None:
            plans.set_own_plan(client, user.organisation, plan, plan_limit)
        secret = client.set_secret()
        db.session.add(client)
        db.session.commit()
        return ShownOnce(client, secret)


@blp.route("/api-clients/<id:client_pk>")
class ApiClientById(MethodView):
    @require_scope("api-clients:read")
    @blp.response(200, ApiClientSchema)
    def get(self, client_pk):
        """Get an API client

        One API client of a user in reach, without its secret. Needs `api-clients:read`; 404
        when it is out of reach.
        """
        return tenancy.get_or_404(ApiClient, client_pk)

    @require_scope("api-clients:write")
    @blp.arguments(ApiClientUpdateSchema(partial=True))
    @blp.response(200, ApiClientSchema)
    @blp.alt_response(409, description="The client is disabled, or has no signing key to sign with")
    def put(self, data, client_pk):
        """Change an API client

        Renames it; sets `require_signature`: from the next request on, its API requests
        are refused (401) unless signed with one of its signing keys (RFC 9421, see
        `POST /api-clients/{id}/signing-keys`); or gives it a `plan` of its own (with
        `plan_limit` for a custom one), counted instead of its organisation's, which never
        raises your own organisation's budget (403). Its user and scope do not change.
        Needs `api-clients:write`; 409 for a disabled client or `require_signature` without
        a signing key, 404 when it is out of reach.
        """
        client = _changeable(client_pk, "change the API client of")
        if data.get("require_signature") and not client.signing_keys:
            fail(409, "Register a signing key before requiring signatures.",
                 errors={"require_signature": "The client has no signing key."})
        if "plan" in data or "plan_limit" in data:
            plan = data.pop("plan", client.plan)
            kept_limit = client.plan_limit if plan == "custom" else None
            plans.set_own_plan(client, client.user.organisation, plan,
                               data.pop("plan_limit", kept_limit))
        for field, value in data.items():
            setattr(client, field, value)
        db.session.commit()
        return client

    patch = put

    @require_scope("api-clients:write")
    @blp.response(204)
    def delete(self, client_pk):
        """Disable an API client

        Disables the client for good (it cannot be enabled again) and revokes its tokens, which
        stop working at once. Needs `api-clients:write`; 404 when it is out of reach.
        """
        client = tenancy.get_or_404(ApiClient, client_pk)
        tenancy.require_covers(client.user, "disable the API client of")
        client.active = False
        store().revoke_tokens(AccessToken.client_pk == client.id)
        db.session.commit()


@blp.route("/api-clients/<id:client_pk>/secret", methods=["POST"])
@require_scope("api-clients:write")
@no_store
@blp.response(201, ApiClientWithSecretSchema)
@blp.alt_response(409, description="The client is disabled")
def rotate_secret(client_pk):
    """Rotate an API client's secret

    A new secret, shown this once; the old one stops working at once, while tokens already
    issued stay valid. Needs `api-clients:write`; 409 for a disabled client, 404 when it is
    out of reach.
    """
    client = _changeable(client_pk, "rotate the secret of")
    secret = client.set_secret()
    db.session.commit()
    return ShownOnce(client, secret)


def _changeable(client_pk: int, action: str) -> ApiClient:
    """The client, in reach, of a user the caller covers, and not disabled (409)."""
    client = tenancy.get_or_404(ApiClient, client_pk)
    tenancy.require_covers(client.user, action)
    if not client.active:
        fail(409, "This API client is disabled.")
    return client


@blp.route("/api-clients/<id:client_pk>/signing-keys")
class SigningKeys(MethodView):  # one rule for both methods: an id out of range is a 404
    @require_scope("api-clients:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(SigningKeySchema))
    def get(self, page, client_pk):
        """List an API client's signing keys

        The keys the client may sign its requests with, oldest first: `key_id`, `algorithm`
        and `created_at`; never a secret or key material. Needs `api-clients:read`; 404 when
        the client is out of reach.
        """
        client = tenancy.get_or_404(ApiClient, client_pk)
        return paginate(db.select(SigningKey).where(SigningKey.client_pk == client.id)
                        .order_by(SigningKey.id), page)

    @require_scope("api-clients:write")
    @no_store
    @blp.arguments(SigningKeySchema)
    @blp.response(201, SigningKeyWithSecretSchema)
    @blp.alt_response(409, description="The client is disabled")
    def post(self, data, client_pk):
        """Add a signing key to an API client

        A key to sign the client's requests with (HTTP Message Signatures, RFC 9421): an
        `ed25519` public key sent as PEM in `public_key`, or an `hmac-sha256` secret generated
        here and answered once as `secret` (base64). Sign with the answered `key_id` as
        `keyid`, covering `@method`, `@target-uri`, `authorization` and `content-digest`
        (RFC 9530), with `created` (at most 300 seconds off) and a `nonce` used once. Needs
        `api-clients:write`; 422 for a public key that is not an ed25519 PEM, 409 for a
        disabled client, 404 when it is out of reach. An `Idempotency-Key` is not replayed
        here, since the answer may carry the secret.
        """
        client = _changeable(client_pk, "add a signing key to the API client of")
        key = SigningKey(client=client, key_id=new_key_id(), algorithm=data["algorithm"])
        secret = None
        if key.algorithm == "ed25519":
            try:
                key.set_public_key(data["public_key"])
            except ValueError as error:
                fail(422, "The public key cannot be used.", errors={"public_key": str(error)})
        else:
            secret = key.set_new_secret()
        db.session.add(key)
        db.session.commit()
        return ShownOnce(key, secret, "secret")


@blp.route("/api-clients/<id:client_pk>/signing-keys/<key_id>", methods=["DELETE"])
@require_scope("api-clients:write")
@blp.response(204)
@blp.alt_response(409, description="The client requires signatures and this is its last key")
def delete_signing_key(client_pk, key_id):
    """Delete a signing key of an API client

    Requests signed with the key are refused from now on. The last key of a client that
    requires signatures cannot go (409): turn `require_signature` off first, or add
    another key. Needs `api-clients:write`; 404 when the client is out of reach or has no
    such key.
    """
    client = tenancy.get_or_404(ApiClient, client_pk)
    tenancy.require_covers(client.user, "delete a signing key of the API client of")
    key = db.session.scalar(db.select(SigningKey).where(
        SigningKey.client_pk == client.id, SigningKey.key_id == key_id))
    if key is None:
        fail(404, "The API client has no signing key with this key_id.")
    if client.require_signature and len(client.signing_keys) == 1:
        fail(409, "The client requires signatures and this is its last signing key.",
             errors={"key_id": "Turn require_signature off or add another key first."})
    db.session.delete(key)
    db.session.commit()
