"""The organisation-reach rule, in one place.

A caller acts on its own organisation and, where its permission has ``parent: true``
(admins: always), on that organisation's descendants: never on an ancestor, a sibling
or an unrelated organisation. Every query for a tenant-owned record is built here, so
a record out of reach is simply not found and ids cannot be probed: 404 when the URL
names it, 422 (with the field) when the request body or query refers to it.

The permission checked is the one the view's scope stands for (``customers:write`` ->
``customers:edit``, see oauth.protector.required_permission) unless one is named.

The one crossing of trees is an accepted connection (app.models.Connection): a model
that names a ``__counterparty__`` organisation column is also seen from that
organisation's reach (always, or ``__while_connected__`` only), and nothing else of the
other tree is; rows flagged by ``__private_when__`` stay with their own side.
"""
from dataclasses import dataclass

from flask import g
from sqlalchemy import Select, and_, or_, select

from app.errors import fail
from app.extensions import db
from app.models import Connection, Organisation, User
from oauth.protector import authenticated_token, required_permission
from oauth.scopes import PERMISSION_SCOPES, SCOPE_PERMISSIONS


@dataclass(frozen=True)
class Reach:
    organisation: Organisation
    descendants: bool

    def includes(self, org: Organisation) -> bool:
        if self.descendants:
            return org.is_within(self.organisation)
        return org.id == self.organisation.id

    def organisations_clause(self):
        if self.descendants:
            return Organisation.path.startswith(self.organisation.path)
        return Organisation.id == self.organisation.id

    def owned_clause(self, organisation_id_column):
        if self.descendants:
            subtree = select(Organisation.id).where(self.organisations_clause())
            return organisation_id_column.in_(subtree)
        return organisation_id_column == self.organisation.id


def current_user() -> User:
    """The user the request acts as (the emulated one while emulating)."""
    return authenticated_token().user


def reach(permission: str | None = None, user: User | None = None) -> Reach:
    permission = permission or required_permission()
    user = user or current_user()
    extends = user.grant(permission)
    if extends is None:
        fail(403, f"Your user does not hold the permission {permission}.",
             code="permission_denied")
    return Reach(user.organisation, extends)


def _owned(model, within: Reach):
    if model is Organisation:
        return within.organisations_clause()
    via = getattr(model, "__tenant_via__", None)  # (foreign key, owning model)
    if via:
        foreign_key, owner = via
        clause = getattr(model, foreign_key).in_(select(owner.id).where(_owned(owner, within)))
    else:
        clause = within.owned_clause(model.organisation_id)
        if hasattr(model, "__counterparty__"):
            clause = or_(clause, _counterparty_sees(model, within))
    private = getattr(model, "__private_when__", None)  # a flag: then only its own side sees it
    if private:
        clause = and_(clause, or_(getattr(model, private).is_(False),
                                  within.owned_clause(model.organisation_id)))
    return clause


def _counterparty_sees(model, within: Reach):
    """The rows of ``model`` shared with the other organisation it names."""
    other = getattr(model, model.__counterparty__)
    clause = within.owned_clause(other)
    if getattr(model, "__while_connected__", False):
        clause = and_(clause, connected(model.organisation_id, other))
    return clause


def connected(organisation_column, other_column):
    """The two organisations are joined by an accepted connection (either way round)."""
    accepted = select(Connection.id).where(Connection.status == "accepted", or_(
        and_(Connection.organisation_id == organisation_column,
             Connection.foreign_organisation_id == other_column),
        and_(Connection.organisation_id == other_column,
             Connection.foreign_organisation_id == organisation_column)))
    return accepted.exists()


def foreign_companies(permission: str | None = None, *, of: Organisation | None = None) -> Select:
    """SELECT of the organisations joined by an accepted connection to one in the caller's
    reach (or to ``of``, one in reach): what the caller may see of them is their company
    profile, nothing more."""
    within = reach(permission)

    def side(column):
        return column == of.id if of is not None else within.owned_clause(column)

    accepted = select(Connection).where(Connection.status == "accepted")
    outgoing = accepted.where(side(Connection.organisation_id)).with_only_columns(
        Connection.foreign_organisation_id)
    incoming = accepted.where(side(Connection.foreign_organisation_id)).with_only_columns(
        Connection.organisation_id)
    return select(Organisation).where(or_(Organisation.id.in_(outgoing), Organisation.id.in_(incoming)))


