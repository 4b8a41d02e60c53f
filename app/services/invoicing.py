"""Invoices: gap-free numbers, exact totals, and the status rules."""
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.errors import fail
from app.extensions import db
from app.models import Customer, Invoice, InvoiceCounter, InvoiceLine, Product
from app.models.invoice import DRAFT, PAID, PARTIALLY_PAID, UNPAID, VOID
from app.money import MONEY_MAX, round_money

_UPSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def next_invoice_number(organisation_id: int, year: int) -> str:
    """Take the next number for the organisation and year.

    The counter row stays locked until the transaction ends, so concurrent creators wait
    for each other, and a rolled-back invoice gives its number back: no gaps, no repeats."""
    insert = _UPSERTS[db.session.get_bind().dialect.name]
    db.session.execute(insert(InvoiceCounter).values(
        organisation_id=organisation_id, year=year, last=0).on_conflict_do_nothing())
    last = db.session.scalar(
        update(InvoiceCounter)
        .where(InvoiceCounter.organisation_id == organisation_id, InvoiceCounter.year == year)
        .values(last=InvoiceCounter.last + 1)
        .returning(InvoiceCounter.last)
    )
    return f"INV-{year}-{last:04d}"


def customer_of(organisation_id: int, customer_id: int) -> Customer:
    customer = db.session.scalar(select(Customer).where(
        Customer.id == customer_id, Customer.organisation_id == organisation_id))
    if customer is None:
        fail(422, "The customer must belong to the invoice's organisation.",
             errors={"customer_id": "Customer not found in this organisation."})
    return customer


def products_of(organisation_id: int, items: list[dict], field: str = "items"
                ) -> dict[int, Product]:
    """The products the ``items`` name by ``product_id``; 422 on ``<field>.<n>.product_id``
    for one not of the organisation."""
    wanted = {item["product_id"] for item in items if item.get("product_id")}
    if not wanted:
        return {}
    found = {product.id: product for product in db.session.scalars(select(Product).where(
        Product.id.in_(wanted), Product.organisation_id == organisation_id))}
    missing = [index for index, item in enumerate(items)
               if item.get("product_id") and item["product_id"] not in found]
    if missing:
        fail(422, "Products must belong to the record's organisation.",
             errors={f"{field}.{index}.product_id": "Product not found in this organisation."
                     for index in missing})
    return found


def set_items(invoice: Invoice, items: list[dict]) -> None:
    """Replace the lines and recompute the totals, rounding each line half-up."""
    products = products_of(invoice.organisation_id, items)
    invoice.items.clear()
    for position, item in enumerate(items, start=1):
        product = products.get(item.get("product_id"))
        tax_rate = item.get("tax_rate")
        if tax_rate is None:
            tax_rate = product.tax_rate if product else Decimal("0")
        line_total = round_money(item["qty"] * item["amount"])
        invoice.items.append(InvoiceLine(
            position=position, description=item["description"], qty=item["qty"],
            amount=item["amount"], product_id=product.id if product else None,
            tax_rate=tax_rate, line_total=line_total,
            line_tax=round_money(line_total * tax_rate / 100),
        ))
    invoice.subtotal = sum((line.line_total for line in invoice.items), Decimal("0"))
    invoice.tax = sum((line.line_tax for line in invoice.items), Decimal("0"))
    invoice.total = invoice.subtotal + invoice.tax
    if invoice.total > MONEY_MAX:
        fail(422, f"The invoice total may not exceed {MONEY_MAX}.",
             errors={"items": f"The total comes to more than {MONEY_MAX}."})
    if invoice.amount_paid > invoice.total:
        fail(409, f"The new total {invoice.total} is below the {invoice.amount_paid} already paid.")
    refresh_status(invoice)


def refresh_status(invoice: Invoice) -> None:
    """Unpaid, Partially Paid or Paid follow the payments; Draft and Void stay."""
    if invoice.status in (DRAFT, VOID):
        return
    if invoice.amount_paid <= 0:
        invoice.status = UNPAID
    elif invoice.amount_paid < invoice.total:
        invoice.status = PARTIALLY_PAID
    else:
        invoice.status = PAID


def change_status(invoice: Invoice, target: str) -> None:
    """Draft -> Unpaid (issue it); Draft or an unpaid invoice -> Void; nothing else."""
    if target == invoice.status:
        return
    allowed = (invoice.status == DRAFT and target in (UNPAID, VOID)) or (
        invoice.status == UNPAID and target == VOID and invoice.amount_paid == 0)
    if not allowed:
        fail(409, f"An invoice cannot go from {invoice.status} to {target}.")
    invoice.status = target


def require_editable_items(invoice: Invoice) -> None:
    if invoice.status in (PAID, VOID):
        fail(409, f"The items of a {invoice.status.lower()} invoice cannot change.")
