from flask.views import MethodView

from app import events, records, tenancy
from app.blueprint import Blueprint
from app.idempotency import idempotent
from app.models import Customer, Invoice
from app.pagination import contains_text, page_of, paginate
from app.schemas.customer import CustomerListArgs, CustomerSchema, CustomerUpdateSchema
from oauth.protector import require_scope

blp = Blueprint("customers", __name__, url_prefix="/api/v1", description="Customers")
events.publish(Customer, "customer", CustomerSchema)


@blp.route("/customers")
class Customers(MethodView):
    @require_scope("customers:read")
    @blp.arguments(CustomerListArgs, location="query")
    @blp.response(200, page_of(CustomerSchema))
    def get(self, args):
        """List customers

        The customers of the organisations in reach, oldest first; `search` matches the account,
        email or phone (any case), `organisation` narrows to one organisation. Needs
        `customers:read`.
        """
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
        """Create a customer

        In the caller's organisation, or in `organisation` when given (one in reach: otherwise a
        422 on the field). Needs `customers:write`; accepts an `Idempotency-Key`.
        """
        return records.create(Customer, data)


@blp.route("/customers/<id:customer_id>")
class CustomerById(MethodView):
    @require_scope("customers:read")
    @blp.response(200, CustomerSchema)
    def get(self, customer_id):
        """Get a customer

        Needs `customers:read`; 404 when the customer is out of reach.
        """
        return tenancy.get_or_404(Customer, customer_id)

    @require_scope("customers:write")
    @blp.arguments(CustomerUpdateSchema(partial=True))
    @blp.response(200, CustomerSchema)
    def put(self, data, customer_id):
        """Change a customer

        `PUT` and `PATCH` both change the fields sent and keep the others; a customer stays in
        its organisation. Needs `customers:write`; 404 when the customer is out of reach.
        """
        return records.update(tenancy.get_or_404(Customer, customer_id), data)

    patch = put

    @require_scope("customers:write")
    @blp.response(204)
    @blp.alt_response(409, description="The customer has invoices")
    def delete(self, customer_id):
        """Delete a customer

        Only a customer without invoices: one with invoices is a 409. Needs `customers:write`;
        404 when the customer is out of reach.
        """
        records.delete(tenancy.get_or_404(Customer, customer_id),
                       unless_referenced_by=[Invoice.customer_id])
