import marshmallow as ma

from app.models.notification import PLATFORMS
from app.pagination import PageArgs
from app.schemas.common import Schema, StrictBoolean, Text


class RelatedObjectSchema(Schema):
    object = ma.fields.String(metadata={"enum": ["task", "tasknote", "connection"]})
    id = ma.fields.Integer()


class NotificationSchema(Schema):
    """A message to the current user; `related_object` names the task, note or connection
    it is about (to open when pressed)."""

    id = ma.fields.Integer(dump_only=True)
    user_ref = ma.fields.Integer(attribute="user_id", dump_only=True)
    text = ma.fields.String(dump_only=True, metadata={
        "example": "Client Ltd has sent you the task Replace the meter"})
    is_read = StrictBoolean(required=True, metadata={"example": True})
    related_object = ma.fields.Nested(RelatedObjectSchema, attribute="related", dump_only=True,
                                      allow_none=True)
    created_at = ma.fields.DateTime(dump_only=True)


class NotificationUpdateSchema(NotificationSchema):
    """`is_read` to set (a notification sent back as read is accepted). Load with ``partial=True``."""


class NotificationListArgs(PageArgs):
    is_read = ma.fields.Boolean(truthy={"true", "1"}, falsy={"false", "0"})


class DeviceSchema(Schema):
    """A phone that gets the pushes of the user who posted it last."""

    platform_name = ma.fields.String(required=True, validate=ma.validate.OneOf(PLATFORMS))
    device_id_string = Text(255, required=True, metadata={"example": "fcm:dQw4w9WgXcQ"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True, metadata={"description": "Last posted"})
