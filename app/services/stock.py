"""Stock levels change only through recorded movements."""
from decimal import Decimal

from app.errors import fail
from app.models import Product, StockMovement


def set_stock(product: Product, stock: Decimal, *, user_id: int, reason: str | None,
              allow_negative: bool) -> None:
    change = stock - (product.stock or Decimal("0"))
    if change == 0:  # e.g. a product put back as GET showed it
        return
    if stock < 0 and not allow_negative:
        fail(422, "Stock cannot go below zero unless allow_negative_stock is true.",
             errors={"stock": "Must not be negative."})
    product.stock = stock
    product.movements.append(StockMovement(
        organisation_id=product.organisation_id, change=change, stock_after=stock,
        reason=reason or "Set through PUT /products", user_id=user_id))
