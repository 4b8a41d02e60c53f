from flask.views import MethodView

from app import records, tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.models.event import WebhookAttempt, WebhookEndpoint
from app.pagination import ListArgs, PageArgs, page_of, paginate
from app.requests import no_store
from app.schemas.webhook import (
    AttemptSchema,
    QueuedSchema,
    ReplaySchema,
    WebhookSchema,
    WebhookUpdateSchema,
    WebhookWithSecretSchema,
)
from app.services import webhooks
from oauth.protector import require_scope

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1",
                description="Webhook endpoints: signed deliveries of events")


@blp.route("/webhooks")
class Webhooks(MethodView):
    @require_scope("webhooks:read")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, page_of(WebhookSchema))
    def get(self, args):
        """List webhook endpoints

        The endpoints of the organisations in reach, oldest first. Needs `webhooks:read`.
        """
        query = tenancy.scoped(WebhookEndpoint, organisation=args.get("organisation"))
        return paginate(query.order_by(WebhookEndpoint.id), args)

    @require_scope("webhooks:write")
    @no_store
    @blp.arguments(WebhookSchema)
    @blp.response(201, WebhookWithSecretSchema)
    def post(self, data):
        """Create a webhook endpoint

        It receives the events named in `events` (or every event: `["*"]`) of its organisation,
        and of the descendants with `include_descendants`, signed as Standard Webhooks says. The
        answer carries the signing `secret`, shown only here. `url` is https (plain http only to
        a host in `WEBHOOK_ALLOWED_HOSTS`). Needs `webhooks:write`. Not replayed for an
        `Idempotency-Key`, as a replay would have to store the secret.
        """
        secret = webhooks.new_secret()
        endpoint = records.create(WebhookEndpoint, {**data, "sealed_secret": webhooks.seal(secret)})
        endpoint.secret = secret  # in clear in this answer only
        return endpoint


@blp.route("/webhooks/<id:webhook_id>")
class WebhookById(MethodView):
    @require_scope("webhooks:read")
    @blp.response(200, WebhookSchema)
    def get(self, webhook_id):
        """Get a webhook endpoint

        Needs `webhooks:read`; 404 when it is out of reach.
        """
        return tenancy.get_or_404(WebhookEndpoint, webhook_id)

    @require_scope("webhooks:write")
    @blp.arguments(WebhookUpdateSchema(partial=True))
    @blp.response(200, WebhookSchema)
    def put(self, data, webhook_id):
        """Change a webhook endpoint

        `PUT` and `PATCH` both change the fields sent and keep the others; `enabled: true`
        re-enables an endpoint the worker disabled. Needs `webhooks:write`; 404 when it is out
        of reach.
        """
        endpoint = tenancy.get_or_404(WebhookEndpoint, webhook_id)
        if data.get("enabled"):
            data.update(disabled_reason=None, failing_since=None)
        return records.update(endpoint, data)

    patch = put

    @require_scope("webhooks:write")
    @blp.response(204)
    def delete(self, webhook_id):
        """Delete a webhook endpoint

        With its pending deliveries and its attempts. Needs `webhooks:write`; 404 when it is out
        of reach.
        """
        records.delete(tenancy.get_or_404(WebhookEndpoint, webhook_id))


@blp.route("/webhooks/<id:webhook_id>/secret", methods=["POST"])
@require_scope("webhooks:write")
@no_store
@blp.response(200, WebhookWithSecretSchema)
def rotate_webhook_secret(webhook_id):
    """Rotate a webhook endpoint's secret

    A new signing `secret`, shown only in this answer. For 24 hours deliveries carry two
    signatures, with the old secret and the new one, so the receiver can switch without losing
    any. Needs `webhooks:write`; 404 when the endpoint is out of reach.
    """
    endpoint = tenancy.get_or_404(WebhookEndpoint, webhook_id)
    webhooks.rotate_secret(endpoint)
    db.session.commit()
    return endpoint


@blp.route("/webhooks/<id:webhook_id>/attempts")
@require_scope("webhooks:read")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(AttemptSchema))
def list_attempts(args, webhook_id):
    """List a webhook endpoint's delivery attempts

    Every try, newest first: when, which event, the status code or the network error, how long
    it took and the first 2 KB of the answer. Needs `webhooks:read`; 404 when the endpoint is
    out of reach.
    """
    endpoint = tenancy.get_or_404(WebhookEndpoint, webhook_id)
    query = tenancy.scoped(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint.id)
    return paginate(query.order_by(WebhookAttempt.id.desc()), args)


@blp.route("/webhooks/<id:webhook_id>/replay", methods=["POST"])
@require_scope("webhooks:write")
@blp.arguments(ReplaySchema)
@blp.response(202, QueuedSchema)
def replay_webhook(data, webhook_id):
    """Deliver a period's events again

    Queues again, for this endpoint, the events it hears of created from `since` to `until`
    (inclusive; until now without it), only those of `types` when given. Needs
    `webhooks:write`; 404 when the endpoint is out of reach.
    """
    endpoint = tenancy.get_or_404(WebhookEndpoint, webhook_id)
    queued = webhooks.replay(endpoint, data["since"], data.get("until"), data.get("types"))
    db.session.commit()
    return {"deliveries": queued}
