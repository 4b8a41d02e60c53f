"""Accounts, categories and transactions: balances that are always the opening balance
plus the transactions, voids by reversal, and the income of every payment.
(Concurrent posting: tests/test_concurrency.py.)"""
import pytest

from tests.resources.helpers import make_invoice, pay


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def post(client, headers, path, body, status=201):
    response = client.post(f"/api/v1{path}", json=body, headers=headers)
    assert response.status_code == status, response.json
    return response.json


def account(client, headers, **fields):
    return post(client, headers, "/accounts", {"name": "Bank", "type": "bank", **fields})


def category(client, headers, type_="Income", **fields):
    return post(client, headers, "/categories", {"name": type_, "type": type_, **fields})


def transaction(client, headers, account_id, amount, type_="Income", **fields):
    return post(client, headers, "/transactions", {
        "type": type_, "account_id": account_id, "amount": amount, "date": "2026-01-15",
        **fields})


def balance(client, headers, account_id):
    return client.get(f"/api/v1/accounts/{account_id}", headers=headers).json["balance"]


def test_accounts_defaults_and_one_default_account(client, headers):
    first = account(client, headers)
    assert (first["currency"], first["opening_balance"], first["balance"], first["default"]) == (
        "GBP", "0.00", "0.00", True)
    second = account(client, headers, name="Till", type="cash", currency="EUR",
                     opening_balance="-20.50")
    assert (second["default"], second["balance"]) == (False, "-20.50")
    moved = client.put(f"/api/v1/accounts/{second['id']}", json={"default": True}, headers=headers)
    assert moved.status_code == 200 and moved.json["default"] is True
    assert client.get(f"/api/v1/accounts/{first['id']}", headers=headers).json["default"] is False
    unset = client.patch(f"/api/v1/accounts/{second['id']}", json={"default": False},
                         headers=headers)
    assert unset.status_code == 409


def test_balance_is_the_opening_balance_plus_the_transactions(client, headers):
    bank = account(client, headers, opening_balance="100.00")
    transaction(client, headers, bank["id"], "10.10")
    expense = transaction(client, headers, bank["id"], 3.33, type_="Expense")
    assert balance(client, headers, bank["id"]) == "106.77"
    post(client, headers, f"/transactions/{expense['id']}/void", None)
    assert balance(client, headers, bank["id"]) == "110.10"
    listed = client.get("/api/v1/accounts", headers=headers).json["data"]
    assert [a["balance"] for a in listed] == ["110.10"]


def test_void_records_a_linked_reversal_once(client, headers):
    bank = account(client, headers)
    original = transaction(client, headers, bank["id"], "40.00", category_id=category(
        client, headers)["id"])
    url = f"/api/v1/transactions/{original['id']}/void"
    reversal = client.post(url, headers=headers)
    assert reversal.status_code == 201, reversal.json
    assert (reversal.json["amount"], reversal.json["type"], reversal.json["reverses_id"],
            reversal.json["category_id"]) == ("-40.00", "Income", original["id"],
                                              original["category_id"])
    again = client.post(url, headers=headers)
    assert again.status_code == 409
    assert again.json["reversed_by_id"] == reversal.json["id"]
    shown = client.get(f"/api/v1/transactions/{original['id']}", headers=headers).json
    assert shown["reversed_by_id"] == reversal.json["id"]
    assert shown["amount"] == "40.00"
    assert client.post(f"/api/v1/transactions/{reversal.json['id']}/void",
                       headers=headers).status_code == 409


