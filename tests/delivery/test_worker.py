"""The worker as a process (`tiergate worker`), and claims shared by concurrent workers."""
import signal
import subprocess
import threading
import time
from datetime import timedelta

import pytest

from app.bootstrap import create_organisation
from app.delivery import claims
from app.extensions import db
from app.models import Event, WebhookDelivery, WebhookEndpoint
from app.models.base import utcnow
from tests import live


def test_the_worker_runs_once_and_stops_gracefully_on_sigterm(tmp_path):
    env = live.environment(tmp_path)
    assert live.tiergate(env, "setup").returncode == 0
    once = live.tiergate(env, "worker", "--once")
    assert (once.returncode, once.stdout.strip()) == (0, "made 0 delivery attempts")

    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen([str(live.BIN / "tiergate"), "worker"], env=env, cwd=live.ROOT,
                                  stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while "started" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    assert "stopped" in log_path.read_text()


@pytest.mark.commits
def test_concurrent_workers_never_claim_the_same_delivery(app):
    """FOR UPDATE SKIP LOCKED on PostgreSQL. (The SQLite test database is one connection in
    memory shared by every thread, so threads there cannot hold transactions of their own;
    on a SQLite file the claim is one UPDATE, which takes the database's write lock.)"""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("needs connections of their own: PostgreSQL")
    organisation = create_organisation("O")
    endpoint = WebhookEndpoint(organisation_id=organisation.id, url="https://example.com/in",
                               events=["*"], secret="whsec_" + "A" * 44)
    db.session.add(endpoint)
    db.session.flush()
    for _ in range(40):
        event = Event(organisation_id=organisation.id, type="customer.created", data={})
        db.session.add(event)
        db.session.flush()
        db.session.add(WebhookDelivery(event_id=event.id, endpoint_id=endpoint.id))
    db.session.commit()

    claimed, start = {}, threading.Barrier(4)

    def work(name):
        with app.app_context():
            start.wait()
            mine = []
            while batch := claims.claim(WebhookDelivery, name, utcnow(), timedelta(minutes=1), 3):
                mine += batch
            claimed[name] = mine
            db.session.remove()

    threads = [threading.Thread(target=work, args=(f"worker {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    everything = [row_id for ids in claimed.values() for row_id in ids]
    assert sorted(everything) == list(range(1, 41))  # each once, none twice
