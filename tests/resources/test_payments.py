"""Payments: applied to the invoice in the same transaction, never overpaying it."""
import pytest

from tests.resources.helpers import make_invoice, pay


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def test_overpayment_is_409_and_changes_nothing(client, headers):
    invoice = make_invoice(client, headers, items=[{"description": "x", "qty": "1", "amount": "10"}])
    response = pay(client, headers, invoice["id"], "10.01")
    assert response.status_code == 409
    assert response.json["code"] == "overpayment"
    assert "exceeds the balance of 10.00" in response.json["detail"]
    after = client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json
    assert after["amount_paid"] == "0.00"
    assert client.get("/api/v1/payments", headers=headers).json["meta"]["total_records"] == 0


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00", "1.001", 0, -5, 1.001, "five", True])
def test_amount_validation(client, headers, amount):
    invoice = make_invoice(client, headers)
    response = pay(client, headers, invoice["id"], amount)
    assert response.status_code == 422
    assert "amount" in response.json["errors"]


def test_method_must_be_known(client, headers):
    invoice = make_invoice(client, headers)
    assert pay(client, headers, invoice["id"], "1.00", method="gold").status_code == 422


def test_unknown_invoice_is_refused_on_its_field(client, headers):
    response = pay(client, headers, 99999, "1.00")
    assert response.status_code == 422
    assert response.json["errors"] == {"invoice_id": "Invoice 99999 was not found."}


def test_list_filters(client, headers):
    a = make_invoice(client, headers)
    b = make_invoice(client, headers)
    pay(client, headers, a["id"], "10.00", date="2026-01-05")
    pay(client, headers, b["id"], "20.00", date="2026-02-05")

    def amounts(**query):
        response = client.get("/api/v1/payments", query_string=query, headers=headers)
        return [p["amount"] for p in response.json["data"]]

    assert amounts(invoice_id=a["id"]) == ["10.00"]
    assert amounts(date_from="2026-02-01") == ["20.00"]
    assert amounts(date_to="2026-01-31") == ["10.00"]
