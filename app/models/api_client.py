"""API clients and the access tokens issued to them: the tables behind oauth's mixins."""
import time
import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, utcnow
from app.models.organisation import User
from oauth.models import ClientMixin, TokenMixin
from oauth.signatures import SigningKeyMixin


class ApiClient(Timestamps, ClientMixin, db.Model):
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
    # Its API requests must be signed with one of its signing keys (oauth.signatures).
    require_signature: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A plan of its own, counted instead of its organisation's (app.plans).
    plan: Mapped[str | None] = mapped_column(String(20))
    plan_limit: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    signing_keys: Mapped[list["SigningKey"]] = relationship(
        back_populates="client", order_by="SigningKey.id")

    @property
    def organisation_id(self) -> int:
        return self.user.organisation_id


class AccessToken(TokenMixin, db.Model):
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
    # The token an emulation was started from: revoking it revokes this one.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("access_tokens.id", name="fk_access_tokens_parent_id"), index=True)

    client: Mapped[ApiClient] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
    real_user: Mapped[User] = relationship(foreign_keys=[real_user_id])


class SigningKey(Timestamps, SigningKeyMixin, db.Model):
    """A key an API client signs its requests with: an ed25519 public key, or an
    hmac-sha256 secret stored encrypted."""

    __tablename__ = "signing_keys"
    __audited__ = True
    __tenant_via__ = ("client_pk", ApiClient)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(20))
    key_material: Mapped[str] = mapped_column(Text)

    client: Mapped[ApiClient] = relationship(back_populates="signing_keys")

    @property
    def organisation_id(self) -> int:
        return self.client.organisation_id
