from flask.views import MethodView

from app import events, records, tenancy
from app.blueprint import Blueprint
from app.idempotency import idempotent
from app.models import Category
from app.pagination import page_of, paginate
from app.schemas.ledger import CategoryListArgs, CategorySchema
from oauth.protector import require_scope

blp = Blueprint("categories", __name__, url_prefix="/api/v1",
                description="Income and expense categories")
events.publish(Category, "category", CategorySchema)


@blp.route("/categories")
class Categories(MethodView):
    @require_scope("categories:read")
    @blp.arguments(CategoryListArgs, location="query")
    @blp.response(200, page_of(CategorySchema))
    def get(self, args):
        """List categories

        The categories in reach, oldest first; `type` narrows to Income or Expense,
        `organisation` to one organisation. Needs `categories:read`.
        """
        query = tenancy.scoped(Category, organisation=args.get("organisation"))
        if args.get("type"):
            query = query.where(Category.type == args["type"])
        return paginate(query.order_by(Category.id), args)

    @require_scope("categories:write")
    @idempotent
    @blp.arguments(CategorySchema)
    @blp.response(201, CategorySchema)
    def post(self, data):
        """Create a category

        An Income or Expense category in the caller's organisation, or in `organisation` when
        given (one in reach: otherwise a 422 on the field). Needs `categories:write`; accepts
        an `Idempotency-Key`.
        """
        return records.create(Category, data)
