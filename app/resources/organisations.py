from flask.views import MethodView
from sqlalchemy import func, select

from app import audit, database, tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.idempotency import idempotent
from app.models import Address, Organisation
from app.models.organisation import MAX_DEPTH, TREE_LOCK
from app.pagination import PageArgs, page_of, paginate
from app.schemas.organisation import AddressSchema, OrganisationSchema, OrganisationUpdateSchema
from oauth.protector import require_scope

blp = Blueprint("organisations", __name__, url_prefix="/api/v1",
                description="The organisation hierarchy and saved addresses")


@blp.route("/organisations")
class Organisations(MethodView):
    @require_scope("organisations:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(OrganisationSchema))
    def get(self, page):
        """List organisations

        The caller's own organisation and, where its permission reaches them, the descendants.
        Needs `organisations:read`.
        """
        query = tenancy.scoped(Organisation).order_by(Organisation.id)
        return paginate(query, page)

    @require_scope("organisations:write")
    @idempotent
    @blp.arguments(OrganisationSchema)
    @blp.response(201, OrganisationSchema)
    @blp.alt_response(409, description="The hierarchy would grow too deep")
    def post(self, data):
        """Create an organisation

        A child of `parent` (an organisation in reach; by default the caller's own). The hierarchy
        is limited in depth: a child below the deepest level is a 409. Needs
        `organisations:write`; accepts an `Idempotency-Key`.
        """
        _lock_tree()
        parent = tenancy.owner_for_create(data.pop("parent_id", None), field="parent", lock=True)
        _require_depth(parent.depth + 1)
        organisation = Organisation(**data)
        db.session.add(organisation)
        db.session.flush()
        organisation.place_under(parent)
        db.session.commit()
        return organisation


@blp.route("/organisations/<id:organisation_id>")
class OrganisationById(MethodView):
    @require_scope("organisations:read")
    @blp.response(200, OrganisationSchema)
    def get(self, organisation_id):
        """Get an organisation

        Needs `organisations:read`; 404 when it is out of reach.
        """
        return tenancy.organisation_or_404(organisation_id)

    @require_scope("organisations:write")
    @blp.arguments(OrganisationUpdateSchema(partial=True))
    @blp.response(200, OrganisationSchema)
    @blp.alt_response(409, description="The move would put it under itself")
    def put(self, data, organisation_id):
        """Change an organisation

        `PUT` and `PATCH` both change the fields sent and keep the others. A new `parent` moves
        the organisation with its whole subtree: not under itself or a descendant (409), not the
        caller's own organisation (403), never making a root. Needs `organisations:write`; 404
        when it is out of reach.
        """
        moving = data.get("parent_id") is not None  # perhaps to where it is: see below
        if moving:
            _lock_tree()
        organisation = tenancy.organisation_or_404(organisation_id, lock=moving)
        new_parent_id = data.pop("parent_id", organisation.parent_id)
        for field, value in data.items():
            setattr(organisation, field, value)
        if new_parent_id != organisation.parent_id:
            if new_parent_id is None:
                fail(422, "An organisation cannot become a root.",
                     errors={"parent": "Give the organisation a parent."})
            _move(organisation, new_parent_id)
        db.session.commit()
        return db.session.get(Organisation, organisation_id)

    patch = put


def _lock_tree() -> None:
    """Moves and new organisations change paths that others read: one at a time, each
    reading the tree as the previous one left it."""
    database.lock_for_transaction(TREE_LOCK)
    db.session.refresh(tenancy.current_user().organisation)  # its path decides the reach


def _require_depth(depth: int) -> None:
    if depth > MAX_DEPTH:
        fail(409, f"The hierarchy is limited to {MAX_DEPTH} levels below a root.")


def _move(organisation: Organisation, new_parent_id: int) -> None:
    caller_org = tenancy.current_user().organisation
    if organisation.id == caller_org.id:
        fail(403, "An organisation cannot move itself; its parent's users can.",
             code="permission_denied")
    parent = tenancy.get_or_404(Organisation, new_parent_id, field="parent", lock=True)
    if parent.is_within(organisation):
        fail(409, "An organisation cannot move under itself or its own descendants.")
    deepest = db.session.scalar(select(func.max(Organisation.depth)).where(
        Organisation.path.startswith(organisation.path)))
    _require_depth(parent.depth + 1 + deepest - organisation.depth)
    db.session.flush()
    descendants = db.session.scalars(select(Organisation.id).where(
        Organisation.path.startswith(organisation.path), Organisation.id != organisation.id)).all()
    organisation.move_under(parent)
    audit.record_moved(descendants, ["depth", "path"])


@blp.route("/organisations/<id:organisation_id>/addresses")
class Addresses(MethodView):
    @require_scope("organisations:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(AddressSchema))
    def get(self, page, organisation_id):
        """List an organisation's addresses

        Its saved addresses, oldest first. Needs `organisations:read`; 404 when the organisation
        is out of reach.
        """
        organisation = tenancy.organisation_or_404(organisation_id)
        query = tenancy.scoped(Address).where(
            Address.organisation_id == organisation.id).order_by(Address.id)
        return paginate(query, page)

    @require_scope("organisations:write")
    @idempotent
    @blp.arguments(AddressSchema)
    @blp.response(201, AddressSchema)
    def post(self, data, organisation_id):
        """Save an address

        Adds a saved address to the organisation. Needs `organisations:write`; 404 when the
        organisation is out of reach; accepts an `Idempotency-Key`.
        """
        organisation = tenancy.organisation_or_404(organisation_id)
        address = Address(organisation_id=organisation.id, **data)
        db.session.add(address)
        db.session.commit()
        return address
