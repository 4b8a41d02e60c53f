"""A sandbox tree's webhooks and emails reach the configured sinks only, or files under
instance/sandbox/ without one. Its registered webhook URL and its customers' mail server
are names that do not resolve, and name resolution is watched: nothing is ever looked up
(let alone sent) for them."""
import email
import email.policy
import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook

from app import sandbox
from app.extensions import db
from app.models.event import DELIVERED, SENT, InvoiceEmail
from tests.delivery.conftest import deliveries
from tests.delivery.test_invoice_email import Mailbox, _free_port
from tests.resources.helpers import make_customer, make_invoice
from tests.test_sandbox import token_of

REGISTERED = "https://hooks.sandbox-customer.invalid/hook"
CUSTOMER_SMTP = "smtp://mail.sandbox-customer.invalid:25"
NOT_TO_RESOLVE = {"hooks.sandbox-customer.invalid", "mail.sandbox-customer.invalid"}


@pytest.fixture
def lookups(monkeypatch):
    """The host names resolved meanwhile; the sandbox's own names never resolve."""
    asked, real = [], socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        asked.append(host)
        if host in NOT_TO_RESOLVE:
            raise socket.gaierror(socket.EAI_NONAME, "stubbed: not resolved")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked
    assert not NOT_TO_RESOLVE & set(asked)


@pytest.fixture
def sandboxed(client):
    """Headers of the sandbox tree's API client."""
    _root, credentials = sandbox.create()
    return token_of(client, credentials.client_id, credentials.client_secret)


def _sandbox_endpoint(client, sandboxed) -> dict:
    endpoint = client.post("/api/v1/webhooks", json={"url": REGISTERED, "events": ["*"]},
                           headers=sandboxed)
    assert endpoint.status_code == 201, endpoint.json
    return endpoint.json


def test_sandbox_webhooks_go_to_the_sink_and_others_where_registered(
        app, client, headers, sandboxed, make_endpoint, httpserver, deliver, lookups):
    httpserver.expect_request("/sink").respond_with_data("caught")
    httpserver.expect_request("/hook").respond_with_data("ok")
    app.config["SANDBOX_WEBHOOK_SINK_URL"] = httpserver.url_for("/sink")
    endpoint = _sandbox_endpoint(client, sandboxed)
    make_endpoint()  # production, on 127.0.0.1/hook
    client.post("/api/v1/customers", json={"account": "Sandbox Jane"}, headers=sandboxed)
    client.post("/api/v1/customers", json={"account": "Real Jane"}, headers=headers)

    assert deliver() == 2
    by_path = {request.path: request for request, _ in httpserver.log}
    assert set(by_path) == {"/sink", "/hook"}
    sunk = by_path["/sink"]
    assert sunk.headers["x-tiergate-sandbox-target"] == REGISTERED
    assert Webhook(endpoint["secret"]).verify(sunk.get_data(), dict(sunk.headers))["data"][
        "account"] == "Sandbox Jane"
    assert json.loads(by_path["/hook"].get_data())["data"]["account"] == "Real Jane"
    assert "x-tiergate-sandbox-target" not in by_path["/hook"].headers
    assert [d.status for d in deliveries()] == [DELIVERED, DELIVERED]
    attempts = client.get(f"/api/v1/webhooks/{endpoint['id']}/attempts", headers=sandboxed).json
    assert [(a["status_code"], a["response_body"]) for a in attempts["data"]] == [(200, "caught")]
    assert client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=sandboxed).json["url"] == REGISTERED


def test_without_a_sink_sandbox_webhooks_are_written_under_instance(
        app, client, sandboxed, deliver, lookups):
    endpoint = _sandbox_endpoint(client, sandboxed)
    client.post("/api/v1/customers", json={"account": "Sandbox Jane"}, headers=sandboxed)
    assert deliver() == 1
    [delivery] = deliveries()
    assert delivery.status == DELIVERED
    written = Path(app.instance_path) / "sandbox" / "webhooks" / f"webhook-delivery-{delivery.id}.json"
    request = json.loads(written.read_text())
    assert request["url"] == REGISTERED
    assert Webhook(endpoint["secret"]).verify(request["body"], request["headers"])["data"][
        "account"] == "Sandbox Jane"
    attempts = client.get(f"/api/v1/webhooks/{endpoint['id']}/attempts", headers=sandboxed).json
    assert attempts["data"][0]["status_code"] == 202
    assert str(written) in attempts["data"][0]["response_body"]


def _sandbox_invoice_sent(client, sandboxed) -> dict:
    customer = make_customer(client, sandboxed, email="jane@sandbox-customer.invalid")
    invoice = make_invoice(client, sandboxed, customer_id=customer["id"])
    queued = client.post(f"/api/v1/invoices/{invoice['id']}/send", json={}, headers=sandboxed)
    assert queued.status_code == 202, queued.json
    return invoice


@pytest.fixture
def sink_mailbox(app):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(SANDBOX_EMAIL_SINK=f"smtp://127.0.0.1:{controller.port}", SMTP_URL=CUSTOMER_SMTP)
    yield box
    controller.stop()


def test_sandbox_emails_go_to_the_smtp_sink_only(client, sandboxed, sink_mailbox, deliver, lookups):
    invoice = _sandbox_invoice_sent(client, sandboxed)
    assert deliver() == 1
    [message] = sink_mailbox.messages
    assert message["To"] == "jane@sandbox-customer.invalid"
    assert invoice["invoice_number"] in message["Subject"]
    [sent] = _emails()
    assert (sent.status, sent.to) == (SENT, ["jane@sandbox-customer.invalid"])


@pytest.mark.parametrize("sink", [None, "directory"])
def test_sandbox_emails_are_files_without_an_smtp_sink(
        app, client, sandboxed, deliver, lookups, tmp_path, sink):
    app.config.update(SMTP_URL=CUSTOMER_SMTP,
                      SANDBOX_EMAIL_SINK=str(tmp_path) if sink else None)
    invoice = _sandbox_invoice_sent(client, sandboxed)
    assert deliver() == 1
    [sent] = _emails()
    assert sent.status == SENT
    folder = tmp_path if sink else Path(app.instance_path) / "sandbox" / "outbox"
    written = (folder / f"invoice-email-{sent.id}.eml").read_bytes()
    message = email.message_from_bytes(written, policy=email.policy.default)
    assert message["To"] == "jane@sandbox-customer.invalid"
    assert invoice["invoice_number"] in message["Subject"]


def _emails():
    db.session.expire_all()
    return db.session.scalars(db.select(InvoiceEmail).order_by(InvoiceEmail.id)).all()
