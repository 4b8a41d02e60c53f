"""Quotes: the lines and totals of invoices, gap-free numbers, the transition table, the
conversion to one invoice, the PDF. (Concurrent conversion: tests/test_money_concurrency.py.)"""
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import Quote
from app.services.quoting import TRANSITIONS
from tests.resources.helpers import make_customer, make_invoice, make_quote

ITEMS = [
    {"description": "Hosting", "amount": "99.99", "qty": "3", "tax_rate": "10"},
    {"description": "Tenth", "amount": "0.1", "qty": "3"},
    {"description": "Half cent", "amount": "0.01", "qty": "0.5", "tax_rate": "20"},
]
TOTALS = ("subtotal", "tax", "total")


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def test_lines_and_totals_are_those_of_invoices(client, headers):
    quote = make_quote(client, headers, items=ITEMS)
    invoice = make_invoice(client, headers, items=ITEMS)
    assert quote["items"] == invoice["items"]
    assert [quote[key] for key in TOTALS] == [invoice[key] for key in TOTALS] == [
        "300.28", "30.00", "330.28"]


def test_numbers_are_gap_free_per_organisation_and_year(client, tree, headers):
    first = make_quote(client, headers)
    failed = client.post("/api/v1/quotes", json={
        "customer_id": first["customer_id"], "valid_until": "2099-01-01",
        "items": [{"description": "x", "qty": "1", "amount": "1.00", "product_id": 999}]},
        headers=headers)
    assert failed.status_code == 422
    assert list(failed.json["errors"]) == ["items.0.product_id"]
    numbers = [first["quote_number"]] + [make_quote(client, headers)["quote_number"]
                                         for _ in range(2)]
    assert numbers == ["QUO-2026-0001", "QUO-2026-0002", "QUO-2026-0003"]
    assert make_quote(client, headers, date="2027-03-01")["quote_number"] == "QUO-2027-0001"
    customer = make_customer(client, headers, organisation=tree.D.id)
    other = make_quote(client, headers, customer_id=customer["id"], organisation=tree.D.id)
    assert other["quote_number"] == "QUO-2026-0001"


def test_date_defaults_to_today_and_valid_until_not_before_it(client, headers):
    customer = make_customer(client, headers)
    quote = client.post("/api/v1/quotes", json={
        "customer_id": customer["id"], "valid_until": "2099-01-01",
        "items": [{"description": "x", "qty": "1", "amount": "1"}]}, headers=headers).json
    assert (quote["date"], quote["status"], quote["invoice_id"]) == (
        date.today().isoformat(), "Draft", None)
    refused = client.post("/api/v1/quotes", json={
        "customer_id": customer["id"], "date": "2026-02-01", "valid_until": "2026-01-01",
        "items": [{"description": "x", "qty": "1", "amount": "1"}]}, headers=headers)
    assert refused.status_code == 422
    assert refused.json["errors"] == {"valid_until": "Must not be before the quote date."}
    moved = client.patch(f"/api/v1/quotes/{quote['id']}", json={"valid_until": "2020-01-01"},
                         headers=headers)
    assert moved.status_code == 422
    assert list(moved.json["errors"]) == ["valid_until"]