FOREIGN_COMPANY = "foreign company"  # a reach check of a connection, not of a record


def foreign_company_or_404(organisation_id: int, permission: str | None = None, *,
                           field: str | None = None, of: Organisation | None = None) -> Organisation:
    """An organisation the caller (or ``of``) is connected to; 404 (422 on ``field``) for any
    other."""
    # Repeated by a replay (recheck), as record look-ups are: a revoked connection refuses it.
    g.setdefault("reach_checks", []).append(
        [FOREIGN_COMPANY, [organisation_id, of.id if of else None], permission, field])
    company = db.session.scalar(foreign_companies(permission, of=of).where(
        Organisation.id == organisation_id))
    if company is None:
        detail = f"Foreign company {organisation_id} was not found."
        if field:
            fail(422, f"The {field} given is not one you can use.", errors={field: detail})
        fail(404, detail)
    return company


def require_admin_of(organisation_id: int, action: str) -> None:
    """403 unless the current user is an admin whose subtree holds the organisation."""
    user = current_user()
    organisation = db.session.get(Organisation, organisation_id)
    if not (user.admin and organisation.is_within(user.organisation)):
        fail(403, f"Only an admin of {organisation.name} can {action}.", code="permission_denied")


def side_in_reach(record, permission: str | None = None) -> int:
    """Which party of a shared record (its organisation or its counterparty) the caller acts
    for: its own organisation's side when the caller reaches both."""
    within = reach(permission)
    owner = db.session.get(Organisation, record.organisation_id)
    if within.includes(owner):
        return owner.id
    return getattr(record, record.__counterparty__)


def parties(record) -> list[int]:
    """The organisations whose own reach sees ``record`` (so hear of its changes): its
    organisation (its owner's, for a record reached through another) and, while it is shared
    with it, its counterparty; a private record (``__private_when__``) only its own side."""
    model = type(record)
    private = getattr(model, "__private_when__", None)
    if private and getattr(record, private):
        return [record.organisation_id]
    via = getattr(model, "__tenant_via__", None)
    if via:
        foreign_key, owner = via
        return parties(db.session.get(owner, getattr(record, foreign_key)))
    sides = [record.organisation_id]
    if hasattr(model, "__counterparty__"):
        other = getattr(record, model.__counterparty__)
        if not getattr(model, "__while_connected__", False) or db.session.scalar(
                select(connected(record.organisation_id, other))):
            sides.append(other)
    return sides


def own(model, permission: str | None = None) -> Select:
    """SELECT of the current user's own records of ``model`` (notifications, devices): a
    user's, never its organisation's."""
    reach(permission)
    return select(model).where(model.user_id == current_user().id)


def own_or_404(model, column, value, permission: str | None = None):
    """The current user's record of ``model`` whose ``column`` is ``value``; 404 for anyone
    else's."""
    record = db.session.scalar(own(model, permission).where(column == value))
    if record is None:
        fail(404, f"{model.__name__} {value} was not found.")
    return record


def scoped(model, permission: str | None = None, *, organisation: int | None = None) -> Select:
    """SELECT of ``model`` limited to the caller's reach for ``permission``;
    ``organisation`` (the query's filter) narrows it to one organisation in reach."""
    permission = permission or required_permission()
    query = select(model).where(_owned(model, reach(permission)))
    if organisation is not None:
        owner = get_or_404(Organisation, organisation, permission, field="organisation")
        query = query.where(model.organisation_id == owner.id)
    return query


def narrowed(query: Select, args: dict, *references) -> Select:
    """``query`` narrowed by the list filters that name a record, each ``(model, column)``
    with the filter named as its column (``customer_id``): a record out of reach is a 422 on
    that field."""
    for model, column in references:
        if args.get(column.key):
            query = query.where(column == get_or_404(model, args[column.key], field=column.key).id)
    return query


