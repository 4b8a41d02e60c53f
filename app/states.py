"""State machines of records (tickets, leads, repairs...) and the history they keep.

A ``StateMachine`` is a transition table: a move it does not list is a 409 naming the
moves the record's current state allows. Every move, and any other field a resource
chooses to track, is written as a ``HistoryEntry``: who changed what, from what to what,
and when, in the request's transaction."""
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select

from app import tenancy
from app.errors import fail
from app.extensions import db
from app.models import HistoryEntry
from app.pagination import paginate
from oauth.protector import authenticated_token

TEXT_MAX = 500


@dataclass(frozen=True)
class StateMachine:
    noun: str  # "ticket", for the messages
    moves: dict[str, tuple[str, ...]]  # state -> the states it may move to
    field: str = "status"
    keeps_history: bool = True  # a history line per move (app.states.record_change)
    # The state a record shows, where it differs from the stored one (a quote past its
    # valid_until shows Expired); the table is read from it.
    shown: Callable[[object], str] | None = None

    def allowed(self, state: str) -> list[str]:
        return list(self.moves.get(state, ()))

    def move(self, record, target: str) -> bool:
        """Move ``record`` to ``target`` (through its ``set_<field>`` when it has one) and
        record it; False when it is already there."""
        current = self.shown(record) if self.shown else getattr(record, self.field)
        if target == current:
            return False
        allowed = self.allowed(current)
        if target not in allowed:
            moves = ", ".join(allowed) if allowed else "none (it is final)"
            fail(409, f"A {self.noun} cannot go from {current} to {target}; from {current} it "
                      f"may go to: {moves}.", code="invalid_transition", allowed=allowed)
        setter = getattr(record, f"set_{self.field}", None)
        if setter:
            setter(target)
        else:
            setattr(record, self.field, target)
        if self.keeps_history:
            record_change(record, self.field, current, target)
        return True


def _text(value) -> str | None:
    return None if value is None else str(value)[:TEXT_MAX]


def record_change(record, field: str, old, new) -> None:
    """A history line for ``record`` (flushed, so it has its id) by the request's caller."""
    db.session.flush()
    token = authenticated_token()
    db.session.add(HistoryEntry(
        resource_type=record.__tablename__, resource_id=record.id,
        organisation_id=record.organisation_id, field=field, old=_text(old), new=_text(new),
        user_id=token.user_id, real_user_id=token.real_user_id))


def record_created(record, fields: tuple[str, ...]) -> None:
    """History lines for a new record: each tracked field from nothing to its value."""
    for field in fields:
        if getattr(record, field) is not None:
            record_change(record, field, None, getattr(record, field))


def record_updates(record, data: dict, fields: tuple[str, ...]) -> bool:
    """Set ``data`` on ``record``, with a history line per tracked field that changes;
    whether any field changed (a history line flushes: the session no longer tells)."""
    changed = False
    for name, value in data.items():
        old = getattr(record, name)
        setattr(record, name, value)
        if old != value:
            changed = True
            if name in fields:
                record_change(record, name, old, value)
    return changed


def history_page(model, record_id: int, args: dict) -> dict:
    """A page of the history of the ``model`` record ``record_id`` (404 out of reach),
    oldest first: what a resource's ``GET /<records>/{id}/history`` answers."""
    record = tenancy.get_or_404(model, record_id)
    return paginate(select(HistoryEntry).where(
        HistoryEntry.resource_type == record.__tablename__,
        HistoryEntry.resource_id == record.id).order_by(HistoryEntry.id), args)
