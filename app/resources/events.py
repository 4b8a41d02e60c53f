from sqlalchemy import exists

from app import events, tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.models.event import FAILED, Event, WebhookDelivery
from app.pagination import page_of, paginate
from app.schemas.event import EventListArgs, EventSchema
from app.schemas.webhook import QueuedSchema
from oauth.protector import require_scope

blp = Blueprint("events", __name__, url_prefix="/api/v1",
                description="Events of business changes, as webhooks deliver them")


def _filtered(query, args):
    if args.get("type"):
        query = query.where(Event.type == args["type"])
    if args.get("created_from"):
        query = query.where(Event.created_at >= args["created_from"])
    if args.get("created_to"):
        query = query.where(Event.created_at <= args["created_to"])
    if args.get("delivery_failed") is not None:
        failed = exists().where(WebhookDelivery.event_id == Event.id, WebhookDelivery.status == FAILED)
        query = query.where(failed if args["delivery_failed"] else ~failed)
    return query


@blp.route("/events")
@require_scope("events:read")
@blp.arguments(EventListArgs, location="query")
@blp.response(200, page_of(EventSchema))
def list_events(args):
    """List events

    The events of the organisations in reach, oldest first, each with the record as the API
    returned it after the change and the request id that caused it. `type` selects one event
    type, `created_from` and `created_to` a period (inclusive), `delivery_failed=true` the events
    with a webhook delivery that was given up. Kept at least 30 days. Needs `events:read`.
    """
    query = _filtered(tenancy.scoped(Event, organisation=args.get("organisation")), args)
    return paginate(query.order_by(Event.id), args)


@blp.route("/events/<id:event_id>")
@require_scope("events:read")
@blp.response(200, EventSchema)
def get_event(event_id):
    """Get an event

    Needs `events:read`; 404 when the event is out of reach.
    """
    return tenancy.get_or_404(Event, event_id)


@blp.route("/events/<id:event_id>/redeliver", methods=["POST"])
@require_scope("events:write")
@blp.response(202, QueuedSchema)
def redeliver_event(event_id):
    """Deliver an event again

    Queues the event once more for every enabled webhook endpoint that hears of it now (with
    the same `webhook-id`, so receivers can tell it is the same event). Needs `events:write`;
    404 when the event is out of reach.
    """
    event = tenancy.get_or_404(Event, event_id)
    queued = events.fan_out(event)
    db.session.commit()
    return {"deliveries": queued}
