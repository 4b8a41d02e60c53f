from flask.views import MethodView
from sqlalchemy import select

from app import events, records, states, tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.idempotency import idempotent
from app.models import Customer, Department, Ticket, TicketMessage
from app.models.ticket import CLOSED, CUSTOMER, OPEN, PENDING
from app.pagination import ListArgs, PageArgs, contains_text, page_of, paginate
from app.schemas.history import HistoryEntrySchema
from app.schemas.ticket import (
    DepartmentSchema,
    TicketCreateSchema,
    TicketListArgs,
    TicketMessageSchema,
    TicketSchema,
    TicketUpdateSchema,
)
from oauth.protector import require_scope

blp = Blueprint("tickets", __name__, url_prefix="/api/v1",
                description="Support tickets, their messages and history; departments")
events.publish(Ticket, "ticket", TicketSchema)
events.publish(TicketMessage, "ticket_message", TicketMessageSchema)
events.publish(Department, "department", DepartmentSchema)

TICKET_MOVES = states.StateMachine("ticket", {
    OPEN: (PENDING, CLOSED),
    PENDING: (OPEN, CLOSED),
    CLOSED: (),  # a reply to a closed ticket opens a follow-up instead
})
TRACKED = ("subject", "priority", "department_id", "customer_id")
REFERENCES = (("customer_id", Customer), ("department_id", Department))
STATUS_AFTER_REPLY = {CUSTOMER: OPEN}  # a staff reply: Pending


@blp.route("/tickets")
class Tickets(MethodView):
    @require_scope("tickets:read")
    @blp.arguments(TicketListArgs, location="query")
    @blp.response(200, page_of(TicketSchema))
    def get(self, args):
        """List tickets

        The tickets in reach, oldest first: `status`, `priority`, `department_id`, `customer_id`
        (out of reach: a 422 on the field) and `search` in the subject narrow it. Needs
        `tickets:read`.
        """
        query = tenancy.scoped(Ticket, organisation=args.get("organisation"))
        for field in ("status", "priority"):
            if args.get(field):
                query = query.where(getattr(Ticket, field) == args[field])
        query = tenancy.narrowed(query, args, (Department, Ticket.department_id),
                                 (Customer, Ticket.customer_id))
        if args.get("search"):
            query = query.where(contains_text(args["search"], Ticket.subject))
        return paginate(query.order_by(Ticket.id), args)

    @require_scope("tickets:write")
    @idempotent
    @blp.arguments(TicketCreateSchema)
    @blp.response(201, TicketSchema)
    def post(self, data):
        """Create a ticket

        For a customer (and optionally a department) of the ticket's organisation: the
        caller's, or `organisation` in reach. It starts `Open` with `message` as the
        customer's first message. Needs `tickets:write`; accepts an `Idempotency-Key`.
        """
        message = data.pop("message")
        ticket = records.add(Ticket, {**data, "status": OPEN}, references=REFERENCES)
        states.record_created(ticket, ("status", *TRACKED))
        _add_message(ticket, message, CUSTOMER)
        db.session.commit()
        return ticket


@blp.route("/tickets/<id:ticket_id>")
class TicketById(MethodView):
    @require_scope("tickets:read")
    @blp.response(200, TicketSchema)
    def get(self, ticket_id):
        """Get a ticket

        Needs `tickets:read`; 404 when the ticket is out of reach.
        """
        return tenancy.get_or_404(Ticket, ticket_id)

    @require_scope("tickets:write")
    @blp.arguments(TicketUpdateSchema(partial=True))
    @blp.response(200, TicketSchema)
    @blp.alt_response(409, description="A status move the transition table does not allow")
    def put(self, data, ticket_id):
        """Change a ticket

        `PUT` and `PATCH` both change the fields sent and keep the others. `status` moves
        Open to Pending or Closed, Pending to Open or Closed; Closed is final (a 409 lists
        the moves allowed; a reply opens a follow-up). Every change is kept in the ticket's
        history. Needs `tickets:write`; 404 when the ticket is out of reach.
        """
        ticket = tenancy.get_or_404(Ticket, ticket_id, lock=True)
        moved = "status" in data and TICKET_MOVES.move(ticket, data.pop("status"))
        return records.update(ticket, data, references=REFERENCES, tracked=TRACKED, changed=moved)

    patch = put


