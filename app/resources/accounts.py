from flask.views import MethodView

from app import events, tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.idempotency import idempotent
from app.models import Account
from app.pagination import ListArgs, page_of, paginate
from app.schemas.ledger import AccountSchema, AccountUpdateSchema
from app.services import ledger
from oauth.protector import require_scope

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Bank and cash accounts")
events.publish(Account, "account", AccountSchema)


@blp.route("/accounts")
class Accounts(MethodView):
    @require_scope("accounts:read")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, page_of(AccountSchema))
    def get(self, args):
        """List accounts

        The accounts in reach with their balances, oldest first; `organisation` narrows to one
        organisation. Needs `accounts:read`.
        """
        query = tenancy.scoped(Account, organisation=args.get("organisation"))
        return paginate(query.order_by(Account.id), args)

    @require_scope("accounts:write")
    @idempotent
    @blp.arguments(AccountSchema)
    @blp.response(201, AccountSchema)
    def post(self, data):
        """Create an account

        A bank or cash account in the caller's organisation, or in `organisation` when given
        (one in reach: otherwise a 422 on the field). Its `balance` is always its
        `opening_balance` plus its income less its expenses. The organisation's first account
        is its default. Needs `accounts:write`; accepts an `Idempotency-Key`.
        """
        owner = tenancy.owner_for_create(data.pop("organisation_id", None))
        account = ledger.new_account(owner.id, data)
        db.session.commit()
        return account


@blp.route("/accounts/<id:account_id>")
class AccountById(MethodView):
    @require_scope("accounts:read")
    @blp.response(200, AccountSchema)
    def get(self, account_id):
        """Get an account

        With its balance. Needs `accounts:read`; 404 when it is out of reach.
        """
        return tenancy.get_or_404(Account, account_id)

    @require_scope("accounts:write")
    @blp.arguments(AccountUpdateSchema(partial=True))
    @blp.response(200, AccountSchema)
    @blp.alt_response(409, description="A currency change with transactions, or no default left")
    def put(self, data, account_id):
        """Change an account

        `PUT` and `PATCH` both change the fields sent and keep the others. The currency is
        fixed once the account has transactions; `default: true` makes it the organisation's
        default account (the others lose it), and the default cannot be unset but by making
        another one the default (409). Needs `accounts:write`; 404 when it is out of reach.
        """
        account = ledger.change_account(tenancy.get_or_404(Account, account_id, lock=True), data)
        db.session.commit()
        db.session.refresh(account)  # the balance, as of now
        return account

    patch = put
