"""The worker: claims due deliveries (webhooks, emails and pushes), sends them on a small
pool of threads and records each outcome.

The database work (claims, rendering, outcomes) stays on the worker's own thread; the pool
threads only talk to the network. Outbox rows are the durable record: a worker that dies
loses nothing, as its leases expire and another worker (or it, restarted) takes the rows.
On SIGTERM or SIGINT it stops claiming, lets what is in flight finish (each delivery is
bounded by its timeout), records it, and gives back the leases of what it had not begun."""
import logging
import os
import signal
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.exc import DBAPIError

from app.delivery import claims, email, pushes, sinks, webhooks
from app.extensions import db
from app.models import InvoiceEmail, PushDelivery, WebhookDelivery
from app.models.base import utcnow

log = logging.getLogger("tiergate.worker")

# (outbox model, its module: claimable(), prepare(row, now) -> job, record(row, outcome, now))
KINDS = ((WebhookDelivery, webhooks), (InvoiceEmail, email), (PushDelivery, pushes))


class Worker:
    def __init__(self, threads: int | None = None):
        self.threads = threads or current_app.config["WORKER_THREADS"]
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stopping = threading.Event()

    def run(self) -> None:
        """Deliver until SIGTERM or SIGINT."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stopping.set())
        log.info("worker %s started with %d threads", self.id, self.threads)
        with ThreadPoolExecutor(self.threads, thread_name_prefix="delivery") as pool:
            while not self.stopping.is_set():
                if not self._step_surviving_outages(pool):
                    self.stopping.wait(current_app.config["WORKER_POLL_SECONDS"])
        log.info("worker %s stopped", self.id)

    def run_once(self, now: datetime | None = None) -> int:
        """Deliver what is due (at ``now``), then return how many attempts were made."""
        done = 0
        with ThreadPoolExecutor(self.threads, thread_name_prefix="delivery") as pool:
            while made := self.step(pool, now):
                done += made
        return done

    def step(self, pool: ThreadPoolExecutor, now: datetime | None = None) -> int:
        """Claim one batch of each kind, send it, record it; the attempts made. Should the
        worker die before recording, the leases run out and the batch is sent again."""
        made = 0
        for model, kind in KINDS:
            claimed = claims.claim(model, self.id, now or utcnow(), self._lease(),
                                   self.threads * 4, *kind.claimable())
            made += self._deliver(pool, model, kind, claimed, now)
        return made

    def _step_surviving_outages(self, pool) -> int:
        """A step; while the database is unreachable, nothing (the leases keep the rows)."""
        try:
            return self.step(pool)
        except DBAPIError:
            log.exception("worker %s: the database failed; trying again", self.id)
            db.session.rollback()
            return 0

    def _deliver(self, pool, model, kind, ids: list[int], now: datetime | None) -> int:
        rows = db.session.scalars(db.select(model).where(model.id.in_(ids))).unique().all()
        started = {row.id: pool.submit(sinks.divert(kind.prepare(row, now or utcnow()), row).run)
                   for row in rows}
        db.session.commit()  # what prepare set (an email's Message-ID)
        outcomes = {}
        for row_id, future in started.items():
            if not (self.stopping.is_set() and future.cancel()):
                outcomes[row_id] = future.result()
        held = claims.held(model, list(outcomes), self.id)  # not those taken over meanwhile
        for row in held:
            kind.record(row, outcomes[row.id], now or utcnow())
        db.session.commit()  # the batch's outcomes at once (one commit, not one per row)
        claims.release(model, [row_id for row_id in started if row_id not in outcomes], self.id)
        return len(held)

    def _lease(self) -> timedelta:
        return timedelta(seconds=current_app.config["WORKER_LEASE_SECONDS"])
