from flask.views import MethodView
from sqlalchemy import func, select

from app import events, records, states, tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.idempotency import idempotent
from app.models import Customer, Lead
from app.models.lead import CONTACTED, CONVERTED, LOST, NEW, QUALIFIED
from app.pagination import PageArgs, contains_text, page_of, paginate
from app.schemas.customer import CustomerSchema
from app.schemas.history import HistoryEntrySchema
from app.schemas.lead import LeadListArgs, LeadSchema, LeadUpdateSchema
from oauth.protector import require_scope

blp = Blueprint("leads", __name__, url_prefix="/api/v1",
                description="Sales leads and their conversion into customers")
events.publish(Lead, "lead", LeadSchema)

ACCOUNT_MAX = 200  # Customer.account
LEAD_MOVES = states.StateMachine("lead", {
    NEW: (CONTACTED, QUALIFIED, LOST, CONVERTED),
    CONTACTED: (QUALIFIED, LOST, CONVERTED),
    QUALIFIED: (LOST, CONVERTED),
    LOST: (NEW,),
    CONVERTED: (),
})


@blp.route("/leads")
class Leads(MethodView):
    @require_scope("leads:read")
    @blp.arguments(LeadListArgs, location="query")
    @blp.response(200, page_of(LeadSchema))
    def get(self, args):
        """List leads

        The leads in reach, oldest first; `status` narrows to one stage of the pipeline,
        `search` matches the name, email or company (any case). Needs `leads:read`.
        """
        query = tenancy.scoped(Lead, organisation=args.get("organisation"))
        if args.get("status"):
            query = query.where(Lead.status == args["status"])
        if args.get("search"):
            query = query.where(contains_text(args["search"], Lead.first_name, Lead.last_name,
                                              Lead.email, Lead.company))
        return paginate(query.order_by(Lead.id), args)

    @require_scope("leads:write")
    @idempotent
    @blp.arguments(LeadSchema)
    @blp.response(201, LeadSchema)
    def post(self, data):
        """Create a lead

        In the caller's organisation, or `organisation` in reach; it starts `New`. Needs
        `leads:write`; accepts an `Idempotency-Key`.
        """
        lead = records.add(Lead, {**data, "status": NEW})
        states.record_created(lead, ("status",))
        db.session.commit()
        return lead


@blp.route("/leads/<id:lead_id>")
class LeadById(MethodView):
    @require_scope("leads:read")
    @blp.response(200, LeadSchema)
    def get(self, lead_id):
        """Get a lead

        Needs `leads:read`; 404 when the lead is out of reach.
        """
        return tenancy.get_or_404(Lead, lead_id)

    @require_scope("leads:write")
    @blp.arguments(LeadUpdateSchema(partial=True))
    @blp.response(200, LeadSchema)
    @blp.alt_response(409, description="A status move the pipeline does not allow")
    def put(self, data, lead_id):
        """Change a lead

        `PUT` and `PATCH` both change the fields sent and keep the others. `status` follows
        the pipeline: New -> Contacted, Qualified or Lost; Contacted -> Qualified or Lost;
        Qualified -> Lost; Lost -> New (a 409 lists the moves allowed). New, Contacted and
        Qualified may become `Converted`, only through `POST /leads/{id}/convert` (here a 422);
        it is final. Needs `leads:write`; 404 when the lead
        is out of reach.
        """
        lead = tenancy.get_or_404(Lead, lead_id, lock=True)
        status = data.pop("status", lead.status)
        if status == CONVERTED != lead.status:
            fail(422, "A lead converts only through POST /api/v1/leads/{id}/convert.",
                 errors={"status": "Convert a lead with POST /api/v1/leads/{id}/convert."})
        moved = LEAD_MOVES.move(lead, status)
        return records.update(lead, data, changed=moved)

    patch = put


@blp.route("/leads/<id:lead_id>/convert", methods=["POST"])
@require_scope("leads:write", "customers:write")
@blp.response(200, CustomerSchema)
@blp.alt_response(409, description="A lost lead cannot convert")
def convert(lead_id):
    """Convert a lead into a customer

    Makes the lead's customer: an existing customer of the lead's organisation with the same
    email (any case), or a new one (account: the company, else the name), records it as the
    lead's `customer_id` and moves the lead to `Converted`. A repeat, even concurrent, answers
    the same customer. A `Lost` lead is a 409 (move it back to `New` first). Needs
    `leads:write` and `customers:write`; 404 when the lead is out of reach.
    """
    lead = tenancy.get_or_404(Lead, lead_id, lock=True)  # repeats queue here
    if lead.customer_id is not None:
        return db.session.get(Customer, lead.customer_id)
    # It makes a customer; converts in one organisation queue, so two leads with one email
    # find one customer. Taken before anything is written: a written row referring to the
    # organisation holds a share lock on it, and two such converts would deadlock.
    tenancy.organisation_or_404(lead.organisation_id, "customers:edit", lock=True)
    LEAD_MOVES.move(lead, CONVERTED)
    customer = _same_email_customer(lead)
    if customer is None:
        customer = Customer(organisation_id=lead.organisation_id, account=_account_of(lead),
                            email=lead.email, phone=lead.phone)
        db.session.add(customer)
        events.record_change(customer, "created")
    states.record_updates(lead, {"customer_id": customer.id}, ("customer_id",))
    events.record("lead.converted", lead)
    db.session.commit()
    return customer


def _same_email_customer(lead: Lead) -> Customer | None:
    if not lead.email:
        return None
    return db.session.scalars(select(Customer).where(
        Customer.organisation_id == lead.organisation_id,
        func.lower(Customer.email) == lead.email.lower()).order_by(Customer.id).limit(1)).first()


def _account_of(lead: Lead) -> str:
    name = lead.company or " ".join(filter(None, (lead.first_name, lead.last_name)))
    return name[:ACCOUNT_MAX]


@blp.route("/leads/<id:lead_id>/history")
class LeadHistory(MethodView):
    @require_scope("leads:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(HistoryEntrySchema))
    def get(self, args, lead_id):
        """A lead's history

        Its moves through the pipeline and its conversion: who, from what to what, and when,
        oldest first. Needs `leads:read`; 404 when the lead is out of reach.
        """
        return states.history_page(Lead, lead_id, args)
