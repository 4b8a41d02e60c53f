"""A per-process cache of token look-ups that never serves a revoked token.

An entry is a copy of the rows a look-up loaded (the token, its client, the users and
their organisations: plain column values), tagged with the *auth epoch* seen before they
were read. The application bumps that epoch after every commit that changes one of those
tables, on every server at once (Redis) or in the process (in-memory limits); an entry is
served only while the request's epoch is still its tag, and never after ``seconds``, which
bounds what a change the application did not see (SQL typed by hand) can leave stale.

A hit rebuilds the rows as ORM objects in the request's session without a query, so the
rest of the request sees the same objects as after a database look-up."""
import copy
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, set_committed_value

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class _Row:
    mapper: Any
    identity: tuple
    columns: dict
    relations: tuple  # (attribute, index of the related _Row)


@dataclass(frozen=True)
class _Entry:
    epoch: object
    expires: float
    rows: tuple  # the looked-up object first


@dataclass(frozen=True)
class Found:
    """A look-up's result: the object (None if unknown), the epoch its rows are known good
    for, and whether they came from the database (authoritative now) or the cache."""

    record: object | None
    epoch: object
    from_database: bool


class TokenCache:
    def __init__(self, seconds: float, max_entries: int = MAX_ENTRIES):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def find(self, session, key: str, epochs, load: Callable[[], object | None], *,
             provisional: bool = False) -> Found:
        """The record cached under ``key`` if it is still good for the request's auth epoch
        (``epochs.current()``; None when it cannot be known, which bypasses the cache), else
        ``load()``, cached under ``epochs.latest()``, an epoch seen before the read.

        ``provisional``: the request's epoch is not known yet (it comes back with the rate
        limit's count); a fresh entry is returned as it is, to be confirmed with ``epoch``
        once known (see ``confirmed``)."""
        epoch = epochs.current()
        entry = self._entries.get(key) if self.seconds > 0 else None
        if entry is not None and time.monotonic() < entry.expires and (
                provisional or (epoch is not None and entry.epoch == epoch)):
            return Found(_rebuild(session, entry.rows), entry.epoch, False)
        # Rows read after the epoch was seen are good for it: a change committed after the
        # read bumps it, and one committed before is in them.
        tag = epochs.latest()
        record = load()
        if record is not None and tag is not None and self.seconds > 0:
            self._store(key, _Entry(tag, time.monotonic() + self.seconds, _snapshot(record)))
        return Found(record, tag, True)

    @staticmethod
    def confirmed(found: Found, epoch) -> bool:
        """Whether what ``find`` returned still holds for the request's ``epoch``."""
        return found.from_database or (epoch is not None and found.epoch == epoch)

    def clear(self) -> None:
        self._entries.clear()

    def _store(self, key: str, entry: _Entry) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                # The oldest entries go first (dicts keep insertion order).
                for stale in list(self._entries)[: self.max_entries // 10 or 1]:
                    self._entries.pop(stale, None)
            self._entries[key] = entry


def _mutable_copy(columns: dict) -> dict:
    """JSON columns (lists, dicts) copied, so no request changes another's values."""
    return {key: copy.deepcopy(value) if isinstance(value, (list, dict)) else value
            for key, value in columns.items()}


def _snapshot(record) -> tuple:
    """The loaded rows reachable from ``record`` through loaded many-to-one relations."""
    rows: list = []
    index: dict = {}

    def visit(obj) -> int:
        state = inspect(obj)
        if state.key in index:
            return index[state.key]
        position = index[state.key] = len(rows)
        rows.append(None)
        loaded = state.dict
        columns = {attr.key: loaded[attr.key] for attr in state.mapper.column_attrs
                   if attr.key in loaded}
        relations = tuple(
            (rel.key, visit(loaded[rel.key])) for rel in state.mapper.relationships
            if not rel.uselist and loaded.get(rel.key) is not None)
        rows[position] = _Row(state.mapper, state.key, _mutable_copy(columns), relations)
        return position

    visit(record)
    return tuple(rows)


def _rebuild(session, rows: tuple):
    """The rows as persistent objects of ``session``, without a query (an object the
    session already holds is used as it is)."""
    objects, built, held = [], [], []
    for row in rows:
        obj = session.identity_map.get(row.identity)
        if obj is None:
            obj = row.mapper.class_manager.new_instance()
            instance_dict(obj).update(_mutable_copy(row.columns))
            built.append((obj, row))
        else:
            held.append((obj, row))
        objects.append(obj)
    for obj, row in built:  # relations set as loaded, not as changes to flush
        instance_dict(obj).update((name, objects[target]) for name, target in row.relations)
    for obj, row in held:  # expired by a commit: the rows are as good as a refresh
        loaded = instance_dict(obj)
        for name, value in _mutable_copy(row.columns).items():
            if name not in loaded:
                set_committed_value(obj, name, value)
        for name, target in row.relations:
            if name not in loaded:
                set_committed_value(obj, name, objects[target])
    for obj, _ in built:  # all of them detached first: adding one cascades to the others
        make_transient_to_detached(obj)
    session.add(objects[0])  # and its relations with it, in one walk
    for obj, _ in built:
        if obj not in session:
            session.add(obj)
    return objects[0]
