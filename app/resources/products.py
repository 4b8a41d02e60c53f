from decimal import Decimal

from flask.views import MethodView

from app import tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.idempotency import idempotent
from app.models import Product
from app.pagination import ListArgs, contains_text, page_of, paginate
from app.schemas.product import ProductListArgs, ProductSchema, ProductUpdateSchema
from app.services.stock import set_stock
from oauth.protector import require_scope

blp = Blueprint("products", __name__, url_prefix="/api/v1",
                description="Products and services, with stock")

ORDER = {"+name": (Product.name.asc(), Product.id), "-name": (Product.name.desc(), Product.id),
         "+price": (Product.price.asc(), Product.id), "-price": (Product.price.desc(), Product.id)}


@blp.route("/products")
class Products(MethodView):
    @require_scope("products:read")
    @blp.arguments(ProductListArgs, location="query")
    @blp.response(200, page_of(ProductSchema))
    def get(self, args):
        """List products

        The products in reach; `text` matches the name or product code (any case), `type` is
        `product` or `service`, `sort_by` is `+name`, `-name`, `+price` or `-price` (default:
        oldest first). Needs `products:read`.
        """
        query = tenancy.scoped(Product, organisation=args.get("organisation"))
        if args.get("text"):
            query = query.where(contains_text(args["text"], Product.name, Product.product_code))
        if args.get("type"):
            query = query.where(Product.type == args["type"])
        return paginate(query.order_by(*ORDER.get(args.get("sort_by"), (Product.id,))), args)

    @require_scope("products:write")
    @idempotent
    @blp.arguments(ProductSchema)
    @blp.response(201, ProductSchema)
    def post(self, data):
        """Create a product

        In the caller's organisation, or `organisation` in reach. An initial `stock` is recorded
        as a stock movement and may not be negative. Needs `products:write`; accepts an
        `Idempotency-Key`.
        """
        owner = tenancy.owner_for_create(data.pop("organisation_id", None))
        stock = data.pop("stock", None)
        product = Product(organisation_id=owner.id, stock=Decimal("0"),
                          **{k: v for k, v in data.items() if v is not None})
        if stock is not None:
            set_stock(product, stock, user_id=tenancy.current_user().id, reason="Initial stock")
        db.session.add(product)
        db.session.commit()
        return product


@blp.route("/products/low-stock")
@require_scope("products:read")
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_of(ProductSchema))
def low_stock(args):
    """List products low on stock

    The products in reach whose stock is below their own `min_stock`, oldest first. Needs
    `products:read`.
    """
    query = tenancy.scoped(Product, organisation=args.get("organisation"))
    return paginate(query.where(Product.stock < Product.min_stock).order_by(Product.id), args)


@blp.route("/products/<id:product_id>")
class ProductById(MethodView):
    @require_scope("products:read")
    @blp.response(200, ProductSchema)
    def get(self, product_id):
        """Get a product

        Needs `products:read`; 404 when the product is out of reach.
        """
        return tenancy.get_or_404(Product, product_id)

    @require_scope("products:write")
    @blp.arguments(ProductUpdateSchema(partial=True))
    @blp.response(200, ProductSchema)
    def put(self, data, product_id):
        """Change a product

        `PUT` and `PATCH` both change the fields sent and keep the others. A new `stock` is
        recorded as a stock movement (with `stock_reason`); below zero only with
        `allow_negative_stock: true`. Needs `products:write`; 404 when it is out of reach.
        """
        product = tenancy.get_or_404(Product, product_id, lock=True)
        reason, stock = data.pop("stock_reason", None), data.pop("stock", None)
        for field, value in data.items():
            if value is not None or field in ("product_code", "description"):
                setattr(product, field, value)
        if stock is not None:
            set_stock(product, stock, user_id=tenancy.current_user().id, reason=reason)
        db.session.commit()
        return product

    patch = put
