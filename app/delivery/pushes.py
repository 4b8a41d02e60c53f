"""Push notifications: one notification to one device, POSTed as JSON to the push gateway
(PUSH_GATEWAY_URL), which speaks to FCM and APNs; record the outcome.

The gateway's host is the operator's own setting, not a tenant's, so it is allowed beside
WEBHOOK_ALLOWED_HOSTS (a gateway on a private network is usual); the connection still goes
through the address-pinning client of app.delivery.http."""
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app

from app.delivery import claims, http
from app.delivery.schedule import PUSH_RETRY_DELAYS, next_attempt
from app.extensions import db
from app.models import Device, PushDelivery
from app.models.event import DELIVERED, DROPPED, FAILED

RETRY_AFTER_HONOURED = (429, 503)
RETRIED_CLIENT_ERRORS = (408, 429)  # any other 4xx is the gateway refusing the push for good




@dataclass
class Dropped:
    """A push not sent: its device is gone, or is another user's now."""

    reason: str

    def run(self) -> "Dropped":
        return self


def claimable():
    return ()


def prepare(push: PushDelivery, now: datetime) -> http.Post | Dropped:
    notification = push.notification
    device = db.session.get(Device, push.device_id) if push.device_id is not None else None
    if device is None:
        return Dropped("The device was deleted.")
    if device.user_id != notification.user_id:
        return Dropped("The device moved to another user.")
    body = json.dumps({
        "platform": device.platform_name, "device_id": device.device_id_string,
        "notification_id": notification.id, "type": notification.kind, "text": notification.text,
        "related_object": notification.related}, separators=(",", ":")).encode()
    config = current_app.config
    url = config["PUSH_GATEWAY_URL"]
    headers = {"content-type": "application/json", "user-agent": "Tiergate-Push/1",
               "idempotency-key": f"push-{push.id}"}  # the same on every attempt of this push
    if config["PUSH_GATEWAY_TOKEN"]:
        headers["authorization"] = f"Bearer {config['PUSH_GATEWAY_TOKEN']}"
    return http.Post(url, body, headers, config["PUSH_TIMEOUT"],
               [*config["WEBHOOK_ALLOWED_HOSTS"], urlsplit(url).hostname])


def record(push: PushDelivery, outcome: http.Answer | Dropped, now: datetime) -> None:
    """Delivered on a 2xx; dropped as prepared; given up on any other 4xx or once the schedule
    is spent; else tried again later (after Retry-After on 429 and 503, when longer)."""
    claims.finish(push, now)
    if isinstance(outcome, Dropped):
        push.status, push.last_error = DROPPED, outcome.reason
        return
    push.last_status_code, push.last_error = outcome.status_code, outcome.error
    if outcome.ok:
        push.status = DELIVERED
        return
    code = outcome.status_code
    refused = code is not None and 400 <= code < 500 and code not in RETRIED_CLIENT_ERRORS
    retry_after = (timedelta(seconds=outcome.retry_after)
                   if code in RETRY_AFTER_HONOURED and outcome.retry_after else None)
    later = None if refused else next_attempt(push.attempts, now, PUSH_RETRY_DELAYS, retry_after)
    if later is None:
        push.status = FAILED
    else:
        push.next_attempt_at = later
