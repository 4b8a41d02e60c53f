from flask.views import MethodView
from sqlalchemy.orm import selectinload

from app import events, records, states, tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.idempotency import idempotent
from app.models import Customer, Repair
from app.models.repair import (
    AWAITING_PARTS,
    CANCELLED,
    COLLECTED,
    DIAGNOSING,
    IN_REPAIR,
    READY,
    RECEIVED,
)
from app.pagination import PageArgs, page_of, paginate
from app.schemas.history import HistoryEntrySchema
from app.schemas.invoice import InvoiceSchema
from app.schemas.repair import RepairListArgs, RepairSchema, RepairUpdateSchema
from app.services import repairs, stock
from oauth.protector import require_scope

blp = Blueprint("repairs", __name__, url_prefix="/api/v1",
                description="Workshop repairs: parts from stock, labour, history and invoice")
events.publish(Repair, "repair", RepairSchema)

REPAIR_MOVES = states.StateMachine("repair", {
    RECEIVED: (DIAGNOSING, CANCELLED),
    DIAGNOSING: (AWAITING_PARTS, IN_REPAIR, READY, CANCELLED),
    AWAITING_PARTS: (IN_REPAIR, CANCELLED),
    IN_REPAIR: (AWAITING_PARTS, READY, CANCELLED),
    READY: (IN_REPAIR, COLLECTED),
    COLLECTED: (),
    CANCELLED: (),
})
REFERENCES = (("customer_id", Customer),)


@blp.route("/repairs")
class Repairs(MethodView):
    @require_scope("repairs:read")
    @blp.arguments(RepairListArgs, location="query")
    @blp.response(200, page_of(RepairSchema))
    def get(self, args):
        """List repairs

        The repair jobs in reach with their parts and labour, oldest first; `status` and
        `customer_id` (out of reach: a 422 on the field) narrow it. Needs `repairs:read`.
        """
        query = tenancy.scoped(Repair, organisation=args.get("organisation"))
        if args.get("status"):
            query = query.where(Repair.status == args["status"])
        query = tenancy.narrowed(query, args, (Customer, Repair.customer_id))
        query = query.options(selectinload(Repair.parts), selectinload(Repair.labour))
        return paginate(query.order_by(Repair.id), args)

    @require_scope("repairs:write")
    @idempotent
    @blp.arguments(RepairSchema)
    @blp.response(201, RepairSchema)
    def post(self, data):
        """Create a repair

        A job for a customer of the repair's organisation (the caller's, or `organisation` in
        reach); it starts `Received`. `parts` take their quantity from the products' stock at
        once (422 naming the part when there is not enough, unless the product allows
        negative stock); `labour` lines are hours at a rate. Needs `repairs:write`; accepts an
        `Idempotency-Key`.
        """
        parts, labour = data.pop("parts"), data.pop("labour")
        repair = records.add(Repair, {**data, "status": RECEIVED}, references=REFERENCES,
                             event=False)
        states.record_created(repair, ("status",))
        repairs.set_parts(repair, parts)
        repairs.set_labour(repair, labour)
        stock.follow_repair(repair, user_id=tenancy.current_user().id)
        events.record_change(repair, "created")
        db.session.commit()
        return repair


@blp.route("/repairs/<id:repair_id>")
class RepairById(MethodView):
    @require_scope("repairs:read")
    @blp.response(200, RepairSchema)
    def get(self, repair_id):
        """Get a repair

        Needs `repairs:read`; 404 when the repair is out of reach.
        """
        return tenancy.get_or_404(Repair, repair_id)

    @require_scope("repairs:write")
    @blp.arguments(RepairUpdateSchema(partial=True))
    @blp.response(200, RepairSchema)
    @blp.alt_response(409, description="A status move the transition table does not allow, "
                                        "or lines of an invoiced, collected or cancelled job")
    def put(self, data, repair_id):
        """Change a repair

        `PUT` and `PATCH` both change the fields sent and keep the others. `parts` and `labour`
        replace all lines: stock follows the parts (a removed part is given back), until the
        job is invoiced, collected or cancelled (409). `status` follows the transition table
        (a 409 lists the moves allowed from the current one): Received -> Diagnosing;
        Diagnosing -> Awaiting Parts, In Repair or Ready; Awaiting Parts -> In Repair;
        In Repair -> Awaiting Parts or Ready; Ready -> In Repair or Collected; any but Ready
        -> Cancelled, which gives the parts back (not once invoiced). Moves are kept in the
        history. Needs `repairs:write`; 404 when the repair is out of reach.
        """
        repair = tenancy.get_or_404(Repair, repair_id, lock=True)
        changed = repairs.change_lines(repair, {kind: data.pop(kind) for kind in repairs.LINE_FIELDS
                                                if kind in data})
        if "status" in data:
            if data["status"] == CANCELLED:
                repairs.require_not_invoiced(repair, "it cannot be cancelled")
            changed |= REPAIR_MOVES.move(repair, data.pop("status"))
        records.update(repair, data, references=REFERENCES, commit=False, changed=changed)
        stock.follow_repair(repair, user_id=tenancy.current_user().id)
        db.session.commit()
        return repair

    patch = put


@blp.route("/repairs/<id:repair_id>/invoice", methods=["POST"])
@require_scope("repairs:write", "invoices:write")
@blp.response(201, InvoiceSchema)
@blp.alt_response(409, description="Already invoiced (naming the invoice), cancelled, or "
                                   "nothing to invoice")
def invoice_repair(repair_id):
    """Invoice a repair

    Makes the repair's invoice, once: a line per part (its product's tax rate applies) and
    per labour line, dated today and due in 30 days, `Unpaid`. The parts already took their
    stock, so the invoice takes none. A repeat, even concurrent, is a 409 naming the invoice
    (`invoice_id`, `invoice_number`). Needs `repairs:write` and `invoices:write`, and the
    permission `invoices:edit`; 404 when the repair is out of reach.
    """
    repair = tenancy.get_or_404(Repair, repair_id, lock=True)  # repeats queue here
    tenancy.organisation_or_404(repair.organisation_id, "invoices:edit")
    invoice = repairs.make_invoice(repair)
    db.session.commit()
    return invoice


@blp.route("/repairs/<id:repair_id>/history")
class RepairHistory(MethodView):
    @require_scope("repairs:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(HistoryEntrySchema))
    def get(self, args, repair_id):
        """A repair's history

        Its status moves and its invoice: who, from what to what, and when, oldest first.
        Needs `repairs:read`; 404 when the repair is out of reach.
        """
        return states.history_page(Repair, repair_id, args)
