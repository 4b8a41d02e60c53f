"""Webhook deliveries by the worker to a real local receiver (pytest-httpserver)."""
import json
import socket
import threading
import time
from datetime import timedelta
from email.utils import format_datetime

import pytest
from standardwebhooks.webhooks import Webhook
from werkzeug import Response

from app.delivery import claims
from app.delivery import http as delivery_http
from app.extensions import db
from app.models.base import utcnow
from app.models.event import DELIVERED, FAILED, PENDING, WebhookDelivery, WebhookEndpoint
from tests.delivery.conftest import deliveries


def received(httpserver):
    return [request for request, _ in httpserver.log]


def verified(secret, request):
    return Webhook(secret).verify(request.get_data(), dict(request.headers))


def test_a_change_is_delivered_signed_as_standard_webhooks_say(
        client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("thanks")
    endpoint = make_endpoint(events=["customer.created"])
    customer = client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    client.put(f"/api/v1/customers/{customer.json['id']}", json={"account": "J"}, headers=headers)

    assert deliver() == 1  # customer.updated is not subscribed
    [request] = received(httpserver)
    payload = verified(endpoint["secret"], request)
    assert payload["type"] == "customer.created"
    assert payload["data"] == customer.json
    event = client.get(f"/api/v1/events/{request.headers['webhook-id']}", headers=headers).json
    assert event["type"] == "customer.created"
    assert event["request_id"] == customer.headers["X-Request-Id"]
    assert [d.status for d in deliveries()] == [DELIVERED]
    attempts = client.get(f"/api/v1/webhooks/{endpoint['id']}/attempts", headers=headers).json
    assert [(a["status_code"], a["response_body"], a["event_id"]) for a in attempts["data"]] == [
        (200, "thanks", event["id"])]
    assert deliver() == 0


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(
        client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_request("/hook").respond_with_data("")
    endpoint = make_endpoint()
    rotated = client.post(f"/api/v1/webhooks/{endpoint['id']}/secret", headers=headers)
    assert rotated.status_code == 200 and rotated.json["secret"] != endpoint["secret"]
    assert "secret" not in client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=headers).json
    stored = db.session.get(WebhookEndpoint, endpoint["id"])
    assert rotated.json["secret"] not in stored.sealed_secret  # encrypted at rest
    assert endpoint["secret"] not in stored.previous_sealed_secret
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    deliver()
    [request] = received(httpserver)
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    verified(endpoint["secret"], request)
    verified(rotated.json["secret"], request)

    db.session.get(WebhookEndpoint, endpoint["id"]).previous_secret_expires_at = utcnow()
    db.session.commit()
    client.post("/api/v1/customers", json={"account": "Joe"}, headers=headers)
    deliver()
    assert len(received(httpserver)[1].headers["webhook-signature"].split(" ")) == 1


def test_failures_are_retried_with_the_same_id_then_delivered(
        client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_oneshot_request("/hook").respond_with_data("down", status=500)
    httpserver.expect_request("/hook").respond_with_data("ok")
    endpoint = make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    before = utcnow()
    assert deliver() == 1
    [delivery] = deliveries()
    assert delivery.status == PENDING and delivery.attempts == 1
    assert timedelta(seconds=3) < delivery.next_attempt_at - before < timedelta(seconds=7)
    assert deliver() == 0  # not due yet
    assert deliver(after=timedelta(seconds=10)) == 1
    assert deliveries()[0].status == DELIVERED
    first, second = received(httpserver)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    attempts = client.get(f"/api/v1/webhooks/{endpoint['id']}/attempts", headers=headers).json["data"]
    assert [a["status_code"] for a in attempts] == [200, 500]  # newest first


@pytest.mark.parametrize("retry_after", ["3600", "in two hours"])
def test_retry_after_is_honoured_when_longer(
        client, headers, make_endpoint, httpserver, deliver, retry_after):
    if retry_after == "in two hours":
        retry_after = format_datetime(utcnow() + timedelta(hours=2), usegmt=True)
    httpserver.expect_request("/hook").respond_with_data("", status=429, headers={
        "Retry-After": retry_after})
    make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    before = utcnow()
    deliver()
    assert deliveries()[0].next_attempt_at - before >= timedelta(seconds=3590)


def test_gone_disables_the_endpoint_and_says_so(client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_request("/hook").respond_with_data("", status=410)
    endpoint = make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    deliver()
    shown = client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=headers).json
    assert (shown["enabled"], shown["disabled_reason"]) == (False, "The receiver answered 410 Gone.")
    assert deliveries()[0].status == FAILED
    disabled = client.get("/api/v1/events?type=webhook_endpoint.disabled", headers=headers).json
    assert [e["data"]["id"] for e in disabled["data"]] == [endpoint["id"]]
    failed = client.get("/api/v1/events?delivery_failed=true", headers=headers).json["data"]
    assert [e["type"] for e in failed] == ["customer.created"]
    client.post("/api/v1/customers", json={"account": "Joe"}, headers=headers)
    assert len(deliveries()) == 1  # a disabled endpoint gets nothing new


def test_an_endpoint_failing_for_five_days_is_disabled(
        client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_request("/hook").respond_with_data("", status=503)
    endpoint = make_endpoint()
    db.session.get(WebhookEndpoint, endpoint["id"]).failing_since = utcnow() - timedelta(days=5)
    db.session.commit()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    deliver()
    assert client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=headers).json["enabled"] is False


def test_the_schedule_ends_in_failure(client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_request("/hook").respond_with_data("", status=500)
    make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    for hours in range(0, 96, 12):  # 12 h apart, longer than any delay (10 h + 20 %)
        assert deliver(after=timedelta(hours=hours)) == 1
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == (FAILED, 8)  # the first and 7 retries
    assert deliver(after=timedelta(days=4)) == 0


def test_a_slow_receiver_times_out(client, headers, make_endpoint, httpserver, deliver):
    answered = threading.Event()

    def late(request):
        time.sleep(1)
        answered.set()
        return Response("late")

    httpserver.expect_request("/hook").respond_with_handler(late)
    endpoint = make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    deliver()
    [attempt] = client.get(f"/api/v1/webhooks/{endpoint['id']}/attempts", headers=headers).json["data"]
    assert (attempt["status_code"], attempt["error"]) == (None, "timed out after 0.5 s")
    assert deliveries()[0].status == PENDING
    answered.wait(5)  # before the server's log is cleared for the next test


def test_a_receiver_that_is_down_is_retried(client, headers, receiving, deliver):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    endpoint = client.post("/api/v1/webhooks", json={
        "url": f"http://127.0.0.1:{port}/hook", "events": ["*"]}, headers=headers).json
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    deliver()
    [attempt] = client.get(f"/api/v1/webhooks/{endpoint['id']}/attempts", headers=headers).json["data"]
    assert attempt["status_code"] is None and attempt["error"].startswith("ConnectError")
    assert deliveries()[0].status == PENDING


def test_redirects_are_not_followed(client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_request("/hook").respond_with_data("", status=302, headers={
        "Location": httpserver.url_for("/elsewhere")})
    make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    deliver()
    assert [r.path for r in received(httpserver)] == ["/hook"]
    assert deliveries()[0].status == PENDING


def test_a_worker_that_died_after_claiming_loses_nothing(
        client, headers, make_endpoint, httpserver, deliver, app):
    httpserver.expect_request("/hook").respond_with_data("")
    make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    lease = timedelta(seconds=app.config["WORKER_LEASE_SECONDS"])
    assert claims.claim(WebhookDelivery, "a worker that dies now", utcnow(), lease, 10)
    assert deliver() == 0  # leased to the dead worker
    assert deliver(after=lease + timedelta(seconds=1)) == 1
    assert deliveries()[0].status == DELIVERED and len(received(httpserver)) == 1


def test_a_rolled_back_change_delivers_nothing(client, headers, make_endpoint, httpserver, deliver):
    make_endpoint()
    invoice_without_customer = {"customer_id": 999, "date": "2026-01-15", "due_date": "2026-02-15",
                                "items": [{"description": "Work", "qty": "1", "amount": "10.00"}]}
    assert client.post("/api/v1/invoices", json=invoice_without_customer,
                       headers=headers).status_code == 422
    assert deliveries() == [] and deliver() == 0


def test_descendants_events_reach_an_endpoint_that_includes_them(
        client, headers, make_endpoint, tree, deliver, httpserver):
    httpserver.expect_request("/hook").respond_with_data("")
    own_only = make_endpoint()
    with_descendants = make_endpoint(path="/hook", include_descendants=True)
    client.post("/api/v1/customers", json={"account": "Jane", "organisation": tree.D.id},
                headers=headers)
    assert [d.endpoint_id for d in deliveries()] == [with_descendants["id"]]
    assert own_only["id"] != with_descendants["id"]


def test_redeliver_and_replay_send_again(client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_request("/hook").respond_with_data("")
    endpoint = make_endpoint(events=["customer.created"])
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    client.post("/api/v1/customers", json={"account": "Joe"}, headers=headers)
    deliver()
    event_id = received(httpserver)[0].headers["webhook-id"]
    again = client.post(f"/api/v1/events/{event_id}/redeliver", headers=headers)
    assert again.status_code == 202 and again.json == {"deliveries": 1}
    replay = client.post(f"/api/v1/webhooks/{endpoint['id']}/replay", json={
        "since": "2000-01-01T00:00:00Z", "types": ["customer.created"]}, headers=headers)
    assert replay.status_code == 202 and replay.json == {"deliveries": 2}
    assert deliver() == 3
    ids = [r.headers["webhook-id"] for r in received(httpserver)]
    assert sorted(ids[2:]) == sorted([event_id, *ids[:2]])
    assert client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=headers).status_code == 204
    assert deliveries() == []  # with its attempts


class NoConnection:
    def __init__(self, *args, **kwargs):
        raise AssertionError("the guard let a connection through")


@pytest.mark.parametrize("address", ["10.0.0.7", "169.254.169.254", "127.0.0.1", "::1",
                                     "fd00:ec2::254", "100.64.0.1", "::ffff:192.168.1.1"])
def test_private_addresses_are_refused_before_any_connection(
        client, headers, receiving, deliver, monkeypatch, address):
    """The host resolves (stubbed) to a private address: nothing is sent anywhere."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(delivery_http.socket, "getaddrinfo", lambda host, port, **kw: [
        (family, socket.SOCK_STREAM, 6, "", (address, port))])
    monkeypatch.setattr(delivery_http.httpx, "Client", NoConnection)
    endpoint = client.post("/api/v1/webhooks", json={
        "url": "https://hooks.example.com/in", "events": ["*"]}, headers=headers).json
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    deliver()
    [attempt] = client.get(f"/api/v1/webhooks/{endpoint['id']}/attempts", headers=headers).json["data"]
    assert attempt["error"] == (f"refused: hooks.example.com resolves to {address}, "
                                "which is not a public address")


def test_a_public_address_is_connected_to_as_resolved(monkeypatch):
    """The connection goes to the checked address, the URL's host in Host and TLS."""
    monkeypatch.setattr(delivery_http.socket, "getaddrinfo", lambda host, port, **kw: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))])
    assert delivery_http.checked_address("hooks.example.com", 443, []) == "93.184.215.14"


def test_plain_http_only_to_allowed_hosts(client, headers, app):
    refused = client.post("/api/v1/webhooks", json={
        "url": "http://hooks.example.com/in", "events": ["*"]}, headers=headers)
    assert refused.status_code == 422 and "url" in refused.json["errors"]
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["hooks.example.com"]
    assert client.post("/api/v1/webhooks", json={
        "url": "http://hooks.example.com/in", "events": ["*"]}, headers=headers).status_code == 201


def test_the_body_is_type_timestamp_and_data(client, headers, make_endpoint, httpserver, deliver):
    httpserver.expect_request("/hook").respond_with_data("")
    make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    deliver()
    body = json.loads(received(httpserver)[0].get_data())
    assert set(body) == {"type", "timestamp", "data"}


def test_a_secret_sealed_with_another_key_is_an_attempt_that_says_so(
        client, headers, make_endpoint, httpserver, deliver, app):
    endpoint = make_endpoint()
    client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    app.config["SECRET_KEY"] = "another key"
    deliver()
    [attempt] = client.get(f"/api/v1/webhooks/{endpoint['id']}/attempts", headers=headers).json["data"]
    assert attempt["error"].startswith("The signing secret cannot be decrypted")
    assert received(httpserver) == []
