from flask.views import MethodView

from app import events, tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.idempotency import idempotent
from app.models import Invoice, Payment
from app.pagination import page_of, paginate, within_dates
from app.schemas.payment import PaymentListArgs, PaymentSchema
from app.services.payments import record_payment
from oauth.protector import require_scope

blp = Blueprint("payments", __name__, url_prefix="/api/v1", description="Payments against invoices")
events.publish(Payment, "payment", PaymentSchema)


@blp.route("/payments")
class Payments(MethodView):
    @require_scope("payments:read")
    @blp.arguments(PaymentListArgs, location="query")
    @blp.response(200, page_of(PaymentSchema))
    def get(self, args):
        """List payments

        The payments in reach, oldest first; `invoice_id` narrows to one invoice (out of reach:
        a 422 on the field), `date_from` and `date_to` to payment dates, inclusive. Needs
        `payments:read`.
        """
        query = tenancy.scoped(Payment, organisation=args.get("organisation"))
        query = tenancy.narrowed(query, args, (Invoice, Payment.invoice_id))
        return paginate(within_dates(query, Payment.date, args).order_by(Payment.id), args)

    @require_scope("payments:write")
    @idempotent
    @blp.arguments(PaymentSchema)
    @blp.response(201, PaymentSchema)
    @blp.alt_response(409, description="Overpayment, or an invoice that takes no payments")
    def post(self, data):
        """Record a payment

        Against an invoice in reach; its amount paid, balance and status follow at once. A
        payment above the balance (even when payments arrive concurrently), or on an invoice
        that is not open (Draft, Paid, Void), is a 409. Needs `payments:write`; accepts an `Idempotency-Key`.
        """
        payment = record_payment(data)
        db.session.commit()
        return payment


@blp.route("/payments/<id:payment_id>")
@require_scope("payments:read")
@blp.response(200, PaymentSchema)
def get_payment(payment_id):
    """Get a payment

    Needs `payments:read`; 404 when the payment is out of reach.
    """
    return tenancy.get_or_404(Payment, payment_id)