def test_a_void_retried_with_its_key_replays_the_reversal(client, headers):
    original = transaction(client, headers, account(client, headers)["id"], "3.00")
    keyed = {**headers, "Idempotency-Key": "void-1"}
    first = client.post(f"/api/v1/transactions/{original['id']}/void", headers=keyed)
    again = client.post(f"/api/v1/transactions/{original['id']}/void", headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_transactions_are_never_changed_or_deleted(client, headers, method):
    bank = account(client, headers)
    original = transaction(client, headers, bank["id"], "1.00")
    response = client.open(f"/api/v1/transactions/{original['id']}", method=method,
                           json={"amount": "2.00"}, headers=headers)
    assert response.status_code == 405


def test_categories_must_fit_the_account_and_type(client, tree, headers):
    bank = account(client, headers)
    expense = category(client, headers, "Expense")
    elsewhere = category(client, headers, organisation=tree.D.id)
    for category_id, status in ((expense["id"], 422), (elsewhere["id"], 422), (999, 422)):
        response = client.post("/api/v1/transactions", json={
            "type": "Income", "account_id": bank["id"], "amount": "1", "date": "2026-01-01",
            "category_id": category_id}, headers=headers)
        assert response.status_code == status
        assert list(response.json["errors"]) == ["category_id"]
    types = client.get("/api/v1/categories?type=Expense", headers=headers).json["data"]
    assert [c["id"] for c in types] == [expense["id"]]


def test_list_filters(client, headers):
    bank, till = account(client, headers), account(client, headers, name="Till", type="cash")
    sales = category(client, headers)
    kept = transaction(client, headers, bank["id"], "5.00", category_id=sales["id"],
                       date="2026-02-01")
    transaction(client, headers, till["id"], "6.00", type_="Expense", date="2026-03-01")

    def ids(query):
        response = client.get(f"/api/v1/transactions?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return [t["id"] for t in response.json["data"]]

    for query in ("type=Income", f"account_id={bank['id']}", f"category_id={sales['id']}",
                  "date_from=2026-01-01&date_to=2026-02-01"):
        assert ids(query) == [kept["id"]], query


def test_a_payment_records_its_income_in_the_default_account(client, headers):
    invoice = make_invoice(client, headers)
    payment = pay(client, headers, invoice["id"], "500.00")
    assert payment.status_code == 201, payment.json
    accounts = client.get("/api/v1/accounts", headers=headers).json["data"]
    assert [(a["name"], a["type"], a["default"], a["balance"]) for a in accounts] == [
        ("Cash", "cash", True, "500.00")]
    assert payment.json["account_id"] == accounts[0]["id"]
    income = client.get("/api/v1/transactions", headers=headers).json["data"]
    assert [(t["type"], t["amount"], t["payment_id"], t["date"]) for t in income] == [
        ("Income", "500.00", payment.json["id"], "2026-01-20")]
    refused = client.post(f"/api/v1/transactions/{income[0]['id']}/void", headers=headers)
    assert refused.status_code == 409


def test_a_payment_into_a_named_account(client, headers):
    account(client, headers)
    till = account(client, headers, name="Till", type="cash", opening_balance="1.00")
    invoice = make_invoice(client, headers)
    assert pay(client, headers, invoice["id"], "20.00", account_id=till["id"]).status_code == 201
    assert balance(client, headers, till["id"]) == "21.00"


@pytest.mark.parametrize("case", ["account elsewhere", "overpayment"])
def test_a_failed_payment_leaves_neither_payment_nor_transaction(client, tree, headers, case):
    elsewhere = account(client, headers, organisation=tree.D.id)
    mine = account(client, headers)
    invoice = make_invoice(client, headers)
    if case == "overpayment":
        response = pay(client, headers, invoice["id"], "9999.00", account_id=mine["id"])
        assert response.status_code == 409
    else:
        response = pay(client, headers, invoice["id"], "1.00", account_id=elsewhere["id"])
        assert response.status_code == 422
        assert list(response.json["errors"]) == ["account_id"]
    assert client.get("/api/v1/payments", headers=headers).json["data"] == []
    assert client.get("/api/v1/transactions", headers=headers).json["data"] == []


def test_currency_is_fixed_once_there_are_transactions(client, headers):
    bank = account(client, headers)
    url = f"/api/v1/accounts/{bank['id']}"
    assert client.put(url, json={"currency": "USD"}, headers=headers).status_code == 200
    transaction(client, headers, bank["id"], "1.00")
    assert client.put(url, json={"currency": "EUR"}, headers=headers).status_code == 409
    assert client.put(url, json={"currency": "USD", "name": "Main"},
                      headers=headers).status_code == 200


def test_a_payment_goes_to_an_account_in_the_invoices_currency(client, headers):
    euros = account(client, headers, currency="EUR")  # the default account
    invoice = make_invoice(client, headers)
    assert invoice["currency"] == "GBP"
    refused = pay(client, headers, invoice["id"], "1.00")
    assert refused.status_code == 422
    assert refused.json["errors"] == {"account_id": "Name an account in GBP."}
    euro_invoice = make_invoice(client, headers, currency="EUR")
    assert pay(client, headers, euro_invoice["id"], "2.00").status_code == 201
    assert balance(client, headers, euros["id"]) == "2.00"
