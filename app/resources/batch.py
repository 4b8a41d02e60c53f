"""Batch creates: each item made as its own POST would make it, in its own savepoint, so a
bad item undoes only itself; or, with ?atomic=true, all or nothing."""
from flask import g
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

from app import records
from app.blueprint import Blueprint
from app.errors import fail, flatten_messages
from app.extensions import db
from app.idempotency import idempotent
from app.models import Customer
from app.resources.products import new_product
from app.schemas.batch import BatchArgs, BatchResponseSchema, batch_body
from app.schemas.customer import CustomerSchema
from app.schemas.invoice import InvoiceCreateSchema
from app.schemas.product import ProductSchema
from app.services import invoicing
from oauth.protector import require_scope

blp = Blueprint("batch", __name__, url_prefix="/api/v1",
                description="Creating up to 100 customers, products or invoices at once")

ITEM_EXAMPLE = {
    "customers": [{"account": "Customer 1", "email": "customer1@example.com"},
                  {"account": "Customer 2", "email": "customer2@example.com"}],
    "products": [{"name": "Web Hosting", "price": "99.99", "type": "service"}],
    "invoices": [{"customer_id": 1, "date": "2026-01-15", "due_date": "2026-02-15",
                  "items": [{"description": "Web Development", "amount": "1500.00", "qty": "1"}]}],
}


def _outcome(item_schema, create, index: int, item) -> dict:
    """Create one item in a savepoint: its result, as its own POST would have answered."""
    checks = len(g.setdefault("reach_checks", []))
    savepoint = db.session.begin_nested()
    try:
        record = create(item_schema().load(item))
        db.session.flush()
    except Exception as error:  # noqa: BLE001 - each failure is the item's result
        savepoint.rollback()
        del g.reach_checks[checks:]  # a replay re-checks only what was created
        return {"index": index, **_failure(error)}
    savepoint.commit()
    return {"index": index, "status": 201, "id": record.id}


def _failure(error: Exception) -> dict:
    if isinstance(error, HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or {"_schema": data.get("message") or error.description}
        return {"status": error.code, "detail": data.get("message") or error.description,
                "errors": errors}
    if isinstance(error, IntegrityError):
        return {"status": 409, "detail": "The item conflicts with a record.",
                "errors": {"_schema": "Conflicts with the current state of a record."}}
    if isinstance(error, DataError):
        return {"status": 422, "detail": "A value is out of the range this API can store.",
                "errors": {"_schema": "A value is out of range."}}
    if hasattr(error, "messages"):  # a marshmallow ValidationError
        return {"status": 422, "detail": "The item did not validate; see errors.",
                "errors": flatten_messages(error.messages)}
    raise error


def run_batch(name: str, items: list, item_schema, create, atomic: bool) -> dict:
    results = [_outcome(item_schema, create, index, item) for index, item in enumerate(items)]
    failed = [result for result in results if result["status"] != 201]
    if atomic and failed:
        db.session.rollback()
        fail(422, f"{len(failed)} of {len(items)} items failed; none was created.",
             errors={f"{name}.{result['index']}.{field}": message for result in failed
                     for field, message in result["errors"].items()},
             failed_indexes=[result["index"] for result in failed])
    db.session.commit()
    return {"results": results, "created": len(results) - len(failed), "failed": len(failed)}


def _register(name: str, scope: str, item_schema, create) -> None:
    def view(args, body):
        return run_batch(name, body[name], item_schema, create, args["atomic"])

    view.__name__ = f"batch_{name}"
    view.__doc__ = f"""Create {name} in a batch

    `{{"{name}": [...]}}`: 1 to 100 {name}, each as `POST /api/v1/{name}` takes it. Answers
    200 with one result per item, in order (`index`, `status` 201 with the new `id`, or the
    status and `errors` the item alone would have got), and the counts `created` and
    `failed`. Each item is created in its own savepoint, so a bad one undoes only itself;
    with `?atomic=true` all are created or none (422 listing the failed indexes in
    `failed_indexes` and their errors). More than 100 items is a 422, a body over the size
    limit a 413, both naming the limit. Needs `{scope}`; accepts an `Idempotency-Key`,
    whose replay answers the same results.
    """
    blp.route(f"/batch/{name}", methods=["POST"])(
        require_scope(scope)(idempotent(
            blp.arguments(BatchArgs, location="query")(
                blp.arguments(batch_body(name, ITEM_EXAMPLE[name]))(
                    blp.response(200, BatchResponseSchema)(view))))))


_register("customers", "customers:write", CustomerSchema, lambda data: records.add(Customer, data))
_register("products", "products:write", ProductSchema, new_product)
_register("invoices", "invoices:write", InvoiceCreateSchema, invoicing.create)
