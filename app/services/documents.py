"""What invoices and quotes share, written once: gap-free numbers, the customer and
products they may name, and lines with their rounding and totals."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import tenancy
from app.errors import fail
from app.extensions import db
from app.models import Customer, Product
from app.money import MONEY_MAX, round_money
from app.pagination import within_dates

_UPSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}
LINE_FIELDS = ("description", "qty", "amount", "product_id", "tax_rate")


def next_number(counter, prefix: str, organisation_id: int, year: int) -> str:
    """Take the next number of ``counter`` (a CounterColumns model) for the organisation and
    year, e.g. INV-2026-0001.

    The counter row stays locked until the transaction ends, so concurrent creators wait
    for each other, and a rolled-back document gives its number back: no gaps, no repeats."""
    insert = _UPSERTS[db.session.get_bind().dialect.name]
    db.session.execute(insert(counter).values(
        organisation_id=organisation_id, year=year, last=0).on_conflict_do_nothing())
    last = db.session.scalar(
        update(counter)
        .where(counter.organisation_id == organisation_id, counter.year == year)
        .values(last=counter.last + 1)
        .returning(counter.last)
    )
    return f"{prefix}-{year}-{last:04d}"


def filtered(query: Select, model, args: dict, *, lapsed: str, open_statuses,
             lapses_on) -> Select:
    """The list filters of invoices and quotes: ``status`` (``lapsed``, Overdue or Expired, is
    the open documents whose ``lapses_on`` date has passed, a subset of ``open_statuses``),
    ``customer_id`` (in reach) and the document dates."""
    status = args.get("status")
    if status == lapsed:
        query = query.where(model.status.in_(open_statuses), lapses_on < date.today())
    elif status:
        query = query.where(model.status == status)
    query = tenancy.narrowed(query, args, (Customer, model.customer_id))
    return within_dates(query, model.date, args)


def _noun(document) -> str:
    return type(document).__name__.lower()


def customer_of(document, customer_id: int) -> Customer:
    """The customer, if it belongs to the document's organisation (else 422 on the field)."""
    customer = db.session.scalar(select(Customer).where(
        Customer.id == customer_id, Customer.organisation_id == document.organisation_id))
    if customer is None:
        fail(422, f"The customer must belong to the {_noun(document)}'s organisation.",
             errors={"customer_id": "Customer not found in this organisation."})
    return customer


def products_of(document, items: list[dict], field: str = "items") -> dict[int, Product]:
    """The products ``items`` name by ``product_id``; 422 on ``<field>.<n>.product_id`` for
    one not of the document's organisation."""
    wanted = {item["product_id"] for item in items if item.get("product_id")}
    if not wanted:
        return {}
    found = {product.id: product for product in db.session.scalars(select(Product).where(
        Product.id.in_(wanted), Product.organisation_id == document.organisation_id))}
    missing = [index for index, item in enumerate(items)
               if item.get("product_id") and item["product_id"] not in found]
    if missing:
        fail(422, f"Products must belong to the {_noun(document)}'s organisation.",
             errors={f"{field}.{index}.product_id": "Product not found in this organisation."
                     for index in missing})
    return found


def set_lines(document, items: list[dict], line_model) -> None:
    """Replace the document's lines with ``items`` (as ``line_model`` rows) and recompute its
    totals: each line's total and tax rounded half-up to the cent, then summed."""
    products = products_of(document, items)
    document.items.clear()
    for position, item in enumerate(items, start=1):
        product = products.get(item.get("product_id"))
        tax_rate = item.get("tax_rate")
        if tax_rate is None:
            tax_rate = product.tax_rate if product else Decimal("0")
        line_total = round_money(item["qty"] * item["amount"])
        document.items.append(line_model(
            position=position, description=item["description"], qty=item["qty"],
            amount=item["amount"], product_id=product.id if product else None,
            tax_rate=tax_rate, line_total=line_total,
            line_tax=round_money(line_total * tax_rate / 100),
        ))
    document.subtotal = sum((line.line_total for line in document.items), Decimal("0"))
    document.tax = sum((line.line_tax for line in document.items), Decimal("0"))
    document.total = document.subtotal + document.tax
    if document.total > MONEY_MAX:
        fail(422, f"The {_noun(document)} total may not exceed {MONEY_MAX}.",
             errors={"items": f"The total comes to more than {MONEY_MAX}."})


def lines_as_sent(document) -> list[dict]:
    """The document's lines as a create takes them (to copy them to another document)."""
    return [{field: getattr(line, field) for field in LINE_FIELDS} for line in document.items]


def unchanged(document, field: str, value) -> bool:
    """Whether ``value`` is what ``document`` already has; items only when every line is
    given in full (as GET shows it) and equal."""
    if field != "items":
        return getattr(document, field) == value
    return len(value) == len(document.items) and all(
        set(sent) == set(LINE_FIELDS) and all(sent[key] == getattr(line, key) for key in LINE_FIELDS)
        for sent, line in zip(value, document.items, strict=True))
