from flask.views import MethodView

from app import tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.models import AccessToken, ApiClient, User
from app.pagination import PageArgs, page_of, paginate
from app.requests import no_store
from app.schemas.api_client import ApiClientSchema, ApiClientWithSecretSchema
from oauth.protector import require_scope
from oauth.store import store

blp = Blueprint("api_clients", __name__, url_prefix="/api/v1",
                description="API clients (client-credentials) and their secrets")


class ShownOnce:
    """An API client with the plain secret that exists only in this response."""

    def __init__(self, client: ApiClient, secret: str):
        self._client, self.client_secret = client, secret

    def __getattr__(self, name):
        return getattr(self._client, name)


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
        `scope` if given. The answer holds `client_secret`, shown this once and never stored in
        plain: keep it. Needs `api-clients:write`; a user out of reach is a 422 on `user`. An
        `Idempotency-Key` is not replayed here, since the answer carries the secret.
        """
        user_id = data.pop("user_id", None)
        user = (tenancy.get_or_404(User, user_id, field="user")
                if user_id is not None else tenancy.current_user())
        tenancy.require_covers(user, "create an API client for")
        client = ApiClient(user=user, **data)
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
    client = tenancy.get_or_404(ApiClient, client_pk)
    tenancy.require_covers(client.user, "rotate the secret of")
    if not client.active:
        fail(409, "This API client is disabled.")
    secret = client.set_secret()
    db.session.commit()
    return ShownOnce(client, secret)
