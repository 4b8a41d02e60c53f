import marshmallow as ma

from app.plans import PER_MINUTE, PLANS
from app.schemas.common import Schema

MAX_CUSTOM_LIMIT = 1_000_000


class PlanSchema(Schema):
    """An organisation's plan: its request budget, shared by all its API clients and keys."""

    plan = ma.fields.String(required=True, allow_none=True, validate=ma.validate.OneOf(PLANS),
                            metadata={"description": "null: no plan, only the per-client limit",
                                      "example": "professional"})
    limit = ma.fields.Integer(allow_none=True, strict=True,
                              validate=ma.validate.Range(min=1, max=MAX_CUSTOM_LIMIT), metadata={
                                  "description": "Requests a minute: set with custom, implied by "
                                                 "the others (100 professional, 500 enterprise)",
                                  "example": 100})

    @ma.validates_schema
    def _limit_goes_with_the_plan(self, data, **kwargs):
        plan, limit = data.get("plan"), data.get("limit")
        if plan == "custom" and limit is None:
            raise ma.ValidationError("A custom plan needs its limit.", "limit")
        if plan != "custom" and limit not in (None, PER_MINUTE.get(plan)):
            raise ma.ValidationError("Only a custom plan takes a limit of its own.", "limit")
