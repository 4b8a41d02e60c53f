"""Webhook deliveries: sign and send one event to one endpoint, and record the outcome."""
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.fernet import InvalidToken
from flask import current_app

from app import events
from app.delivery import claims, http
from app.delivery.schedule import WEBHOOK_RETRY_DELAYS, next_attempt
from app.extensions import db
from app.models.event import DELIVERED, FAILED, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.schemas.webhook import WebhookSchema
from app.services.webhooks import signature, signing_secrets

DISABLE_AFTER_FAILING = timedelta(days=5)
RETRY_AFTER_HONOURED = (429, 503)




@dataclass
class Unsignable:
    """A delivery whose secret cannot be decrypted (SECRET_KEY changed): an attempt that
    fails, with what to do, and nothing sent."""

    def run(self) -> http.Answer:
        return http.Answer(error="The signing secret cannot be decrypted (was SECRET_KEY "
                                 "changed?): rotate the endpoint's secret.")


def claimable():
    """Deliveries wait while their endpoint is disabled."""
    return (WebhookDelivery.endpoint_id.in_(
        db.select(WebhookEndpoint.id).where(WebhookEndpoint.enabled.is_(True))),)


def prepare(delivery: WebhookDelivery, now: datetime) -> http.Post | Unsignable:
    """The request of this attempt: Standard Webhooks headers, timestamp of now."""
    event, endpoint = delivery.event, delivery.endpoint
    try:
        active = signing_secrets(endpoint, now)
    except InvalidToken:
        return Unsignable()
    body = json.dumps({"type": event.type, "timestamp": event.created_at.isoformat(),
                       "data": event.data}, separators=(",", ":")).encode()
    message_id, timestamp = str(event.id), int(now.timestamp())
    headers = {
        "content-type": "application/json", "user-agent": "Tiergate-Webhooks/1",
        "webhook-id": message_id, "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(active, message_id, timestamp, body),
    }
    config = current_app.config
    return http.Post(endpoint.url, body, headers, config["WEBHOOK_TIMEOUT"],
               config["WEBHOOK_ALLOWED_HOSTS"])


def record(delivery: WebhookDelivery, answer: http.Answer, now: datetime) -> None:
    """The attempt, and what follows from it: delivered, retried later, or given up (and
    the endpoint disabled on 410 Gone or after failing for 5 days)."""
    endpoint = delivery.endpoint
    claims.finish(delivery, now)
    db.session.add(WebhookAttempt(
        endpoint_id=endpoint.id, event_id=delivery.event_id, delivery_id=delivery.id, at=now,
        status_code=answer.status_code, error=answer.error, duration_ms=answer.duration_ms,
        response_body=answer.body))
    if answer.ok:
        delivery.status, endpoint.failing_since = DELIVERED, None
        return
    endpoint.failing_since = endpoint.failing_since or now
    if answer.status_code == 410:
        delivery.status = FAILED
        disable(endpoint, "The receiver answered 410 Gone.")
        return
    if now - endpoint.failing_since >= DISABLE_AFTER_FAILING:
        delivery.status = FAILED
        disable(endpoint, "Deliveries failed for 5 days.")
        return
    retry_after = (timedelta(seconds=answer.retry_after)
                   if answer.status_code in RETRY_AFTER_HONOURED and answer.retry_after else None)
    later = next_attempt(delivery.attempts, now, WEBHOOK_RETRY_DELAYS, retry_after)
    if later is None:
        delivery.status = FAILED
    else:
        delivery.next_attempt_at = later


def disable(endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.enabled, endpoint.disabled_reason = False, reason
    events.record("webhook_endpoint.disabled", endpoint, WebhookSchema)
