"""Claiming outbox rows, safely for several workers on several hosts.

One UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id takes the due
rows and leases them: on PostgreSQL concurrent workers skip each other's rows; on SQLite
the statement is one write transaction (one worker suffices there). A lease that expires,
because its worker died mid-delivery, makes the row due again for any worker."""
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from app.extensions import db


def _due(model, now: datetime, *extra_conditions):
    return (model.status == model.WAITING, model.next_attempt_at <= now, *extra_conditions)


def backlog(model, now: datetime, *extra_conditions) -> tuple[int, datetime | None]:
    """How many rows of ``model`` are due and not yet done (leased ones included), and
    since when the oldest is due: one indexed aggregate."""
    return tuple(db.session.execute(select(func.count(), func.min(model.next_attempt_at))
                                    .where(*_due(model, now, *extra_conditions))).one())


def claim(model, worker_id: str, now: datetime, lease: timedelta, limit: int,
          *extra_conditions) -> list[int]:
    """Lease up to ``limit`` due rows of the outbox ``model`` to ``worker_id``; their ids."""
    due = (select(model.id)
           .where(*_due(model, now, *extra_conditions),
                  or_(model.leased_until.is_(None), model.leased_until < now))
           .order_by(model.next_attempt_at, model.id).limit(limit)
           .with_for_update(skip_locked=True))
    ids = db.session.scalars(update(model).where(model.id.in_(due))
                             .values(leased_until=now + lease, leased_by=worker_id)
                             .returning(model.id)).all()
    db.session.commit()
    return sorted(ids)


def held(model, ids: list[int], worker_id: str) -> list:
    """The rows of ``ids`` whose lease ``worker_id`` still holds, locked (not those another
    worker took over after the lease ran out)."""
    return db.session.scalars(
        select(model).where(model.id.in_(ids), model.leased_by == worker_id).order_by(model.id)
        .with_for_update(of=model).execution_options(populate_existing=True)).unique().all()


def release(model, ids: list[int], worker_id: str) -> None:
    """Give back leases not used (a worker stopping), so the rows are due at once."""
    if ids:
        db.session.execute(update(model).where(model.id.in_(ids), model.leased_by == worker_id)
                           .values(leased_until=None, leased_by=None))
        db.session.commit()


def finish(row, now: datetime) -> None:
    """Count an attempt and let go of the lease (the caller sets the outcome and commits)."""
    row.attempts += 1
    row.first_attempt_at = row.first_attempt_at or now
    row.leased_until = row.leased_by = None
