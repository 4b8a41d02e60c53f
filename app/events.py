"""Events, written once for every resource: ``<resource>.<past verb>`` with the record as
the API returns it, in the transaction of the change (so a rolled-back change leaves no
event), fanned out there and then into outbox rows for the webhook endpoints that want it.

A resource opts in with one line beside its blueprint, ``events.publish(Model, "customer",
CustomerSchema)``; app.records then records ``customer.created``, ``.updated`` and
``.deleted`` for it. Workflows record their own (``invoice.paid``) with ``record``."""
from flask import g, has_request_context
from sqlalchemy import or_, select

from app import tenancy
from app.extensions import db
from app.models import Organisation
from app.models.base import utcnow
from app.models.event import Event, WebhookDelivery, WebhookEndpoint

#: Every event type recorded, for the documentation (README, the served document); a new
#: one is added here (tests/resources/test_event_types.py checks what it records against it).
TYPES = (
    "customer.created", "customer.updated", "customer.deleted", "vendor.created",
    "product.created", "product.updated", "product.low_stock",
    "invoice.created", "invoice.updated", "invoice.sent", "invoice.paid", "invoice.voided",
    "payment.received", "email.failed", "webhook_endpoint.disabled",
    "quote.created", "quote.updated", "quote.sent", "quote.accepted", "quote.rejected",
    "quote.converted", "account.created", "account.updated", "transaction.created",
    "transaction.voided", "category.created", "ticket.created", "ticket.updated",
    "ticket_message.created", "department.created", "lead.created", "lead.updated",
    "lead.converted", "repair.created", "repair.updated", "repair.invoiced",
    "connection.requested", "connection.accepted", "connection.rejected", "connection.revoked",
    "task.created", "task.updated", "task_note.created", "assignment.created",
    "assignment.deleted",
)

#: model -> (the event's resource name, the schema of its API representation)
PUBLISHED: dict[type, tuple[str, type]] = {}


def publish(model: type, name: str, schema: type) -> None:
    """Record ``<name>.created/updated/deleted`` whenever app.records changes ``model``."""
    PUBLISHED[model] = (name, schema)


def record_change(obj, verb: str) -> Event | None:
    """``<resource>.<verb>`` for ``obj`` of a published model; nothing for the others."""
    published = PUBLISHED.get(type(obj))
    if published is None:
        return None
    name, schema = published
    return record(f"{name}.{verb}", obj, schema)


def record(event_type: str, obj, schema: type | None = None, *,
           organisation_id: int | None = None) -> Event:
    """Write the event ``event_type`` about ``obj`` (dumped with ``schema``, by default the
    one its model was published with) and its webhook deliveries, in the session's
    transaction, for ``organisation_id`` (by default ``obj``'s). ``obj`` must be in the
    session: it is flushed for its id."""
    db.session.flush()
    schema = schema or PUBLISHED[type(obj)][1]
    event = Event(type=event_type, created_at=utcnow(),
                  organisation_id=obj.organisation_id if organisation_id is None else organisation_id,
                  request_id=g.get("request_id") if has_request_context() else None,
                  data=_json(schema().dump(obj)))
    db.session.add(event)
    db.session.flush()
    fan_out(event)
    return event


def record_for_parties(event_type: str, obj, schema: type | None = None) -> list[Event]:
    """``record`` once for each organisation that sees ``obj`` (app.tenancy.parties): a
    record shared through a connection (a task, its notes and assignments) is told to both
    sides, each in an event of its own."""
    return [record(event_type, obj, schema, organisation_id=side)
            for side in tenancy.parties(obj)]


def fan_out(event: Event) -> int:
    """Outbox rows for ``event`` to every endpoint that hears of it and subscribes to its
    type; returns how many."""
    rows = [WebhookDelivery(event_id=event.id, endpoint_id=endpoint.id, next_attempt_at=utcnow())
            for endpoint in subscribers(event.organisation_id)
            if endpoint.subscribes_to(event.type)]
    db.session.add_all(rows)
    return len(rows)


def subscribers(organisation_id: int) -> list[WebhookEndpoint]:
    """The enabled endpoints that hear of events of ``organisation_id``: its own, and its
    ancestors' that say ``include_descendants``."""
    path = db.session.scalar(select(Organisation.path).where(Organisation.id == organisation_id))
    ancestors = [int(part) for part in (path or "").strip("/").split("/")
                 if part and int(part) != organisation_id]
    return list(db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.enabled.is_(True),
        or_(WebhookEndpoint.organisation_id == organisation_id,
            WebhookEndpoint.organisation_id.in_(ancestors)
            & WebhookEndpoint.include_descendants.is_(True)))))


def _json(value):
    """The dumped representation as JSON stores it (dates and decimals are already strings
    in the API's schemas; anything else is made one)."""
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
