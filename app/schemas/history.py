import marshmallow as ma

from app.schemas.common import Schema


class HistoryEntrySchema(Schema):
    """One change: ``field`` went from ``old`` to ``new`` (as text; null for nothing)."""

    id = ma.fields.Integer(dump_only=True)
    field = ma.fields.String(dump_only=True, metadata={"example": "status"})
    old = ma.fields.String(dump_only=True, allow_none=True, metadata={"example": "Open"})
    new = ma.fields.String(dump_only=True, allow_none=True, metadata={"example": "Pending"})
    user_id = ma.fields.Integer(dump_only=True, metadata={"description": "Who made it"})
    real_user_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The real user, while emulating"})
    at = ma.fields.DateTime(dump_only=True)
