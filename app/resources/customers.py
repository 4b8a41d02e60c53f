import marshmallow as ma
from flask.views import MethodView
from sqlalchemy import exists, select

from app import tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.idempotency import idempotent
from app.models import Customer, Invoice
from app.pagination import ListArgs, contains_text, page_of, paginate
from app.schemas.customer import CustomerSchema, CustomerUpdateSchema
from oauth.protector import require_scope

blp = Blueprint("customers", __name__, url_prefix="/api/v1", description="Customers")


class CustomerListArgs(ListArgs):
    search = ma.fields.String(validate=ma.validate.Length(min=1, max=200), metadata={
        "description": "Matches account name, email or phone"})


@blp.route("/customers")
class Customers(MethodView):
    @require_scope("customers:read")
    @blp.arguments(CustomerListArgs, location="query")
    @blp.response(200, page_of(CustomerSchema))
    def get(self, args):
        """List the customers in reach."""
        query = tenancy.scoped(Customer, "customer:view", organisation=args.get("organisation"))
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
        owner = tenancy.owner_for_create(data.pop("organisation_id", None), "customer:edit")
        customer = Customer(organisation_id=owner.id, **data)
        db.session.add(customer)
        db.session.commit()
        return customer


@blp.route("/customers/<id:customer_id>")
class CustomerById(MethodView):
    @require_scope("customers:read")
    @blp.response(200, CustomerSchema)
    def get(self, customer_id):
        """Get a customer."""
        return tenancy.get_or_404(Customer, customer_id, "customer:view")

    @require_scope("customers:write")
    @blp.arguments(CustomerUpdateSchema(partial=True))
    @blp.response(200, CustomerSchema)
    def put(self, data, customer_id):
        """Change the fields sent; the others stay."""
        customer = tenancy.get_or_404(Customer, customer_id, "customer:edit")
        for field, value in data.items():
            setattr(customer, field, value)
        db.session.commit()
        return customer

    @require_scope("customers:write")
    @blp.response(204)
    @blp.alt_response(409, description="The customer has invoices")
    def delete(self, customer_id):
        """Delete a customer without invoices."""
        customer = tenancy.get_or_404(Customer, customer_id, "customer:edit")
        if db.session.scalar(select(exists().where(Invoice.customer_id == customer.id))):
            fail(409, "This customer has invoices; it cannot be deleted.")
        db.session.delete(customer)
        db.session.commit()
