from app import tenancy
from app.blueprint import Blueprint
from app.schemas.subscription import PaymentUrlSchema, SubscriptionSchema
from app.services import subscriptions
from oauth.protector import require_scope

blp = Blueprint("subscription", __name__, url_prefix="/api/v1",
                description="The caller's organisation's subscription")


def _own_organisation():
    return tenancy.organisation_or_404(tenancy.current_user().organisation_id)


@blp.route("/subscription", methods=["GET"])
@require_scope("subscription:read")
@blp.response(200, SubscriptionSchema)
def get_subscription():
    """Get the subscription

    Of the caller's organisation: whether it renews, its end date, the price per user and the
    total for the organisation's active users, and the organisation's `plan`, which sets its API
    rate limit (set by PUT /organisations/{id}/plan, the one place that changes it). Without a
    subscription only `got_subscription: false` (the plan is then read at
    GET /organisations/{id}/plan). Needs `subscription:read`.
    """
    return subscriptions.describe(_own_organisation())


@blp.route("/subscription/cancel", methods=["POST"])
@require_scope("subscription:write")
@blp.response(200, SubscriptionSchema)
@blp.alt_response(409, description="The organisation has no subscription")
def cancel_subscription():
    """Cancel the subscription

    Stops its renewal: it ends at `end_date`. Needs `subscription:write`.
    """
    return subscriptions.cancel(_own_organisation())


@blp.route("/paymenturl", methods=["GET"])
@require_scope("subscription:read")
@blp.response(200, PaymentUrlSchema)
def get_payment_url():
    """Get a payment URL

    A URL for paying the caller's organisation's subscription, carrying a token signed with the
    service's key that expires after PAYMENT_URL_MAX_AGE seconds (default an hour). Needs
    `subscription:read`.
    """
    return subscriptions.payment_url(_own_organisation(), tenancy.current_user())
