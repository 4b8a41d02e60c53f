from datetime import timezone

import marshmallow as ma

from app.pagination import ListArgs
from app.schemas.common import Text


class EventSchema(ma.Schema):
    """Something that happened to a record: ``data`` is the record as the API returned it."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    type = ma.fields.String(dump_only=True, metadata={"example": "invoice.created"})
    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    request_id = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The X-Request-Id of the request that caused it (none for the worker's)"})
    data = ma.fields.Dict(dump_only=True)


class EventListArgs(ListArgs):
    type = Text(64, metadata={"description": "Only events of this type, e.g. invoice.paid (the types "
                                             "are listed with the webhooks' `events`)"})
    created_from = ma.fields.AwareDateTime(default_timezone=timezone.utc, metadata={
        "description": "Created at or after this time (UTC unless it says otherwise)"})
    created_to = ma.fields.AwareDateTime(default_timezone=timezone.utc, metadata={
        "description": "Created at or before this time (UTC unless it says otherwise)"})
    delivery_failed = ma.fields.Boolean(truthy={"true"}, falsy={"false"}, metadata={
        "description": "true: only events with a webhook delivery that was given up"})
