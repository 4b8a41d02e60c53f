from datetime import date, timedelta
from decimal import Decimal

from flask.views import MethodView
from sqlalchemy import func, or_, select

from app import events, tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.idempotency import idempotent
from app.models import Invoice, InvoiceLine, Product, Vendor
from app.models.invoice import DRAFT, VOID
from app.pagination import ListArgs, contains_text, page_of, paginate
from app.schemas.product import (
    NONE,
    POPULARITY_DAYS,
    ProductListArgs,
    ProductSchema,
    ProductUpdateSchema,
)
from app.services.stock import set_stock
from oauth.protector import require_scope

blp = Blueprint("products", __name__, url_prefix="/api/v1",
                description="Products and services, with stock")
events.publish(Product, "product", ProductSchema)

# Fields a PUT may clear by sending null; the others keep their value when sent null.
NULLABLE = {"product_code", "description", "detailed_description", "featured_description",
            "vendor_id", "rrp", "thumb_url", "main_image_url", "datasheet_url", "guide_url",
            "quickstart_url", "shipping_cost", "subscription_type"}


def popularity():
    """Units of the product invoiced in the last POPULARITY_DAYS days (today included) on
    invoices that are neither Draft nor Void: a correlated subquery, for ORDER BY."""
    today = date.today()
    return (select(func.coalesce(func.sum(InvoiceLine.qty), 0))
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(InvoiceLine.product_id == Product.id,
                   Invoice.status.not_in((DRAFT, VOID)),
                   Invoice.date > today - timedelta(days=POPULARITY_DAYS),
                   Invoice.date <= today)
            .correlate(Product).scalar_subquery())


SORT_COLUMNS = {"popularity": popularity, "name": lambda: Product.name,
                "price": lambda: Product.price}


def _order(keys: list[str]) -> list:
    """ORDER BY for ``sort_by`` keys in order, then id (stable pages)."""
    order = []
    for key in keys:
        column = SORT_COLUMNS[key[1:]]()
        order.append(column.desc() if key.startswith("-") else column.asc())
    return [*order, Product.id]


def _vendor_filter(values: list[int]):
    """Products of any of ``values`` (vendors in reach, else 422 on the field); -1: none."""
    ids = [tenancy.get_or_404(Vendor, value, field="vendor").id
           for value in dict.fromkeys(values) if value != NONE]
    clauses = [Product.vendor_id.in_(ids)] if ids else []
    if NONE in values:
        clauses.append(Product.vendor_id.is_(None))
    return or_(*clauses)


def _type_filter(values: list[str]):
    names = [value for value in values if value != str(NONE)]
    clauses = [Product.type.in_(names)] if names else []
    if str(NONE) in values:
        clauses.append(Product.type.is_(None))
    return or_(*clauses)


def vendor_of(organisation_id: int, vendor_id: int | None) -> int | None:
    """``vendor_id`` if it names a vendor of the product's organisation; any other id is
    the same 422, whether it was never used, is out of reach or in another organisation."""
    if vendor_id is None:
        return None
    found = db.session.scalar(select(Vendor.id).where(
        Vendor.id == vendor_id, Vendor.organisation_id == organisation_id))
    if found is None:
        fail(422, "The vendor must belong to the product's organisation.",
             errors={"vendor": "Vendor not found in this organisation."})
    return found


@blp.route("/products")
class Products(MethodView):
    @require_scope("products:read")
    @blp.arguments(ProductListArgs, location="query")
    @blp.response(200, page_of(ProductSchema))
    def get(self, args):
        """List products

        The products in reach; `text` matches the name or product code (any case); `vendor`
        and `type` may repeat (`-1`: none); `sort_by` takes several keys in order among
        `popularity` (units invoiced over the last 90 days), `name` and `price`, each with
        `+` or `-` (default: oldest first). Needs `products:read`.
        """
        query = tenancy.scoped(Product, organisation=args.get("organisation"))
        if args.get("text"):
            query = query.where(contains_text(args["text"], Product.name, Product.product_code))
        if args.get("vendor"):
            query = query.where(_vendor_filter(args["vendor"]))
        if args.get("type"):
            query = query.where(_type_filter(args["type"]))
        return paginate(query.order_by(*_order(args.get("sort_by", []))), args)

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
        product = new_product(data)
        db.session.commit()
        return product


def new_product(data: dict) -> Product:
    """A product from a loaded create body, with its initial stock (added, not committed)."""
    owner = tenancy.owner_for_create(data.pop("organisation_id", None))
    stock = data.pop("stock", None)
    data["vendor_id"] = vendor_of(owner.id, data.get("vendor_id"))
    product = Product(organisation_id=owner.id, stock=Decimal("0"),
                      **{k: v for k, v in data.items() if v is not None})
    if stock is not None:
        set_stock(product, stock, user_id=tenancy.current_user().id, reason="Initial stock")
    db.session.add(product)
    events.record("product.created", product)
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
        if "vendor_id" in data:
            data["vendor_id"] = vendor_of(product.organisation_id, data["vendor_id"])
        for field, value in data.items():
            if value is not None or field in NULLABLE:
                setattr(product, field, value)
        changed = db.session.is_modified(product)
        if stock is not None:
            changed |= stock != product.stock
            set_stock(product, stock, user_id=tenancy.current_user().id, reason=reason)
        if changed:
            events.record("product.updated", product)
        db.session.commit()
        return product

    patch = put
