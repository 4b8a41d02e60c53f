from flask.views import MethodView

from app import records, tenancy
from app.blueprint import Blueprint
from app.idempotency import idempotent
from app.models import Customer, Invoice
from app.pagination import contains_text, page_of, paginate
from app.schemas.customer import CustomerListArgs, CustomerSchema, CustomerUpdateSchema
from oauth.protector import require_scope

blp = Blueprint("customers", __name__, url_prefix="/api/v1", description="Customers")


@blp.route("/customers")
class Customers(MethodView):
    @require_scope("customers:read")
    @blp.arguments(CustomerListArgs, location="query")
    @blp.response(200, page_of(CustomerSchema))
    def get(self, args):
        """List the customers in reach."""
        query = tenancy.scoped(Customer, organisation=args.get("organisation"))
        if args.get("search"):
            query = query.where(contains_text(args["search"], Customer.account, Customer.email,
                                              Customer.phone))
        return paginate(query.order_by(Customer.id), args)

    @require_scope("customers:write")
    @idempotent
    @blp.arguments(CustomerSchema)
    @blp.response(201, CustomerSchema)
    def post(self, data):
        """Create a customer (in the caller's organisation, or a descendant in reach)."""
        return records.create(Customer, data)


@blp.route("/customers/<id:customer_id>")
class CustomerById(MethodView):
    @require_scope("customers:read")
    @blp.response(200, CustomerSchema)
    def get(self, customer_id):
        """Get a customer."""
        return tenancy.get_or_404(Customer, customer_id)

    @require_scope("customers:write")
    @blp.arguments(CustomerUpdateSchema(partial=True))
    @blp.response(200, CustomerSchema)
    def put(self, data, customer_id):
        """Change the fields sent; the others stay."""
        return records.update(tenancy.get_or_404(Customer, customer_id), data)

    patch = put

    @require_scope("customers:write")
    @blp.response(204)
    @blp.alt_response(409, description="The customer has invoices")
    def delete(self, customer_id):
        """Delete a customer without invoices."""
        records.delete(tenancy.get_or_404(Customer, customer_id),
                       unless_referenced_by=[Invoice.customer_id])
