import marshmallow as ma

from app.money import Money
from app.schemas.common import Schema
from app.schemas.plan import PlanSchema


class SubscriptionSchema(Schema):
    """The caller's organisation's subscription; without one, only `got_subscription` (as the
    004 seed says)."""

    got_subscription = ma.fields.Boolean(required=True)
    plan = ma.fields.Nested(PlanSchema, metadata={
        "description": "The organisation's plan, which sets its API rate limit: as GET "
                       "/organisations/{id}/plan shows it and PUT sets it"})
    renewing = ma.fields.Boolean(metadata={"description": "Renewed at end_date unless cancelled"})
    end_date = ma.fields.Date(allow_none=True, metadata={
        "description": "The date it ends or renews; null when it has none"})
    unit_price = Money(metadata={"description": "The price for one user"})
    total_price = Money(metadata={"description": "unit_price times the organisation's active users"})


class PaymentUrlSchema(Schema):
    url = ma.fields.Url(required=True, metadata={"description": "Where to pay, with a signed token"})
    expires_at = ma.fields.DateTime(required=True, metadata={"description": "When the token expires"})
