import marshmallow as ma

from app.plans import PLANS, limit_problem
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
        problem = limit_problem(data.get("plan"), data.get("limit"))
        if problem:
            raise ma.ValidationError(problem, "limit")


class OwnPlanSchema(Schema):
    """``plan`` and ``plan_limit`` of an API client or key: a plan of its own, counted
    instead of its organisation's (app.plans.set_own_plan checks them)."""

    plan = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(PLANS), metadata={
        "description": "A plan of its own, counted instead of its organisation's (no more "
                       "than your own organisation's); null: its organisation's"})
    plan_limit = ma.fields.Integer(
        allow_none=True, strict=True, validate=ma.validate.Range(min=1, max=MAX_CUSTOM_LIMIT),
        metadata={"description": "Requests a minute of its custom plan"})
