import marshmallow as ma

from app.models.ticket import AUTHORS, CUSTOMER, PRIORITIES, TICKET_STATUSES
from app.pagination import ListArgs
from app.schemas.common import Id, Schema, Text


class DepartmentSchema(Schema):
    """A department tickets are filed under."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    name = Text(200, required=True, metadata={"example": "Technical Support"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class TicketSchema(Schema):
    """A support ticket of a customer."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    customer_id = Id(required=True, metadata={
        "description": "A customer of the ticket's organisation"})
    department_id = Id(allow_none=True, metadata={
        "description": "A department of the ticket's organisation"})
    subject = Text(200, required=True, metadata={"example": "Technical Support Required"})
    priority = ma.fields.String(load_default="Medium", validate=ma.validate.OneOf(PRIORITIES),
                                metadata={"example": "High"})
    status = ma.fields.String(dump_only=True, metadata={"enum": list(TICKET_STATUSES)})
    follow_up_of_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The closed ticket a reply followed up with this one"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class TicketCreateSchema(TicketSchema):
    """A new ticket (Open) with its first message, from the customer."""

    message = Text(20000, required=True, load_only=True, metadata={
        "example": "Need assistance with installation"})


class TicketUpdateSchema(TicketSchema):
    """Fields to change; ``status`` follows the transition table. Load with ``partial=True``."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})
    priority = ma.fields.String(validate=ma.validate.OneOf(PRIORITIES))
    status = ma.fields.String(validate=ma.validate.OneOf(TICKET_STATUSES), metadata={
        "description": "Open -> Pending or Closed; Pending -> Open or Closed; Closed is final "
                       "(a reply to it opens a follow-up ticket)"})


class TicketMessageSchema(Schema):
    """A reply on a ticket."""

    id = ma.fields.Integer(dump_only=True)
    ticket_id = ma.fields.Integer(dump_only=True, metadata={
        "description": "The ticket it is on: a follow-up's when the reply was to a closed one"})
    body = Text(20000, required=True, metadata={"example": "Have you tried restarting it?"})
    author = ma.fields.String(load_default=CUSTOMER, validate=ma.validate.OneOf(AUTHORS),
                              metadata={"description": "staff sets the ticket Pending, "
                                                       "customer sets it Open"})
    user_id = ma.fields.Integer(dump_only=True, metadata={"description": "Who recorded it"})
    created_at = ma.fields.DateTime(dump_only=True)


class TicketListArgs(ListArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(TICKET_STATUSES))
    priority = ma.fields.String(validate=ma.validate.OneOf(PRIORITIES))
    department_id = Id(strict=False)
    customer_id = Id(strict=False)
    search = ma.fields.String(validate=ma.validate.Length(min=1, max=200), metadata={
        "description": "Matches the subject"})
