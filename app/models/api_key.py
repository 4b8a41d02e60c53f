"""API keys: the table behind oauth.api_keys.ApiKeyMixin."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime
from app.models.organisation import User
from oauth.api_keys import ApiKeyMixin


class ApiKey(Timestamps, ApiKeyMixin, db.Model):
    """A key acting as the user who created it; revoked keys stay, for the audit trail."""

    __tablename__ = "api_keys"
    __audited__ = True
    __tenant_via__ = ("user_id", User)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scope: Mapped[str | None] = mapped_column(String(1000))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A plan of its own, counted instead of its organisation's (app.plans).
    plan: Mapped[str | None] = mapped_column(String(20))
    plan_limit: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def organisation_id(self) -> int:
        return self.user.organisation_id
