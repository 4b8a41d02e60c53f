"""The delivery backlog in GET /metrics: due, undelivered webhook deliveries and emails."""
import re
from datetime import timedelta

from app.extensions import db
from app.models.base import utcnow
from app.models.event import WebhookEndpoint
from tests.delivery.conftest import deliveries


def backlog(client) -> dict:
    text = client.get("/metrics", headers={"Authorization": "Bearer m"}).get_data(as_text=True)
    return {(name, kind): float(value) for name, kind, value in re.findall(
        r'^(tiergate_delivery_backlog\w*)\{kind="(\w+)"\} (\S+)$', text, re.MULTILINE)}


def test_the_backlog_counts_due_deliveries_and_the_oldest_ones_age(
        app, client, headers, make_endpoint, httpserver, deliver):
    app.config["METRICS_TOKEN"] = "m"  # read per request; the test's settings are put back
    httpserver.expect_request("/hook").respond_with_data("ok")
    kinds = ("webhook_deliveries", "invoice_emails", "push_deliveries")  # every outbox
    assert backlog(client) == {(name, kind): 0 for kind in kinds for name in (
        "tiergate_delivery_backlog", "tiergate_delivery_backlog_oldest_age_seconds")}
    endpoint = make_endpoint()
    for account in ("Jane", "Joe", "Later"):
        client.post("/api/v1/customers", json={"account": account}, headers=headers)
    oldest, _, later = deliveries()
    oldest.next_attempt_at = utcnow() - timedelta(seconds=90)
    later.next_attempt_at = utcnow() + timedelta(hours=1)  # a retry not due yet
    db.session.commit()

    figures = backlog(client)
    assert figures["tiergate_delivery_backlog", "webhook_deliveries"] == 2
    assert 90 <= figures["tiergate_delivery_backlog_oldest_age_seconds", "webhook_deliveries"] < 120

    db.session.get(WebhookEndpoint, endpoint["id"]).enabled = False  # its deliveries wait
    db.session.commit()
    assert backlog(client)["tiergate_delivery_backlog", "webhook_deliveries"] == 0
    db.session.get(WebhookEndpoint, endpoint["id"]).enabled = True
    db.session.commit()
    assert deliver() == 2
    assert backlog(client)["tiergate_delivery_backlog", "webhook_deliveries"] == 0