def test_a_customer_of_another_organisation_is_refused(client, tree, headers):
    customer = make_customer(client, headers, organisation=tree.D.id)
    response = client.post("/api/v1/quotes", json={
        "customer_id": customer["id"], "valid_until": "2099-01-01",
        "items": [{"description": "x", "qty": "1", "amount": "1"}]}, headers=headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["customer_id"]


def _quote_in(client, headers, status: str) -> dict:
    """A quote showing ``status`` (Expired: a Sent one past valid_until)."""
    quote = make_quote(client, headers)
    if status == "Converted":
        assert client.post(f"/api/v1/quotes/{quote['id']}/convert", json={},
                           headers=headers).status_code == 201
    else:
        record = db.session.get(Quote, quote["id"])
        record.status = "Sent" if status == "Expired" else status
        if status == "Expired":
            record.valid_until = date.today() - timedelta(days=1)
        db.session.commit()
    shown = client.get(f"/api/v1/quotes/{quote['id']}", headers=headers).json
    assert shown["status"] == status
    return shown


@pytest.mark.parametrize("target", list(TRANSITIONS.moves))
@pytest.mark.parametrize("start", list(TRANSITIONS.moves))
def test_every_move_follows_the_transition_table(client, headers, start, target):
    quote = _quote_in(client, headers, start)
    response = client.patch(f"/api/v1/quotes/{quote['id']}", json={"status": target},
                            headers=headers)
    if target == start or target in TRANSITIONS.moves[start]:
        assert response.status_code == 200, response.json
        assert response.json["status"] == target
    else:
        assert response.status_code == 409, response.json
        assert response.json["code"] == "invalid_transition"
        assert response.json["allowed"] == list(TRANSITIONS.moves[start])
        assert client.get(f"/api/v1/quotes/{quote['id']}", headers=headers).json["status"] == start


def test_moving_valid_until_revives_an_expired_quote(client, headers):
    quote = _quote_in(client, headers, "Expired")
    response = client.put(f"/api/v1/quotes/{quote['id']}",
                          json={"valid_until": "2099-12-31", "status": "Accepted"}, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "Accepted"


@pytest.mark.parametrize("status", ["Accepted", "Rejected", "Converted"])
def test_only_draft_and_sent_quotes_change_their_lines(client, headers, status):
    quote = _quote_in(client, headers, status)
    url = f"/api/v1/quotes/{quote['id']}"
    refused = client.put(url, json={"items": ITEMS}, headers=headers)
    assert refused.status_code == 409
    assert client.put(url, json={"notes": "Still a note"}, headers=headers).status_code == 200
    assert client.put(url, json=quote, headers=headers).status_code == 200  # as GET showed it


def test_a_draft_quote_changes_its_lines_and_totals(client, headers):
    quote = make_quote(client, headers)
    response = client.put(f"/api/v1/quotes/{quote['id']}", json={"items": ITEMS}, headers=headers)
    assert response.status_code == 200
    assert [response.json[key] for key in TOTALS] == ["300.28", "30.00", "330.28"]


def test_convert_makes_a_draft_invoice_of_the_lines(client, headers):
    quote = make_quote(client, headers, items=ITEMS, notes="Thanks", currency="EUR")
    response = client.post(f"/api/v1/quotes/{quote['id']}/convert", json={}, headers=headers)
    assert response.status_code == 201, response.json
    invoice = response.json
    assert (invoice["status"], invoice["customer_id"], invoice["notes"], invoice["currency"]) == (
        "Draft", quote["customer_id"], "Thanks", "EUR")
    assert invoice["items"] == quote["items"]
    assert [invoice[key] for key in TOTALS] == [quote[key] for key in TOTALS]
    today = date.today()
    assert (invoice["date"], invoice["due_date"]) == (
        today.isoformat(), (today + timedelta(days=30)).isoformat())
    after = client.get(f"/api/v1/quotes/{quote['id']}", headers=headers).json
    assert (after["status"], after["invoice_id"]) == ("Converted", invoice["id"])


def test_convert_twice_is_a_409_naming_the_invoice(client, headers):
    quote = make_quote(client, headers)
    url = f"/api/v1/quotes/{quote['id']}/convert"
    first = client.post(url, json={"issue": True, "date": "2026-03-01", "due_date": "2099-04-01"},
                        headers=headers)
    assert first.status_code == 201
    assert (first.json["status"], first.json["due_date"]) == ("Unpaid", "2099-04-01")
    again = client.post(url, json={"issue": True}, headers=headers)
    assert again.status_code == 409
    assert (again.json["code"], again.json["invoice_id"]) == ("already_converted", first.json["id"])
    invoices = client.get(f"/api/v1/invoices?customer_id={quote['customer_id']}",
                          headers=headers).json
    assert invoices["meta"]["total_records"] == 1


@pytest.mark.parametrize("status,reason", [("Expired", "expired"), ("Rejected", "rejected")])
def test_expired_or_rejected_quotes_cannot_be_converted(client, headers, status, reason):
    quote = _quote_in(client, headers, status)
    response = client.post(f"/api/v1/quotes/{quote['id']}/convert", json={}, headers=headers)
    assert response.status_code == 409
    assert response.json["code"] == "not_convertible"
    assert reason in response.json["detail"]


def test_convert_needs_the_invoice_permission_and_scope(client, tree, make_caller, auth):
    """Converting makes an invoice: a user without invoices:edit, or a token without
    invoices:write, converts nothing."""
    for permissions, scope in ((["quotes:edit", "customers:edit"], None),
                               (["quotes:edit", "customers:edit", "invoices:edit"],
                                "quotes:read quotes:write customers:write")):
        headers = auth(make_caller(tree.C, permissions=permissions), scope)
        quote = make_quote(client, headers)
        response = client.post(f"/api/v1/quotes/{quote['id']}/convert", json={}, headers=headers)
        assert response.status_code == 403, response.json
        assert response.json["scope"] == "quotes:write invoices:write"
        assert client.get(f"/api/v1/quotes/{quote['id']}", headers=headers).json["invoice_id"] is None


def test_list_filters(client, headers):
    customer = make_customer(client, headers)
    kept = make_quote(client, headers, customer_id=customer["id"])
    expired = _quote_in(client, headers, "Expired")
    make_quote(client, headers)

    def ids(query):
        response = client.get(f"/api/v1/quotes?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return [quote["id"] for quote in response.json["data"]]

    assert ids(f"customer_id={customer['id']}") == [kept["id"]]
    assert ids("status=Expired") == [expired["id"]]
    assert expired["id"] in ids("status=Sent")
    assert len(ids("date_from=2026-01-15&date_to=2026-01-15")) == 3


def test_pdf(client, headers):
    quote = make_quote(client, headers, items=ITEMS)
    response = client.get(f"/api/v1/quotes/{quote['id']}/pdf", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="QUO-2026-0001.pdf"'
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Quote QUO-2026-0001" in text and "Valid until" in text and "330.28" in text
