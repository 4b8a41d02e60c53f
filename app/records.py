"""The steps every resource shares: create a record in an organisation in reach, change
the fields sent, delete unless something refers to it. Each commits the request's one
transaction, with the resource's event if it publishes any (app.events); the permission
is the one the view's scope stands for (app.tenancy)."""
from sqlalchemy import exists, select

from app import events, tenancy
from app.errors import fail
from app.extensions import db


def create(model, data: dict, *, owner_field: str = "organisation"):
    """A new ``model`` in the organisation named by ``owner_field`` (in reach), or the
    caller's; ``data`` is the loaded body, its ``organisation_id`` the owner's id."""
    owner = tenancy.owner_for_create(data.pop("organisation_id", None), field=owner_field)
    record = model(organisation_id=owner.id, **data)
    db.session.add(record)
    events.record_change(record, "created")
    db.session.commit()
    return record


def update(record, data: dict):
    """Set the fields sent (a partial update); the others stay."""
    for field, value in data.items():
        setattr(record, field, value)
    if db.session.is_modified(record):
        events.record_change(record, "updated")
    db.session.commit()
    return record


def delete(record, *, unless_referenced_by=()) -> None:
    """Delete ``record``; 409 while a row refers to it through one of the foreign-key
    columns ``unless_referenced_by`` (e.g. ``Invoice.customer_id``)."""
    for column in unless_referenced_by:
        if db.session.scalar(select(exists().where(column == record.id))):
            noun = type(record).__name__.lower()
            fail(409, f"This {noun} has {column.table.name}; it cannot be deleted.")
    events.record_change(record, "deleted")
    db.session.delete(record)
    db.session.commit()