def get_or_404(model, record_id: int, permission: str | None = None, *, lock: bool = False,
               field: str | None = None):
    """The record if ``permission`` reaches it; 404 if the caller cannot even see it.

    ``field`` names the request field the id came from: a reference out of reach makes
    the request invalid (422 on that field) rather than the URL unknown.
    ``lock`` re-reads it with SELECT ... FOR UPDATE, held until the transaction ends."""
    permission = permission or required_permission()
    g.setdefault("reach_checks", []).append([model.__name__, record_id, permission, field])
    query = scoped(model, permission).where(model.id == record_id)
    if lock:
        query = query.with_for_update(of=model).execution_options(populate_existing=True)
    record = db.session.scalar(query)
    if record is None:
        _refuse_missing(model, record_id, permission, field)
    return record


def _view_permission(model) -> str | None:
    """The permission that shows records of ``model`` in their own right (users ->
    users:view), None for a model without a resource of its own."""
    return SCOPE_PERMISSIONS.get(f"{model.__tablename__.replace('_', '-')}:read")


def recheck(checks: list) -> None:
    """Repeat an earlier request's look-ups (``g.reach_checks`` as it left them), for a
    replay: it gets the refusal the same request would get now, if any."""
    models = {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}
    for model_name, record_id, permission, field in checks:
        if model_name == FOREIGN_COMPANY:
            company_id, of_id = record_id
            foreign_company_or_404(company_id, permission, field=field,
                                   of=db.session.get(Organisation, of_id) if of_id else None)
        else:
            get_or_404(models[model_name], record_id, permission, field=field)


def _may_see(view: str) -> bool:
    """The caller's user holds ``view`` and its token the scope for it."""
    token = authenticated_token()
    return (token.user.grant(view) is not None
            and PERMISSION_SCOPES[view] in token.effective_scopes())


def _refuse_missing(model, record_id: int, permission: str, field: str | None):
    """Only a caller who may see the record is told it exists but is out of its reach for
    ``permission``; anyone else gets the answer of an id never used."""
    action = permission.partition(":")[2]
    view = _view_permission(model)
    if view not in (None, permission) and _may_see(view):
        visible = db.session.scalar(scoped(model, view).where(model.id == record_id))
        if visible is not None:
            fail(403, f"You may see {model.__name__} {record_id} but not {action} it.",
                 code="permission_denied")
    detail = f"{model.__name__} {record_id} was not found."
    if field:
        fail(422, f"The {field} given is not one you can use.", errors={field: detail})
    fail(404, detail)


def organisation_or_404(organisation_id: int, permission: str | None = None, *,
                        lock: bool = False) -> Organisation:
    return get_or_404(Organisation, organisation_id, permission, lock=lock)


def owner_for_create(organisation_id: int | None, permission: str | None = None,
                     field: str = "organisation", *, lock: bool = False) -> Organisation:
    """The organisation a new record goes to: the one named in ``field`` (in reach) or
    the caller's."""
    if organisation_id is None:
        return organisation_or_404(current_user().organisation_id, permission, lock=lock)
    return get_or_404(Organisation, organisation_id, permission, field=field, lock=lock)


def missing_grants(organisation: Organisation, admin: bool, permissions: list[dict],
                   user: User | None = None) -> list[str]:
    """What a user in ``organisation`` would hold beyond the caller: empty when covered.

    A caller grants only what it holds, over organisations it reaches with it."""
    user = user or current_user()
    missing = []
    if admin and not (user.admin and organisation.is_within(user.organisation)):
        missing.append("admin")
    for held in permissions:
        name, extends = held["permission"], bool(held.get("parent"))
        caller_extends = user.grant(name)
        if caller_extends is None or not Reach(user.organisation, caller_extends).includes(
                organisation) or (extends and not caller_extends):
            missing.append(name + (" (parent)" if extends else ""))
    return missing


def may_emulate(real: User, target: User) -> bool:
    """Whether ``real`` may act as ``target``: checked at the start and on every request."""
    extends = real.grant("users:emulate")
    return (extends is not None
            and Reach(real.organisation, extends).includes(target.organisation)
            and not missing_grants(target.organisation, target.admin, target.held_permissions,
                                   user=real))


def require_covers(target: User, action: str) -> None:
    """403 unless the caller holds at least everything ``target`` holds."""
    missing = missing_grants(target.organisation, target.admin, target.held_permissions)
    if missing:
        fail(403, f"You cannot {action} a user holding more than you: {', '.join(missing)}.",
             code="permission_denied")
