from flask.views import MethodView

from app import events, tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.idempotency import idempotent
from app.models import Account, Category, Transaction
from app.pagination import page_of, paginate, within_dates
from app.schemas.ledger import TransactionCreateSchema, TransactionListArgs, TransactionSchema
from app.services import ledger
from oauth.protector import require_scope

blp = Blueprint("transactions", __name__, url_prefix="/api/v1",
                description="Income and expense transactions")
events.publish(Transaction, "transaction", TransactionSchema)


def _filtered(query, args):
    if args.get("type"):
        query = query.where(Transaction.type == args["type"])
    query = tenancy.narrowed(query, args, (Account, Transaction.account_id),
                             (Category, Transaction.category_id))
    return within_dates(query, Transaction.date, args)


@blp.route("/transactions")
class Transactions(MethodView):
    @require_scope("transactions:read")
    @blp.arguments(TransactionListArgs, location="query")
    @blp.response(200, page_of(TransactionSchema))
    def get(self, args):
        """List transactions

        The transactions in reach, oldest first, reversals included (a voided transaction and
        its reversal sum to nothing). `type` (Income or Expense), `account_id`, `category_id`
        (out of reach: a 422 on the field), `date_from` and `date_to` (inclusive) narrow it.
        Needs `transactions:read`.
        """
        query = tenancy.scoped(Transaction, organisation=args.get("organisation"))
        return paginate(_filtered(query, args).order_by(Transaction.id), args)

    @require_scope("transactions:write")
    @idempotent
    @blp.arguments(TransactionCreateSchema)
    @blp.response(201, TransactionSchema)
    def post(self, data):
        """Record a transaction

        Income into or an expense out of an account in reach, in its organisation, with a
        category of that organisation and type if one is named. Recorded transactions are never
        changed or deleted: void one instead. Needs `transactions:write`; accepts an
        `Idempotency-Key`.
        """
        transaction = ledger.record(data)
        db.session.commit()
        return transaction


@blp.route("/transactions/<id:transaction_id>", methods=["GET"])
@require_scope("transactions:read")
@blp.response(200, TransactionSchema)
def get_transaction(transaction_id):
    """Get a transaction

    Needs `transactions:read`; 404 when it is out of reach.
    """
    return tenancy.get_or_404(Transaction, transaction_id)


@blp.route("/transactions/<id:transaction_id>/void", methods=["POST"])
@require_scope("transactions:write")
@idempotent
@blp.response(201, TransactionSchema)
@blp.alt_response(409, description="Already voided, a reversal, or a payment's income")
def void_transaction(transaction_id):
    """Void a transaction

    Records its reversal: the same account, category and type with the opposite amount,
    dated today, with `reverses_id` naming the original (whose `reversed_by_id` then names
    it). A transaction is voided once (409 naming the reversal); a reversal, or the income
    a payment recorded, cannot be voided (409). Takes no body. Needs `transactions:write`;
    accepts an `Idempotency-Key`; 404 when it is out of reach.
    """
    transaction = tenancy.get_or_404(Transaction, transaction_id, lock=True)
    reversal = ledger.void(transaction)
    db.session.commit()
    return reversal
