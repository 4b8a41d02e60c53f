"""Webhook endpoints' secrets and signatures (Standard Webhooks), and replays."""
import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, insert, literal, select

from app.extensions import db
from app.models import Organisation
from app.models.base import utcnow
from app.models.event import PENDING, Event, WebhookDelivery, WebhookEndpoint
from oauth import hashing

SECRET_PREFIX = "whsec_"
OLD_SECRET_SIGNS_FOR = timedelta(hours=24)


def _fernet():
    return hashing.sealer("webhook secrets")


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def rotate_secret(endpoint: WebhookEndpoint) -> None:
    """A new secret (in clear on ``endpoint.secret`` for this answer only); the old one
    keeps signing beside it for 24 hours."""
    endpoint.previous_sealed_secret = endpoint.sealed_secret
    endpoint.previous_secret_expires_at = utcnow() + OLD_SECRET_SIGNS_FOR
    endpoint.secret = new_secret()
    endpoint.sealed_secret = seal(endpoint.secret)


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    sealed = [endpoint.sealed_secret]
    if endpoint.previous_sealed_secret and endpoint.previous_secret_expires_at > now:
        sealed.append(endpoint.previous_sealed_secret)
    return [_fernet().decrypt(secret.encode()).decode() for secret in sealed]


def signature(secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header: ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` per
    secret, space-separated."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(base64.b64decode(secret.removeprefix(SECRET_PREFIX)),
                                          signed, hashlib.sha256).digest()).decode()
        for secret in secrets_)


def replay(endpoint: WebhookEndpoint, since: datetime, until: datetime | None,
           types: list[str] | None) -> int:
    """Queue again, to ``endpoint``, the events it hears of from the period; how many."""
    now = utcnow()
    events = select(Event.id, literal(endpoint.id), literal(PENDING), literal(0), literal(now),
                    literal(now)).where(Event.created_at >= since)
    if until is not None:
        events = events.where(Event.created_at <= until)
    if "*" not in endpoint.events:
        events = events.where(Event.type.in_(endpoint.events))
    if types:
        events = events.where(Event.type.in_(types))
    if endpoint.include_descendants:
        subtree = select(Organisation.id).where(Organisation.path.startswith(
            select(Organisation.path).where(Organisation.id == endpoint.organisation_id)
            .scalar_subquery()))
        events = events.where(Event.organisation_id.in_(subtree))
    else:
        events = events.where(Event.organisation_id == endpoint.organisation_id)
    count = db.session.scalar(select(func.count()).select_from(events.subquery()))
    db.session.execute(insert(WebhookDelivery).from_select(
        ["event_id", "endpoint_id", "status", "attempts", "next_attempt_at", "created_at"], events))
    return count