@blp.route("/tickets/<id:ticket_id>/messages")
class TicketMessages(MethodView):
    @require_scope("tickets:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(TicketMessageSchema))
    def get(self, args, ticket_id):
        """List a ticket's messages

        Oldest first. Needs `tickets:read`; 404 when the ticket is out of reach.
        """
        ticket = tenancy.get_or_404(Ticket, ticket_id)
        query = tenancy.scoped(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
        return paginate(query.order_by(TicketMessage.id), args)

    @require_scope("tickets:write")
    @idempotent
    @blp.arguments(TicketMessageSchema)
    @blp.response(201, TicketMessageSchema)
    def post(self, data, ticket_id):
        """Reply to a ticket

        A `staff` reply sets the ticket `Pending`, a `customer` reply (the default) sets it
        `Open`. A reply to a `Closed` ticket does not reopen it: it opens a follow-up ticket
        (same customer, department, subject and priority, `follow_up_of_id` the closed one)
        and is its first message; `ticket_id` says which. Needs `tickets:write`; 404 when
        the ticket is out of reach; accepts an `Idempotency-Key`.
        """
        ticket = tenancy.get_or_404(Ticket, ticket_id, lock=True)
        ticket = _reply_target(ticket)
        message = _add_message(ticket, data["body"], data["author"])
        if TICKET_MOVES.move(ticket, STATUS_AFTER_REPLY.get(data["author"], PENDING)):
            events.record_change(ticket, "updated")
        db.session.commit()
        return message


@blp.route("/tickets/<id:ticket_id>/history")
class TicketHistory(MethodView):
    @require_scope("tickets:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(HistoryEntrySchema))
    def get(self, args, ticket_id):
        """A ticket's history

        Who changed which field of the ticket, from what to what, and when, oldest first
        (its creation included). Needs `tickets:read`; 404 when the ticket is out of reach.
        """
        return states.history_page(Ticket, ticket_id, args)


def _add_message(ticket: Ticket, body: str, author: str) -> TicketMessage:
    message = TicketMessage(ticket_id=ticket.id, organisation_id=ticket.organisation_id,
                            body=body, author=author, user_id=tenancy.current_user().id)
    db.session.add(message)
    events.record_change(message, "created")
    return message


def _reply_target(ticket: Ticket) -> Ticket:
    """The ticket a reply goes to: a closed one's follow-up (made on the first reply)."""
    while ticket.status == CLOSED:
        follow_up = db.session.scalar(select(Ticket).where(Ticket.follow_up_of_id == ticket.id))
        if follow_up is None:
            return _follow_up(ticket)
        ticket = follow_up
    return ticket


def _follow_up(closed: Ticket) -> Ticket:
    ticket = Ticket(organisation_id=closed.organisation_id, customer_id=closed.customer_id,
                    department_id=closed.department_id, subject=closed.subject,
                    priority=closed.priority, status=OPEN, follow_up_of_id=closed.id)
    db.session.add(ticket)
    states.record_created(ticket, ("status", *TRACKED, "follow_up_of_id"))
    events.record_change(ticket, "created")
    return ticket


@blp.route("/departments")
class Departments(MethodView):
    @require_scope("departments:read")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, page_of(DepartmentSchema))
    def get(self, args):
        """List departments

        The departments of the organisations in reach, oldest first. Needs
        `departments:read`.
        """
        query = tenancy.scoped(Department, organisation=args.get("organisation"))
        return paginate(query.order_by(Department.id), args)

    @require_scope("departments:write")
    @idempotent
    @blp.arguments(DepartmentSchema)
    @blp.response(201, DepartmentSchema)
    def post(self, data):
        """Create a department

        In the caller's organisation, or `organisation` in reach. Needs `departments:write`;
        accepts an `Idempotency-Key`.
        """
        return records.create(Department, data)
