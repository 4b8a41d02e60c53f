"""The financial report: its periods and bases, the organisations it counts, and a random
year whose every total equals the sums of the list endpoints, to the cent."""
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.resources.helpers import make_customer, make_invoice, pay

URL = "/api/v1/reports/financial"


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def report(client, headers, query):
    response = client.get(f"{URL}?{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def totals(client, headers, query, currency="GBP"):
    rows = {row.pop("currency"): row for row in report(client, headers, query)["totals"]}
    return rows.get(currency)


@pytest.mark.parametrize("query,field", [
    ("month=1", "month"), ("year=2026&month=13", "month"), ("from=2026-01-01", "to"),
    ("to=2026-01-01", "from"), ("year=2026&from=2026-01-01&to=2026-02-01", "from"),
    ("from=2026-02-01&to=2026-02-01", "to"), ("basis=invoiced", "basis"), ("page=1", "page"),
])
def test_periods_are_validated(client, headers, query, field):
    response = client.get(f"{URL}?{query}", headers=headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]


def test_periods_and_defaults_are_echoed(client, tree, headers):
    this_year = date.today().year
    assert report(client, headers, "") == {
        "period": {"from": f"{this_year}-01-01", "to": f"{this_year + 1}-01-01"},
        "basis": "accrual", "organisation": tree.C.id, "include_descendants": False,
        "organisations": [tree.C.id], "totals": []}
    assert report(client, headers, "year=2026&month=12")["period"] == {
        "from": "2026-12-01", "to": "2027-01-01"}
    assert report(client, headers, "from=2026-03-05&to=2026-03-06&basis=cash")["basis"] == "cash"


def _expense(client, headers, amount, day, **fields):
    account_id = client.get("/api/v1/accounts", headers=headers).json["data"][0]["id"]
    response = client.post("/api/v1/transactions", json={
        "type": "Expense", "account_id": account_id, "amount": amount, "date": day, **fields},
        headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_accrual_and_cash_bases(client, headers):
    invoice = make_invoice(client, headers, date="2026-01-10", items=[
        {"description": "Work", "qty": "1", "amount": "100.00"}])
    assert pay(client, headers, invoice["id"], "40.00", date="2026-02-03").status_code == 201
    _expense(client, headers, "10.00", "2026-01-20")
    voided = _expense(client, headers, "7.00", "2026-01-21")
    assert client.post(f"/api/v1/transactions/{voided['id']}/void",
                       headers=headers).status_code == 201  # a reversal dated today
    january = totals(client, headers, "year=2026&month=1")
    assert january == {"income": "100.00", "expenses": "17.00", "profit": "83.00",
                       "outstanding_invoices": "100.00"}
    assert totals(client, headers, "year=2026&month=1&basis=cash") == {
        "income": "0.00", "expenses": "17.00", "profit": "-17.00",
        "outstanding_invoices": "100.00"}
    assert totals(client, headers, "year=2026&month=2&basis=cash")["income"] == "40.00"
    assert totals(client, headers, "year=2026&month=2")["outstanding_invoices"] == "60.00"
    year = totals(client, headers, f"from=2026-01-01&to={date.today() + timedelta(days=1)}")
    assert (year["income"], year["expenses"]) == ("100.00", "10.00")


def test_descendants_only_where_the_permission_reaches(client, tree, headers, make_caller, auth):
    customer = make_customer(client, headers, organisation=tree.D.id)
    make_invoice(client, headers, customer_id=customer["id"], organisation=tree.D.id)
    alone = report(client, headers, "year=2026")
    assert alone["totals"] == []
    subtree = report(client, headers, "year=2026&include_descendants=true")
    assert subtree["organisations"] == [tree.C.id, tree.D.id, tree.E.id]
    assert subtree["totals"][0]["income"] == "1500.00"
    assert report(client, headers, f"year=2026&organisation={tree.D.id}")["totals"][0][
        "income"] == "1500.00"
    own_only = auth(make_caller(tree.C, permissions=["reports:view"]))
    narrow = report(client, own_only, "year=2026&include_descendants=true")
    assert (narrow["organisations"], narrow["totals"]) == ([tree.C.id], [])


# --- a random year against the list endpoints --------------------------------------------

def _all(client, headers, path, **params):
    """Every record of a list endpoint, page by page."""
    records, page = [], 1
    while True:
        query = "&".join(f"{key}={value}" for key, value in {**params, "per_page": 100,
                                                               "page": page}.items())
        response = client.get(f"/api/v1/{path}?{query}", headers=headers)
        assert response.status_code == 200, response.json
        records += response.json["data"]
        if page >= response.json["meta"]["total_pages"]:
            return records
        page += 1


def _money(value) -> str:
    return f"{value:.2f}"


def _random_year(client, headers, tree, rng):
    """Invoices (issued, draft, void) in two currencies, payments and transactions (some
    voided) over C, D and E, dated from late 2025 to early 2027."""
    start = date(2025, 11, 1)
    for org in (tree.C, tree.D, tree.E):
        accounts = {currency: client.post("/api/v1/accounts", json={
            "name": currency, "type": "bank", "currency": currency, "organisation": org.id},
            headers=headers).json["id"] for currency in ("GBP", "EUR")}
        customer = make_customer(client, headers, organisation=org.id)["id"]
        for _ in range(12):
            day = start + timedelta(days=rng.randrange(450))
            currency = rng.choice(("GBP", "EUR"))
            invoice = make_invoice(
                client, headers, customer_id=customer, organisation=org.id,
                date=day.isoformat(), due_date="2099-01-01", currency=currency,
                status=rng.choice(("Unpaid", "Unpaid", "Draft")), items=[
                    {"description": "Work", "qty": f"{rng.randrange(1, 5000) / 1000}",
                     "amount": f"{rng.randrange(1, 100000) / 100}", "tax_rate": rng.choice(
                         ("0", "5", "17.5", "20"))} for _ in range(rng.randrange(1, 4))])
            if invoice["status"] == "Draft" and rng.random() < 0.5:
                client.patch(f"/api/v1/invoices/{invoice['id']}", json={"status": "Void"},
                             headers=headers)
            elif invoice["status"] != "Draft" and rng.random() < 0.7:
                balance = Decimal(invoice["balance"])
                for part in sorted(rng.sample(range(1, 100), 2)):
                    amount = (balance * part / 200).quantize(Decimal("0.01"))
                    paid_on = day + timedelta(days=rng.randrange(60))
                    assert pay(client, headers, invoice["id"], str(amount), date=paid_on.isoformat(),
                               account_id=accounts[currency]).status_code == 201
        for _ in range(15):
            response = client.post("/api/v1/transactions", json={
                "type": rng.choice(("Income", "Expense")),
                "account_id": accounts[rng.choice(("GBP", "EUR"))],
                "amount": f"{rng.randrange(1, 500000) / 100}",
                "date": (start + timedelta(days=rng.randrange(450))).isoformat()}, headers=headers)
            assert response.status_code == 201, response.json
            if rng.random() < 0.2:
                client.post(f"/api/v1/transactions/{response.json['id']}/void", headers=headers)


def _expected(client, headers, start: date, end: date) -> dict:
    """The report's totals for [start, end), as sums of what the lists answer."""
    last = (end - timedelta(days=1)).isoformat()
    currency_of_account = {a["id"]: a["currency"] for a in _all(client, headers, "accounts")}
    currency_of_invoice = {}
    sums = defaultdict(lambda: defaultdict(Decimal))
    for invoice in _all(client, headers, "invoices", date_to=last):
        currency_of_invoice[invoice["id"]] = invoice["currency"]
        if invoice["status"] in ("Draft", "Void"):
            continue
        sums[invoice["currency"]]["outstanding_invoices"] += Decimal(invoice["total"])
        if invoice["date"] >= start.isoformat():
            sums[invoice["currency"]]["invoiced"] += Decimal(invoice["total"])
    for payment in _all(client, headers, "payments", date_to=last):
        currency = currency_of_invoice[payment["invoice_id"]]
        sums[currency]["outstanding_invoices"] -= Decimal(payment["amount"])
    for transaction in _all(client, headers, "transactions", date_from=start.isoformat(),
                            date_to=last):
        totals_ = sums[currency_of_account[transaction["account_id"]]]
        totals_[transaction["type"]] += Decimal(transaction["amount"])
        if transaction["type"] == "Income" and transaction["payment_id"] is None:
            totals_["unbilled income"] += Decimal(transaction["amount"])
    expected = {}
    for currency, s in sums.items():
        accrual = s["invoiced"] + s["unbilled income"]
        expected[currency] = {basis: {
            "income": _money(income), "expenses": _money(s["Expense"]),
            "profit": _money(income - s["Expense"]),
            "outstanding_invoices": _money(s["outstanding_invoices"])}
            for basis, income in (("accrual", accrual), ("cash", s["Income"]))}
    return expected


def test_a_random_year_adds_up_to_the_lists(client, tree, headers):
    rng = random.Random(15)
    _random_year(client, headers, tree, rng)
    periods = [(date(2026, 1, 1), date(2027, 1, 1))]
    periods += [(date(2026, month, 1), date(2026 + month // 12, month % 12 + 1, 1))
                for month in range(1, 13)]
    periods += [(date(2025, 12, 17), date(2026, 7, 3))]
    for start, end in periods:
        expected = _expected(client, headers, start, end)
        assert set(expected) == {"GBP", "EUR"}
        for basis in ("accrual", "cash"):
            answer = report(client, headers, f"from={start}&to={end}&basis={basis}"
                                             "&include_descendants=true")
            got = {row.pop("currency"): row for row in answer["totals"]}
            assert got == {currency: by_basis[basis] for currency, by_basis in expected.items()}, (
                start, end, basis)
            for row in got.values():
                assert Decimal(row["profit"]) == Decimal(row["income"]) - Decimal(row["expenses"])
    year = _expected(client, headers, *periods[0])
    assert all(Decimal(year[currency]["cash"][key]) != 0 for currency in year
               for key in ("income", "expenses", "outstanding_invoices")), year
