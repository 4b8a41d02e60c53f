"""Stock levels change only through recorded movements: set by hand, or taken and given
back by the records that use products: the invoices whose lines name them, the repairs
whose parts do. Each such holder holds the sum of its own movements, and ``_hold`` makes
that match what it should hold now."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from app import events
from app.errors import fail
from app.extensions import db
from app.models import Invoice, Product, Repair, StockMovement
from app.models.invoice import DRAFT, VOID
from app.models.repair import CANCELLED

STOCKED_TYPE = "product"  # a service has no stock


def set_stock(product: Product, stock: Decimal, *, user_id: int, reason: str | None) -> None:
    change = stock - (product.stock or Decimal("0"))
    if change == 0:  # e.g. a product put back as GET showed it
        return
    if stock < 0 and not product.allow_negative_stock:
        fail(422, "Stock cannot go below zero unless the product has allow_negative_stock.",
             errors={"stock": "Must not be negative."})
    _move(product, change, user_id=user_id, reason=reason or "Set through PUT /products")


def follow_invoice(invoice: Invoice, *, user_id: int) -> None:
    """Make the stock the invoice holds match its lines: an issued invoice (neither Draft nor
    Void) holds the quantities of its lines' stocked products; what it held before is the sum
    of its own movements. Issuing takes stock, an edit takes or gives back the difference,
    voiding gives it all back. Call once the invoice's lines and status are final."""
    db.session.flush()  # the invoice's id and defaults, and its lines as they now are
    if not invoice.moves_stock:
        return
    lines = invoice.items if invoice.status not in (DRAFT, VOID) else []
    _hold(lines, StockMovement.invoice_id, invoice.id, user_id=user_id, field="items",
          noun="invoice", reason=f"Invoice {invoice.invoice_number}")


def follow_repair(repair: Repair, *, user_id: int) -> None:
    """The same for a repair: it holds its parts until it is cancelled, which gives them
    back, as does removing a part."""
    db.session.flush()
    parts = repair.parts if repair.status != CANCELLED else []
    _hold(parts, StockMovement.repair_id, repair.id, user_id=user_id, field="parts",
          noun="repair", reason=f"Repair {repair.id}")


def _hold(lines, holder_column, holder_id: int, *, user_id: int, field: str, noun: str,
          reason: str) -> None:
    """Take or give back stock so that the holder (the record ``holder_column`` of the
    movements names) holds the quantities of ``lines`` (with ``product_id`` and ``qty``)."""
    wanted = defaultdict(Decimal)
    for line in lines:
        if line.product_id is not None:
            wanted[line.product_id] += line.qty
    held = dict(db.session.execute(
        select(StockMovement.product_id, -func.sum(StockMovement.change))
        .where(holder_column == holder_id).group_by(StockMovement.product_id)).all())
    changes = {product_id: held.get(product_id, Decimal("0")) - wanted.get(product_id, Decimal("0"))
               for product_id in set(wanted) | set(held)}
    changes = {product_id: change for product_id, change in changes.items() if change != 0}
    if not changes:
        return
    products = db.session.scalars(  # locked, in id order, so concurrent holders queue
        select(Product).where(Product.id.in_(changes)).order_by(Product.id)
        .with_for_update().execution_options(populate_existing=True)).all()
    short = [product for product in products if product.type == STOCKED_TYPE
             and changes[product.id] < 0  # giving stock back is always possible
             and product.stock + changes[product.id] < 0 and not product.allow_negative_stock]
    if short:
        fail(422, "Not enough stock: " + "; ".join(
            f"{product.name} has {product.stock}, the {noun} needs {-changes[product.id]}"
            for product in short) + ".",
            errors={_line_of(lines, field, product.id): f"Only {product.stock} in stock."
                    for product in short})
    for product in products:
        if product.type == STOCKED_TYPE:
            _move(product, changes[product.id], user_id=user_id, reason=reason,
                  holder={holder_column.key: holder_id})


def _line_of(lines, field: str, product_id: int) -> str:
    """The field to blame: the quantity of the (first) line that takes the product."""
    position = next(index for index, line in enumerate(lines)
                    if line.product_id == product_id)  # only a line can take stock
    return f"{field}.{position}.qty"


def _move(product: Product, change: Decimal, *, user_id: int, reason: str,
          holder: dict | None = None) -> None:
    before = product.stock or Decimal("0")
    product.stock = before + change
    db.session.add(StockMovement(  # not through product.movements: that would load them all
        product=product, organisation_id=product.organisation_id, change=change,
        stock_after=product.stock, reason=reason, user_id=user_id, **(holder or {})))
    if product.stock < (product.min_stock or 0) <= before:
        events.record("product.low_stock", product)
