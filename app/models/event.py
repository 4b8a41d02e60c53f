"""Events of business changes, and the outbox rows that deliver them (webhooks, emails).

An event and its outbox rows are written in the transaction of the change they describe,
so a rolled-back change leaves none and a committed one always has them; the worker
(app.delivery.worker) delivers the rows afterwards."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, utcnow

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
DROPPED = "dropped"  # a push whose device was deleted or moved to another user before it went
QUEUED, SENT = "queued", "sent"


class Event(db.Model):
    """Something that happened to a record, with the record as the API returned it then."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    type: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (Index("ix_events_org_id", "organisation_id", "id"),
                      Index("ix_events_created_at", "created_at"))


class Outbox:
    """What the worker claims: due rows in status ``WAITING`` not leased to a live worker
    (app.delivery.claims)."""

    WAITING = PENDING
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leased_by: Mapped[str | None] = mapped_column(String(64))
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEndpoint(Timestamps, db.Model):
    __tablename__ = "webhook_endpoints"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    include_descendants: Mapped[bool] = mapped_column(Boolean, default=False)
    # The signing secret, encrypted with a key made from SECRET_KEY (app.services.webhooks):
    # it must be read back to sign. The previous one signs too until it expires.
    sealed_secret: Mapped[str] = mapped_column(String(300))
    previous_sealed_secret: Mapped[str | None] = mapped_column(String(300))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    secret = None  # in clear only on the answer that creates or rotates it (not stored)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_webhook_endpoints_org_id", "organisation_id", "id"),)

    def subscribes_to(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class WebhookDelivery(Outbox, db.Model):
    """One event to one endpoint: retried on its schedule until delivered or given up."""

    __tablename__ = "webhook_deliveries"
    __tenant_via__ = ("endpoint_id", WebhookEndpoint)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)
    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="joined", innerjoin=True)

    @property
    def organisation_id(self) -> int:
        return self.endpoint.organisation_id

    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)


class WebhookAttempt(db.Model):
    """One try of a delivery, as the receiver answered it (or the network failed)."""

    __tablename__ = "webhook_attempts"
    __tenant_via__ = ("endpoint_id", WebhookEndpoint)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_webhook_attempts_endpoint", "endpoint_id", "id"),)


class InvoiceEmail(Outbox, db.Model):
    """An invoice to be mailed with its PDF; ``sent`` only once an SMTP server accepted it."""

    __tablename__ = "invoice_emails"
    __audited__ = True
    WAITING = QUEUED

    status: Mapped[str] = mapped_column(String(16), default=QUEUED)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    to: Mapped[list] = mapped_column(JSON)
    cc: Mapped[list] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    message: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    message_id: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_invoice_emails_due", "status", "next_attempt_at"),)
