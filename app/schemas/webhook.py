import re
from datetime import timezone
from urllib.parse import urlsplit

import marshmallow as ma
from flask import current_app

from app import events
from app.schemas.common import Id, Schema, StrictBoolean, Text

EVENT_TYPE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


def _event_type(value: str) -> None:
    if value != "*" and not EVENT_TYPE.fullmatch(value):
        raise ma.ValidationError("An event type such as invoice.created, or * for every event.")


def check_webhook_url(url: str) -> None:
    """https, or plain http to a host named in WEBHOOK_ALLOWED_HOSTS (development, tests)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ma.ValidationError("Must be an absolute https URL.")
    if parts.username or parts.password:
        raise ma.ValidationError("Must not carry credentials.")
    if parts.scheme == "http" and parts.hostname not in current_app.config["WEBHOOK_ALLOWED_HOSTS"]:
        raise ma.ValidationError("Must use https (plain http only to a host in WEBHOOK_ALLOWED_HOSTS).")


class WebhookSchema(Schema):
    """An endpoint that receives the events it subscribes to, signed (Standard Webhooks)."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    url = ma.fields.String(required=True, validate=[ma.validate.Length(max=2000), check_webhook_url],
                           metadata={"example": "https://example.com/webhook"})
    events = ma.fields.List(ma.fields.String(validate=_event_type), required=True,
                            validate=ma.validate.Length(min=1, max=100), metadata={
                                "example": ["invoice.created", "payment.received"],
                                "description": "Event types, or [\"*\"] for every event. "
                                               f"The types: {', '.join(events.TYPES)}"})
    description = Text(500, allow_none=True)
    enabled = StrictBoolean(load_default=True)
    include_descendants = StrictBoolean(load_default=False, metadata={
        "description": "Also deliver the events of descendant organisations"})
    disabled_reason = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "Why the worker disabled the endpoint (410 Gone, failing for 5 days)"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class WebhookUpdateSchema(WebhookSchema):
    """Fields to change; those left out stay. Load with ``partial=True``."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})
    enabled = StrictBoolean(metadata={"description": "true re-enables a disabled endpoint"})
    include_descendants = StrictBoolean()


class WebhookWithSecretSchema(WebhookSchema):
    """The endpoint with its signing secret, shown only in this answer."""

    secret = ma.fields.String(dump_only=True, metadata={
        "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "description": "Verifies the webhook-signature header; shown once"})


class AttemptSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    at = ma.fields.DateTime(dump_only=True)
    event_id = ma.fields.Integer(dump_only=True)
    status_code = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The receiver's HTTP status; none when the network failed"})
    error = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The network error or refusal, when there was no answer"})
    duration_ms = ma.fields.Integer(dump_only=True)
    response_body = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The first 2 KB of the answer"})


class ReplaySchema(Schema):
    """Deliver again the events of a period to this endpoint."""

    since = ma.fields.AwareDateTime(required=True, default_timezone=timezone.utc, metadata={
        "example": "2026-01-01T00:00:00Z", "description": "Events created at or after this time"})
    until = ma.fields.AwareDateTime(default_timezone=timezone.utc, metadata={
        "description": "Events created at or before this time; default: now"})
    types = ma.fields.List(ma.fields.String(validate=_event_type), validate=ma.validate.Length(max=100),
                           metadata={"example": ["invoice.paid"],
                                     "description": "Only these event types; default: all it hears of"})


class QueuedSchema(ma.Schema):
    """What a redelivery or replay put in the outbox."""

    deliveries = ma.fields.Integer(dump_only=True, metadata={"description": "Deliveries queued"})


