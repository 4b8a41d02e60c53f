from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class IdempotencyKey(db.Model):
    """A create made with an Idempotency-Key, and the response to replay for a retry."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose key it is: the API client's, or the API key's that sent the request.
    client_pk: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[dict | list | None] = mapped_column(JSON)
    # The records the create looked up through app.tenancy: checked again on a replay.
    reach_checks: Mapped[list | None] = mapped_column(JSON)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("client_pk", "key", name="uq_idempotency_client_key"),
                      UniqueConstraint("api_key_id", "key", name="uq_idempotency_api_key_key"))
