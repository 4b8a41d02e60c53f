"""make bench-outbox: what events cost a write request, and how fast one worker delivers.

1. The added cost of recording an event: `POST /api/v1/customers` in process (median of
   300), with customers publishing no events (webhooks off), publishing events with no
   endpoint, and with one endpoint subscribed (an outbox row per request too); quoted as
   ratios to the first.
2. Events delivered per second by one worker (`WORKER_THREADS` threads) to a receiver on
   127.0.0.1 that answers 204 at once: 2,000 events queued, then `run_once`.
On PostgreSQL (BENCH_DATABASE_URL's server, database tiergate_bench_outbox).
"""
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT = ("00000000-0000-4000-8000-0000000b0b01", "outbox-bench-secret-0123456789")
EVENTS = 2_000


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def median_ms(client, headers, rounds: int = 300) -> float:
    samples = []
    for n in range(rounds + 30):
        started = time.perf_counter()
        response = client.post("/api/v1/customers", json={"account": f"C{n}"}, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
        if n >= 30:
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def write_cost(app, client, headers, receiver_url: str) -> dict:
    from app import events
    from app.models import Customer

    published = events.PUBLISHED.pop(Customer)
    results = {"webhooks off (no event)": median_ms(client, headers)}
    events.PUBLISHED[Customer] = published
    results["event recorded, no endpoint"] = median_ms(client, headers)
    client.post("/api/v1/webhooks", json={"url": receiver_url, "events": ["customer.created"]},
                headers=headers)
    results["event and one outbox row"] = median_ms(client, headers)
    return results


def delivery_rate(app) -> tuple[float, int]:
    from sqlalchemy import delete, insert, select

    from app.delivery.worker import Worker
    from app.extensions import db
    from app.models import Event, Organisation, WebhookDelivery, WebhookEndpoint

    with app.app_context():
        db.session.execute(delete(WebhookDelivery))
        organisation = db.session.scalar(select(Organisation.id))
        endpoint = db.session.scalar(select(WebhookEndpoint.id))
        ids = db.session.scalars(insert(Event).returning(Event.id), [
            {"organisation_id": organisation, "type": "customer.created", "data": {"n": n}}
            for n in range(EVENTS)]).all()
        db.session.execute(insert(WebhookDelivery), [
            {"event_id": event_id, "endpoint_id": endpoint} for event_id in ids])
        db.session.commit()
        worker = Worker()
        started = time.perf_counter()
        made = worker.run_once()
        elapsed = time.perf_counter() - started
        return made / elapsed, worker.threads


def main() -> None:
    from bench.run import ensure_database

    base = os.environ.get("BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/tiergate_bench")
    url = f"{base.rsplit('/', 1)[0]}/tiergate_bench_outbox"
    ensure_database(url)
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="tiergate-outbox-"))
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver_url = f"http://127.0.0.1:{server.server_port}/hook"

    from app.bootstrap import bootstrap
    from app.extensions import db
    from app.factory import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATE_LIMIT": "1000000000 per hour",
                      "WEBHOOK_ALLOWED_HOSTS": ["127.0.0.1"]})
    with app.app_context():
        db.drop_all()
        db.create_all()
        bootstrap(*CLIENT)
    client = app.test_client()
    token = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                        auth=CLIENT).json["access_token"]
    costs = write_cost(app, client, {"Authorization": f"Bearer {token}"}, receiver_url)
    rate, threads = delivery_rate(app)
    server.shutdown()

    off = costs["webhooks off (no event)"]
    print(f"\nPOST /api/v1/customers, in process, median of 300, {os.cpu_count()} cores\n")
    print("| request | ms | ratio to webhooks off |")
    print("| --- | ---: | ---: |")
    for name, ms in costs.items():
        print(f"| {name} | {ms:.2f} | {ms / off:.2f} |")
    print(f"\none worker, {threads} threads, {EVENTS:,} events to a local receiver: "
          f"{rate:,.0f} deliveries/s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
