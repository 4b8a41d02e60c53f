from datetime import datetime, timedelta, timezone

import marshmallow as ma

from app.pagination import ListArgs
from app.schemas.common import Id, Schema
from app.usage import RETENTION

GRANULARITIES = {"hour": 3600, "day": 86400}
LONGEST_RANGE = timedelta(days=31)


class UsageArgs(ListArgs):
    """The period, its granularity, and optionally one API client (and one organisation)."""

    from_ = ma.fields.AwareDateTime(data_key="from", load_default=None, metadata={
        "description": "Start of the period (default: 24 hours before `to`)"})
    to = ma.fields.AwareDateTime(load_default=None, metadata={
        "description": "End of the period, excluded (default: now)"})
    granularity = ma.fields.String(load_default="hour", validate=ma.validate.OneOf(GRANULARITIES),
                                   metadata={"description": "hour or day (UTC)"})
    api_client = Id(strict=False, metadata={"description": "Only this API client's requests (in reach)"})

    @ma.post_load
    def _period(self, data, **kwargs):
        data["to"] = data["to"] or datetime.now(timezone.utc)
        data["from_"] = data["from_"] or data["to"] - timedelta(days=1)
        if data["from_"] >= data["to"]:
            raise ma.ValidationError("Must be before `to`.", "from")
        if data["to"] - data["from_"] > LONGEST_RANGE:
            raise ma.ValidationError(f"At most {LONGEST_RANGE.days} days at a time.", "from")
        if data["from_"] < datetime.now(timezone.utc) - RETENTION:
            raise ma.ValidationError(f"Usage is kept {RETENTION.days} days.", "from")
        return data


class UsageSchema(Schema):
    """Requests of one API client to one endpoint with one status class, in one period."""

    period_start = ma.fields.DateTime(metadata={"description": "Start of the hour or day (UTC)"})
    organisation = ma.fields.Integer(metadata={"description": "The caller's organisation"})
    api_client = ma.fields.String(metadata={
        "description": "The client_id of the API client, or api-key-<id> for an API key",
        "example": "123e4567-e89b-12d3-a456-426614174000"})
    endpoint = ma.fields.String(metadata={"example": "GET /api/v1/customers/<id:customer_id>"})
    status_class = ma.fields.String(metadata={"example": "2xx"})
    requests = ma.fields.Integer()
