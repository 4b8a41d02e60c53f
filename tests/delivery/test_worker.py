"""The worker's command, its graceful stop, and claims shared by concurrent workers."""
import os
import signal
import tempfile
import threading
import time
from datetime import timedelta

import pytest
from werkzeug import Response

from app.bootstrap import create_organisation
from app.delivery import claims
from app.delivery.worker import Worker
from app.extensions import db
from app.models import Event, WebhookDelivery, WebhookEndpoint
from app.models.base import utcnow
from app.models.event import DELIVERED
from app.services.webhooks import new_secret, seal
from tests.delivery.conftest import deliveries

SQLITE_FILE = os.path.join(tempfile.mkdtemp(prefix="tiergate-claims-"), "claims.db")


def test_worker_once_delivers_what_is_due_and_exits(app):
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert (result.exit_code, result.output.strip()) == (0, "made 0 delivery attempts")


def test_sigterm_lets_the_delivery_in_flight_finish(
        client, headers, make_endpoint, httpserver, receiving):
    """The worker stops claiming, records what it was sending, and returns."""
    httpserver.expect_request("/hook").respond_with_handler(
        lambda request: time.sleep(0.3) or Response("done"))
    make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    timer = threading.Timer(0.15, os.kill, (os.getpid(), signal.SIGTERM))  # mid-delivery
    try:
        timer.start()
        Worker(threads=1).run()
    finally:
        timer.cancel()
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.leased_by) == (DELIVERED, 1, None)


def _claimed_by_concurrent_workers(app) -> tuple[list[int], list[int]]:
    """40 deliveries queued, then claimed by 4 threads at once: (queued ids, claimed ids)."""
    organisation = create_organisation("O")
    endpoint = WebhookEndpoint(organisation_id=organisation.id, url="https://example.com/in",
                               events=["*"], sealed_secret=seal(new_secret()))
    db.session.add(endpoint)
    db.session.flush()
    queued = []
    for _ in range(40):
        event = Event(organisation_id=organisation.id, type="customer.created", data={})
        db.session.add(event)
        db.session.flush()
        queued.append(WebhookDelivery(event_id=event.id, endpoint_id=endpoint.id))
    db.session.add_all(queued)
    db.session.commit()
    claimed, start = [], threading.Barrier(4)

    def work(name):
        with app.app_context():
            start.wait()
            while batch := claims.claim(WebhookDelivery, name, utcnow(), timedelta(minutes=1), 3):
                claimed.extend(batch)
            db.session.remove()

    threads = [threading.Thread(target=work, args=(f"worker {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(delivery.id for delivery in queued), sorted(claimed)


@pytest.mark.postgresql
@pytest.mark.commits
def test_concurrent_workers_never_claim_the_same_delivery(app):
    """FOR UPDATE SKIP LOCKED on PostgreSQL. (The SQLite test database is one connection in
    memory shared by every thread: the next test runs SQLite on a file instead.)"""
    queued, claimed = _claimed_by_concurrent_workers(app)
    assert claimed == queued  # each once, none twice


@pytest.mark.one_backend
@pytest.mark.commits
@pytest.mark.config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{SQLITE_FILE}")
def test_concurrent_workers_on_a_sqlite_file(app):
    """One UPDATE per claim, which takes the database's write lock."""
    queued, claimed = _claimed_by_concurrent_workers(app)
    assert claimed == queued
