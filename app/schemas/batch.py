import marshmallow as ma

from app.schemas.common import QueryFlag, Schema

BATCH_MAX = 100


class BatchArgs(Schema):
    atomic = QueryFlag(metadata={
        "description": "true: all items are created or none (422 listing the failed indexes)"})


def batch_body(name: str, example: list[dict]) -> type[ma.Schema]:
    """{"<name>": [one to 100 items, each as POST /<name> takes it]}."""
    items = ma.fields.List(
        ma.fields.Raw(metadata={"type": "object",
                                "description": f"As `POST /api/v1/{name}` takes it"}),
        required=True, validate=ma.validate.Length(
            min=1, max=BATCH_MAX, error=f"Send 1 to {BATCH_MAX} items: the limit is {BATCH_MAX}."),
        metadata={"example": example})
    title = name.capitalize()
    return type(f"{title}BatchSchema", (Schema,), {
        name: items, "__doc__": f"Up to {BATCH_MAX} {name} to create."})


class BatchResultSchema(Schema):
    index = ma.fields.Integer(required=True, metadata={"description": "The item's position"})
    status = ma.fields.Integer(required=True, metadata={
        "description": "201 created; otherwise what creating it alone would have answered "
                       "(422, 409...)"})
    id = ma.fields.Integer(metadata={"description": "The new record's id (201)"})
    detail = ma.fields.String(metadata={"description": "Why it failed"})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), metadata={
        "description": "Per field (`_schema`: the item as a whole)"})


class BatchResponseSchema(Schema):
    """One result per item, in order, and the counts."""

    results = ma.fields.List(ma.fields.Nested(BatchResultSchema), required=True)
    created = ma.fields.Integer(required=True)
    failed = ma.fields.Integer(required=True)
