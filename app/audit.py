"""Records every write made on behalf of an API caller, written once for all models.

Models opt in with ``__audited__ = True``. The rows are inserted on the flush's own
connection, so they commit or roll back with the change they describe.
"""
from flask import g, has_request_context
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.base import utcnow
from oauth.protector import authenticated_token

IGNORED_FIELDS = {"updated_at", "created_at", "secret_hash", "key_hash", "key_material"}


def _changed_fields(obj) -> list[str]:
    state = inspect(obj)
    return sorted(
        attr.key for attr in state.attrs
        if attr.key not in IGNORED_FIELDS and attr.history.has_changes()
    )


def _organisation_of(obj):
    return getattr(obj, "organisation_id", None) or getattr(obj, "id", None)


def _by(token) -> dict:
    """Who did it: the user the token acts as, the real one, its client, the request."""
    return {"user_id": token.user_id, "real_user_id": token.real_user_id,
            "client_id": token.client.client_id,
            "request_id": g.get("request_id") if has_request_context() else None}


def _rows(session: Session, actor):
    groups = (("create", session.new), ("update", session.dirty), ("delete", session.deleted))
    for action, objects in groups:
        for obj in objects:
            if not getattr(obj, "__audited__", False):
                continue
            changes = _changed_fields(obj) if action == "update" else None
            if action == "update" and not changes:
                continue
            yield {
                "at": utcnow(),
                "action": action,
                "resource_type": obj.__tablename__,
                "resource_id": obj.id,
                "organisation_id": _organisation_of(obj),
                "changes": changes,
                **_by(actor),
            }


def record_moved(organisation_ids, changes: list[str]) -> None:
    """Lines for the organisations of a moved subtree, changed by one bulk UPDATE that the
    flush hook cannot see; written in the caller's transaction."""
    actor = _by(authenticated_token())
    db.session.add_all(AuditEvent(
        at=utcnow(), action="update", resource_type="organisations", resource_id=org_id,
        organisation_id=org_id, changes=changes, **actor) for org_id in organisation_ids)


def record_command(obj, action: str, changes: list[str] | None = None) -> None:
    """A line for a write made from the command line (no API client, no user); ``obj``
    has its id (flushed)."""
    db.session.add(AuditEvent(
        at=utcnow(), action=action, resource_type=obj.__tablename__, resource_id=obj.id,
        organisation_id=_organisation_of(obj), client_id="tiergate-cli", changes=changes))


def token_event(action: str, token) -> None:
    """A line for what happened to a token (issued for an emulation, revoked), with the
    user it acts as and the real one; written in the caller's transaction."""
    db.session.add(AuditEvent(
        at=utcnow(), action=action, resource_type="access_tokens", resource_id=token.id,
        organisation_id=token.user.organisation_id, **_by(token)))


def init_app(_app) -> None:
    if not event.contains(Session, "after_flush", _record_writes):
        event.listen(Session, "after_flush", _record_writes)


def _record_writes(session: Session, _context):
    if not has_request_context():
        return
    actor = authenticated_token()
    if actor is None:
        return
    rows = list(_rows(session, actor))
    if rows:
        session.connection().execute(insert(AuditEvent), rows)
