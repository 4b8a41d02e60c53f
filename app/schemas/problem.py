"""The body of every error response."""
import marshmallow as ma


class ProblemSchema(ma.Schema):
    """An error, as RFC 9457 problem details."""

    type = ma.fields.String(metadata={"description": "Problem type URI", "example": "about:blank"})
    title = ma.fields.String(metadata={"example": "Not Found"})
    status = ma.fields.Integer(metadata={"example": 404})
    detail = ma.fields.String(metadata={"example": "Organisation 42 was not found."})
    request_id = ma.fields.UUID(metadata={"description": "The X-Request-Id of the request"})
    code = ma.fields.String(
        metadata={"description": "Machine-readable error code", "example": "not_found"}
    )
    error = ma.fields.String(metadata={"description": "OAuth 2.0 error code, where one applies"})
    scope = ma.fields.String(metadata={"description": "The scope needed (insufficient_scope)"})
    allowed = ma.fields.List(ma.fields.String(), metadata={
        "description": "The moves the record's status allows (invalid_transition)",
        "example": ["Pending", "Closed"]})
    invoice_id = ma.fields.Integer(metadata={"description": "The invoice a record already has"})
    invoice_number = ma.fields.String(metadata={
        "description": "That invoice's number", "example": "INV-2026-0001"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "description": "Per-field messages, dotted paths for nested fields",
            "example": {"email": "Not a valid email address."},
        },
    )
    # members some conflicts and batch refusals add
    allowed = ma.fields.List(ma.fields.String(), metadata={
        "description": "The statuses the record may move to (invalid_transition)"})
    invoice_id = ma.fields.Integer(metadata={
        "description": "The invoice a quote was already converted to (already_converted)"})
    reversed_by_id = ma.fields.Integer(metadata={
        "description": "The transaction that already voided this one (already_voided)"})
    failed_indexes = ma.fields.List(ma.fields.Integer(), metadata={
        "description": "The items of an atomic batch that failed"})
