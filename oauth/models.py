"""What makes a row an API client or an access token, on Authlib's mixins.

The tables are the application's (app.models.api_client); these mixins hold the OAuth
behaviour, so the authorization server needs nothing else of the application."""
import time
from datetime import datetime, timezone

from authlib.oauth2.rfc6749 import ClientMixin as AuthlibClientMixin
from authlib.oauth2.rfc6749 import TokenMixin as AuthlibTokenMixin

from oauth import hashing, scopes

AUTH_METHODS = ("client_secret_basic", "client_secret_post")
GRANT_TYPE = "client_credentials"


class ClientMixin(AuthlibClientMixin):
    """A machine credential that acts as one user. ``scope`` None means no restriction.

    Expects ``client_id``, ``secret_hash``, ``secret_rotated_at``, ``scope``, ``active``
    and ``user`` (with ``active`` and ``held_scopes()``)."""

    def set_secret(self, secret: str | None = None) -> str:
        """Store a new secret's hash and return the secret, to be shown once."""
        secret = secret or hashing.new_secret()
        self.secret_hash = hashing.digest(secret)
        self.secret_rotated_at = datetime.now(timezone.utc)
        return secret

    def allowed_scopes(self) -> set[str]:
        """What this client's tokens may carry: its user's permissions, narrowed by its scope."""
        held = self.user.held_scopes()
        return held if self.scope is None else held & scopes.split(self.scope)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        """The scope a token gets: what was asked for, or everything allowed when nothing was."""
        requested, allowed = scopes.split(scope), self.allowed_scopes()
        return scopes.join(requested & allowed if requested else allowed)

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return hashing.matches(client_secret, self.secret_hash)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in AUTH_METHODS

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == GRANT_TYPE


class TokenMixin(AuthlibTokenMixin):
    """A bearer token, stored as its hash. ``real_user`` is set while emulating ``user``.

    Expects ``client_pk``, ``client``, ``user_id``, ``user``, ``real_user_id``,
    ``real_user``, ``scope``, ``issued_at``, ``expires_in`` and ``revoked_at``."""

    is_api_key = False  # an oauth.api_keys.ApiKeyMixin row stands in for a token too

    @property
    def emulating(self) -> bool:
        return self.user_id != self.real_user_id

    def effective_scopes(self) -> set[str]:
        """Scopes as of now: a permission or client scope withdrawn after issue is gone at once.

        ``client.user`` is the real user, so an emulation token is bounded by both users."""
        return scopes.split(self.scope) & self.client.allowed_scopes() & self.user.held_scopes()

    @property
    def expires_at(self) -> int:
        return self.issued_at + self.expires_in

    def revoke(self) -> None:
        self.revoked_at = self.revoked_at or datetime.now(timezone.utc)

    def check_client(self, client):
        return self.client_pk == client.id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() >= self.expires_at

    def is_revoked(self):
        """Revoked, or its client or either user disabled since it was issued."""
        return bool(
            self.revoked_at
            or not self.client.active
            or not self.user.active
            or (self.emulating and not self.real_user.active)
        )
