"""Idempotency-Key on POST: a retried create returns the first result, not a duplicate.

The key is reserved (committed) before the create runs, so two concurrent requests with
one key cannot both create: the second is told the first is in progress, and later
retries replay the stored response. Keys belong to the API client; a key reused with a
different request is refused. Only successful responses are stored, so a failed create
can be retried with the same key. A replay repeats the create's reach checks first: a
caller who lost the right gets the refusal, not the stored answer."""
import functools
import hashlib
from datetime import timedelta

from flask import g, make_response, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app import tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.models import IdempotencyKey
from app.models.base import utcnow
from oauth.protector import authenticated_token

HEADER = "Idempotency-Key"
ABANDONED_AFTER = timedelta(minutes=5)
PARAMETER = {
    "in": "header", "name": HEADER, "required": False,
    "description": "Makes a retried create return the first result instead of a duplicate",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def _fingerprint() -> str:
    """The request as the key stands for it: who acts (an emulation is another user of the
    same client), the method, the path and the body."""
    acting = authenticated_token().user_id
    digest = hashlib.sha256(f"{acting} {request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _owner() -> dict:
    """Whose keys these are: the API client's, or the API key's, that sent the request."""
    token = authenticated_token()
    return {"api_key_id": token.id} if token.is_api_key else {"client_pk": token.client_pk}


def _reserve(owner: dict, key: str, fingerprint: str) -> IdempotencyKey | None:
    """The new reservation, or None when the key is already taken."""
    db.session.execute(delete(IdempotencyKey).filter_by(**owner, key=key, status_code=None).where(
        IdempotencyKey.created_at < utcnow() - ABANDONED_AFTER))
    record = IdempotencyKey(**owner, key=key, fingerprint=fingerprint)
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return record


def _replay(owner: dict, key: str, fingerprint: str):
    earlier = db.session.scalar(select(IdempotencyKey).filter_by(**owner, key=key))
    if earlier is None:  # the other request failed and gave the key back meanwhile
        fail(409, "A request with this Idempotency-Key just failed; retry it.")
    if earlier.fingerprint != fingerprint:
        fail(409, "This Idempotency-Key was used with a different request.",
             code="idempotency_key_reused")
    if earlier.status_code is None:
        fail(409, "A request with this Idempotency-Key is still in progress.",
             code="idempotency_key_in_progress")
    tenancy.recheck(earlier.reach_checks or [])  # allowed then is not enough: allowed now?
    response = make_response(earlier.body, earlier.status_code)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """Honour Idempotency-Key on a create view (below require_scope, above the schema)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= 255 or not key.isprintable():
            fail(400, "Idempotency-Key must be 1 to 255 printable characters.")
        owner, fingerprint = _owner(), _fingerprint()
        record = _reserve(owner, key, fingerprint)
        if record is None:
            return _replay(owner, key, fingerprint)
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == record.id))
            db.session.commit()
            raise
        if 200 <= response.status_code < 300:
            record.status_code, record.body = response.status_code, response.get_json()
            record.reach_checks = g.get("reach_checks", [])
        else:
            db.session.delete(record)
        db.session.commit()
        return response

    return Blueprint.doc(parameters=[PARAMETER])(wrapper)  # its 409: openapi.complete
