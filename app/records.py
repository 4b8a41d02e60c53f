"""The steps every resource shares: create a record in an organisation in reach, change
the fields sent, delete unless something refers to it. Each commits the request's one
transaction; the permission is the one the view's scope stands for (app.tenancy)."""
from sqlalchemy import exists, select

from app import tenancy
from app.errors import fail
from app.extensions import db


def create(model, data: dict, *, owner_field: str = "organisation"):
    """A new ``model`` in the organisation named by ``owner_field`` (in reach), or the
    caller's; ``data`` is the loaded body, its ``organisation_id`` the owner's id."""
    record = add(model, data, owner_field=owner_field)
    db.session.commit()
    return record


def add(model, data: dict, *, owner_field: str = "organisation"):
    """``create`` without the commit, for a step of a larger transaction (a batch)."""
    owner = tenancy.owner_for_create(data.pop("organisation_id", None), field=owner_field)
    record = model(organisation_id=owner.id, **data)
    db.session.add(record)
    return record


def update(record, data: dict):
    """Set the fields sent (a partial update); the others stay."""
    for field, value in data.items():
        setattr(record, field, value)
    db.session.commit()
    return record


def delete(record, *, unless_referenced_by=()) -> None:
    """Delete ``record``; 409 while a row refers to it through one of the foreign-key
    columns ``unless_referenced_by`` (e.g. ``Invoice.customer_id``)."""
    for column in unless_referenced_by:
        if db.session.scalar(select(exists().where(column == record.id))):
            noun = type(record).__name__.lower()
            fail(409, f"This {noun} has {column.table.name}; it cannot be deleted.")
    db.session.delete(record)
    db.session.commit()
