from flask.views import MethodView

from app import events, records, tenancy
from app.blueprint import Blueprint
from app.idempotency import idempotent
from app.models import Vendor
from app.pagination import contains_text, page_of, paginate
from app.schemas.vendor import VendorListArgs, VendorSchema
from oauth.protector import require_scope

blp = Blueprint("vendors", __name__, url_prefix="/api/v1",
                description="Vendors of the product catalogue")
events.publish(Vendor, "vendor", VendorSchema)


@blp.route("/vendors")
class Vendors(MethodView):
    @require_scope("vendors:read")
    @blp.arguments(VendorListArgs, location="query")
    @blp.response(200, page_of(VendorSchema))
    def get(self, args):
        """List vendors

        The vendors of the organisations in reach, oldest first; `text` matches the name (any
        case), `organisation` narrows to one organisation. Needs `vendors:read`.
        """
        query = tenancy.scoped(Vendor, organisation=args.get("organisation"))
        if args.get("text"):
            query = query.where(contains_text(args["text"], Vendor.name))
        return paginate(query.order_by(Vendor.id), args)

    @require_scope("vendors:write")
    @idempotent
    @blp.arguments(VendorSchema)
    @blp.response(201, VendorSchema)
    def post(self, data):
        """Create a vendor

        In the caller's organisation, or in `organisation` when given (one in reach: otherwise a
        422 on the field); products of that organisation may then name it as their `vendor`.
        Needs `vendors:write`; accepts an `Idempotency-Key`.
        """
        return records.create(Vendor, data)


@blp.route("/vendors/<id:vendor_id>")
class VendorById(MethodView):
    @require_scope("vendors:read")
    @blp.response(200, VendorSchema)
    def get(self, vendor_id):
        """Get a vendor

        Needs `vendors:read`; 404 when the vendor is out of reach.
        """
        return tenancy.get_or_404(Vendor, vendor_id)
