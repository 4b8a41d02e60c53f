"""Repairs: their lines and totals, the stock their parts hold, and their one invoice."""
from datetime import date, timedelta
from decimal import Decimal

from app import events, states, tenancy
from app.errors import fail
from app.extensions import db
from app.models import Invoice, Repair, RepairLabour, RepairPart
from app.models.repair import CANCELLED, COLLECTED
from app.money import MONEY_MAX, round_money
from app.services import documents, invoicing

PAYMENT_TERMS = timedelta(days=30)


def set_parts(repair: Repair, parts: list[dict]) -> None:
    """Replace the parts, priced at their products' prices now."""
    products = documents.products_of(repair, parts, field="parts")
    repair.parts.clear()
    db.session.flush()  # the old rows go before the new ones arrive
    for position, part in enumerate(parts, start=1):
        product = products[part["product_id"]]
        repair.parts.append(RepairPart(
            position=position, product_id=product.id, description=product.name, qty=part["qty"],
            unit_price=product.price, line_total=round_money(part["qty"] * product.price)))
    _total(repair)


def set_labour(repair: Repair, labour: list[dict]) -> None:
    repair.labour.clear()
    for position, line in enumerate(labour, start=1):
        repair.labour.append(RepairLabour(
            position=position, description=line["description"], hours=line["hours"],
            rate=line["rate"], line_total=round_money(line["hours"] * line["rate"])))
    _total(repair)


def _total(repair: Repair) -> None:
    repair.parts_total = sum((part.line_total for part in repair.parts), Decimal("0"))
    repair.labour_total = sum((line.line_total for line in repair.labour), Decimal("0"))
    repair.total = repair.parts_total + repair.labour_total
    if repair.total > MONEY_MAX:
        fail(422, f"The repair's total may not exceed {MONEY_MAX}.",
             errors={"labour": f"The total comes to more than {MONEY_MAX}."})


LINE_FIELDS = {"parts": ("product_id", "qty"), "labour": ("description", "hours", "rate")}


def change_lines(repair: Repair, lines: dict[str, list[dict]]) -> bool:
    """Replace the ``parts`` and ``labour`` given, unless they are the lines the repair has
    (as GET shows them: no change, even where lines may not change); whether any changed.
    Not once the job is invoiced, collected or cancelled (409)."""
    changed = {kind: sent for kind, sent in lines.items() if not _same_lines(repair, kind, sent)}
    if not changed:
        return False
    require_not_invoiced(repair, "its parts and labour cannot change")
    if repair.status in (COLLECTED, CANCELLED):
        fail(409, f"The parts and labour of a {repair.status.lower()} repair cannot change.")
    if "parts" in changed:
        set_parts(repair, changed["parts"])
    if "labour" in changed:
        set_labour(repair, changed["labour"])
    return True


def _same_lines(repair: Repair, kind: str, sent: list[dict]) -> bool:
    fields = LINE_FIELDS[kind]
    have = [tuple(getattr(line, field) for field in fields) for line in getattr(repair, kind)]
    return have == [tuple(line.get(field) for field in fields) for line in sent]


def require_not_invoiced(repair: Repair, consequence: str) -> None:
    if repair.invoice_id is not None:
        fail(409, f"Repair {repair.id} is invoiced; {consequence}.",
             invoice_id=repair.invoice_id)


def make_invoice(repair: Repair) -> Invoice:
    """The repair's invoice: a line per part (with its product, for the product's tax) and
    per labour line. The repair's parts already hold their stock, so the invoice moves none.
    Call with the repair locked: the second of two concurrent calls finds the first's."""
    if repair.invoice_id is not None:
        invoice = db.session.get(Invoice, repair.invoice_id)
        fail(409, f"Repair {repair.id} is already invoiced: {invoice.invoice_number}.",
             invoice_id=invoice.id, invoice_number=invoice.invoice_number)
    if repair.status == CANCELLED:
        fail(409, "A cancelled repair cannot be invoiced.")
    if not repair.parts and not repair.labour:
        fail(409, "The repair has no parts or labour to invoice.")
    today = date.today()
    invoice = invoicing.new_invoice(
        repair.organisation_id, customer_id=repair.customer_id, date=today,
        due_date=today + PAYMENT_TERMS, notes=f"Repair {repair.id}: {repair.device}",
        moves_stock=False, user_id=tenancy.current_user().id, items=[
            *({"description": part.description, "qty": part.qty, "amount": part.unit_price,
               "product_id": part.product_id} for part in repair.parts),
            *({"description": line.description, "qty": line.hours, "amount": line.rate}
              for line in repair.labour)])
    db.session.flush()
    states.record_updates(repair, {"invoice_id": invoice.id}, ("invoice_id",))
    events.record("repair.invoiced", repair)
    return invoice
