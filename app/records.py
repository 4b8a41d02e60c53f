"""The steps every resource shares: create a record in an organisation in reach, change
the fields sent, delete unless something refers to it. Each commits the request's one
transaction, with the resource's event if it publishes any (app.events); the permission
is the one the view's scope stands for (app.tenancy)."""
from sqlalchemy import exists, select

from app import events, states, tenancy
from app.errors import fail
from app.extensions import db


def create(model, data: dict, *, owner_field: str = "organisation", references=()):
    """A new ``model`` in the organisation named by ``owner_field`` (in reach), or the
    caller's; ``data`` is the loaded body, its ``organisation_id`` the owner's id.
    ``references`` are (field, model) pairs: ids in ``data`` that must name records of
    the same organisation (422 on the field otherwise)."""
    record = add(model, data, owner_field=owner_field, references=references)
    db.session.commit()
    return record


def add(model, data: dict, *, owner_field: str = "organisation", references=(),
        event: bool = True):
    """``create`` without the commit, for a step of a larger transaction (a batch, a view
    that adds more to the transaction). ``event=False``: the caller completes the record
    (its lines) and then records its ``created`` event itself."""
    owner = tenancy.owner_for_create(data.pop("organisation_id", None), field=owner_field)
    require_references(owner.id, data, references)
    record = model(organisation_id=owner.id, **data)
    db.session.add(record)
    db.session.flush()
    if event:
        events.record_change(record, "created")
    return record


def update(record, data: dict, *, references=(), tracked=(), commit: bool = True,
           changed: bool = False):
    """Set the fields sent (a partial update); the others stay. ``references`` as for
    ``create``; a change of a ``tracked`` field is written to the record's history.
    ``changed``: the caller changed the record already (a status move, its lines), so it
    has its ``updated`` event even when ``data`` changes nothing."""
    require_references(record.organisation_id, data, references)
    changed |= states.record_updates(record, data, tracked)
    if changed or db.session.is_modified(record):
        events.record_change(record, "updated")
    if commit:
        db.session.commit()
    return record


def require_references(organisation_id: int, data: dict, references) -> None:
    """Each (field, model) id given in ``data`` names a ``model`` record of the
    organisation; otherwise a 422 on the field, whether it exists elsewhere or not."""
    for field, model in references:
        record_id = data.get(field)
        if record_id is None:
            continue
        found = db.session.scalar(select(exists().where(
            model.id == record_id, model.organisation_id == organisation_id)))
        if not found:
            fail(422, f"The {field} given is not one you can use.",
                 errors={field: f"{model.__name__} {record_id} was not found in this "
                                "organisation."})


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
