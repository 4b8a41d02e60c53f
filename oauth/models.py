"""API clients and the access tokens issued to them (Authlib's mixins)."""
import time
import uuid
from datetime import datetime

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.extensions import db
from app.models import User
from app.models.base import Timestamps, UTCDateTime, utcnow
from oauth import hashing, scopes

AUTH_METHODS = ("client_secret_basic", "client_secret_post")
GRANT_TYPE = "client_credentials"


class ApiClient(Timestamps, ClientMixin, db.Model):
    """A machine credential that acts as one user. ``scope`` None means no restriction."""

    __tablename__ = "api_clients"
    __audited__ = True
    __tenant_via__ = ("user_id", User)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: str(uuid.uuid4())
    )
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scope: Mapped[str | None] = mapped_column(String(1000))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    bootstrap: Mapped[bool] = mapped_column(Boolean, default=False)
    secret_rotated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def organisation_id(self) -> int:
        return self.user.organisation_id

    def set_secret(self, secret: str | None = None) -> str:
        """Store a new secret's hash and return the secret, to be shown once."""
        secret = secret or hashing.new_secret()
        self.secret_hash = hashing.digest(secret)
        self.secret_rotated_at = utcnow()
        return secret

    @classmethod
    def authenticate(cls, client_id: str, secret: str) -> "ApiClient | None":
        """The same work whether the id is unknown, the secret wrong or the client disabled."""
        client = db.session.scalar(select(cls).where(cls.client_id == client_id[:64]))
        ok = hashing.matches(secret, client.secret_hash if client else None)
        if ok and client.active and client.user.active:
            return client
        return None

    def allowed_scopes(self) -> set[str]:
        """What this client's tokens may carry: its user's permissions, narrowed by its scope."""
        held = self.user.held_scopes()
        return held if self.scope is None else held & scopes.split(self.scope)

    # Authlib's ClientMixin
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


class AccessToken(TokenMixin, db.Model):
    """A bearer token, stored as its hash. ``real_user`` is set while emulating ``user``."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    real_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scope: Mapped[str] = mapped_column(String(1000), default="")
    issued_at: Mapped[int] = mapped_column(Integer, default=lambda: int(time.time()))
    expires_in: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client: Mapped[ApiClient] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
    real_user: Mapped[User] = relationship(foreign_keys=[real_user_id])

    @classmethod
    def find(cls, token_string: str) -> "AccessToken | None":
        if not token_string or len(token_string) > 200:
            return None
        query = select(cls).where(cls.token_hash == hashing.digest(token_string))
        # The client's user is nearly always the token's: loaded once, then found in the
        # identity map, rather than joined a second time with its organisation.
        return db.session.scalar(query.options(joinedload(cls.client).lazyload(ApiClient.user)))

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
        self.revoked_at = self.revoked_at or utcnow()

    # Authlib's TokenMixin
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
