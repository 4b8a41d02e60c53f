"""Invoice emails: queued by the request, sent by the worker to a real SMTP server (aiosmtpd)."""
import email
import email.policy
import io
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from app.extensions import db
from app.models import InvoiceEmail
from tests.resources.helpers import make_customer, make_invoice


class Mailbox:
    """An SMTP server's handler: answers the queued refusals first, then accepts."""

    def __init__(self):
        self.messages, self.refusals = [], []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.refusals:
            return self.refusals.pop(0)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    yield box
    controller.stop()


@pytest.fixture
def invoice(client, headers):
    customer = make_customer(client, headers, email="jane@example.com")
    return make_invoice(client, headers, customer_id=customer["id"])


def _send(client, headers, invoice, **body):
    return client.post(f"/api/v1/invoices/{invoice['id']}/send", json=body, headers=headers)


def test_the_mail_server_receives_the_invoice_pdf(client, headers, invoice, mailbox, deliver):
    queued = _send(client, headers, invoice, cc=["boss@example.com"], message="Thanks!")
    assert queued.status_code == 202, queued.json
    assert (queued.json["status"], queued.json["to"], queued.json["sent_at"]) == (
        "queued", ["jane@example.com"], None)
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json["sent_at"] is None
    assert deliver() == 1
    [message] = mailbox.messages
    assert (message["To"], message["Cc"]) == ("jane@example.com", "boss@example.com")
    assert invoice["invoice_number"] in message["Subject"]
    body, attachment = list(message.iter_parts())
    assert body.get_content().strip() == "Thanks!"
    assert attachment.get_filename() == f"{invoice['invoice_number']}.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_payload(decode=True)))
    assert invoice["invoice_number"] in pdf.pages[0].extract_text()

    [sent] = client.get(f"/api/v1/invoices/{invoice['id']}/emails", headers=headers).json["data"]
    assert (sent["status"], sent["attempts"]) == ("sent", 1)
    assert sent["message_id"] == message["Message-ID"].strip()
    assert sent["sent_at"] is not None
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json["sent_at"]
    events = client.get("/api/v1/events?type=invoice.sent", headers=headers).json["data"]
    assert [e["data"]["id"] for e in events] == [invoice["id"]]


def test_a_temporary_refusal_is_retried(client, headers, invoice, mailbox, deliver):
    mailbox.refusals.append("451 Try again later")
    _send(client, headers, invoice)
    deliver()
    [queued] = client.get(f"/api/v1/invoices/{invoice['id']}/emails", headers=headers).json["data"]
    assert (queued["status"], queued["attempts"], queued["last_error"]) == (
        "queued", 1, "451 Try again later")
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json["sent_at"] is None
    assert deliver() == 0  # not due yet
    assert deliver(after=timedelta(minutes=2)) == 1
    [sent] = client.get(f"/api/v1/invoices/{invoice['id']}/emails", headers=headers).json["data"]
    assert (sent["status"], sent["attempts"]) == ("sent", 2)
    assert len(mailbox.messages) == 1


def test_a_permanent_refusal_fails_and_says_so(client, headers, invoice, mailbox, deliver):
    mailbox.refusals.append("550 No such user here")
    _send(client, headers, invoice)
    deliver()
    [failed] = client.get(f"/api/v1/invoices/{invoice['id']}/emails", headers=headers).json["data"]
    assert (failed["status"], failed["last_error"], failed["sent_at"]) == (
        "failed", "550 No such user here", None)
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json["sent_at"] is None
    events = client.get("/api/v1/events?type=email.failed", headers=headers).json["data"]
    assert [e["data"]["id"] for e in events] == [failed["id"]]
    assert deliver(after=timedelta(days=1)) == 0


def test_an_unreachable_mail_server_is_retried(client, headers, invoice, app, deliver):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{_free_port()}"
    _send(client, headers, invoice)
    deliver()
    [queued] = client.get(f"/api/v1/invoices/{invoice['id']}/emails", headers=headers).json["data"]
    assert queued["status"] == "queued" and queued["last_error"].startswith("ConnectionRefusedError")


def test_without_smtp_mails_are_written_to_the_outbox_folder(
        client, headers, invoice, app, deliver, tmp_path):
    app.config["SMTP_URL"] = None
    instance, app.instance_path = app.instance_path, str(tmp_path)
    try:
        _send(client, headers, invoice, to=["ap@example.com"])
        deliver()
    finally:
        app.instance_path = instance
    [written] = (tmp_path / "outbox").glob("*.eml")
    assert email.message_from_bytes(written.read_bytes())["To"] == "ap@example.com"


@pytest.mark.parametrize("status", ["Draft", "Void"])
def test_draft_and_void_invoices_cannot_be_sent(client, headers, status):
    customer = make_customer(client, headers, email="jane@example.com")
    invoice = make_invoice(client, headers, customer_id=customer["id"], status="Draft")
    if status == "Void":
        client.put(f"/api/v1/invoices/{invoice['id']}", json={"status": "Void"}, headers=headers)
    assert _send(client, headers, invoice).status_code == 409
    assert db.session.scalar(db.select(db.func.count()).select_from(InvoiceEmail)) == 0


def test_a_double_click_sends_once(client, headers, invoice):
    key = {**headers, "Idempotency-Key": "send-once"}
    first = client.post(f"/api/v1/invoices/{invoice['id']}/send", json={}, headers=key)
    second = client.post(f"/api/v1/invoices/{invoice['id']}/send", json={}, headers=key)
    assert (first.status_code, second.status_code) == (202, 202)
    assert second.headers["Idempotent-Replayed"] == "true" and second.json == first.json
    emails = client.get(f"/api/v1/invoices/{invoice['id']}/emails", headers=headers).json
    assert emails["meta"]["total_records"] == 1


def test_a_customer_without_an_address_needs_to(client, headers):
    invoice = make_invoice(client, headers)
    refused = _send(client, headers, invoice)
    assert refused.status_code == 422 and "to" in refused.json["errors"]
    assert _send(client, headers, invoice, to=["ap@example.com"]).status_code == 202


def test_an_action_sends_alone(client, headers, invoice):
    refused = client.patch(f"/api/v1/invoices/{invoice['id']}", json={
        "action": "send", "notes": "x"}, headers=headers)
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"notes"}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_email_fields_without_the_action_are_refused_by_name(client, headers, invoice, method):
    refused = client.open(f"/api/v1/invoices/{invoice['id']}", method=method, json={
        "to": ["jane@example.com"], "notes": "x"}, headers=headers)
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"] == {"to": 'Only with "action": "send".'}
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json["notes"] != "x"
