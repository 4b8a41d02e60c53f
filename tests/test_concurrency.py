"""Real concurrent HTTP requests against a running server, on each backend."""
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from sqlalchemy import create_engine, text

from tests import live

pytestmark = pytest.mark.live

CLIENT_ID, SECRET = "9d0c7e8a-5b4f-4c3d-8e2f-1a0b9c8d7e6f", "concurrency-test-secret-0123456789"


@pytest.fixture(scope="module")
def server(module_server_env):
    """One server for the module, on the test's backend."""
    env = {**module_server_env, "BOOTSTRAP_CLIENT_ID": CLIENT_ID, "BOOTSTRAP_CLIENT_SECRET": SECRET}
    assert live.tiergate(env, "setup").returncode == 0
    with live.gunicorn(env) as base:
        yield base, env


def _session(base, client_id, secret) -> requests.Session:
    token = requests.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                          auth=(client_id, secret)).json()["access_token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


@pytest.fixture
def api(server):
    """A session acting as the admin of a new organisation under the root: each test's
    records, numbers and lists are its own."""
    base, _ = server
    root = _session(base, CLIENT_ID, SECRET)
    organisation = root.post(f"{base}/api/v1/organisations", json={"name": "Tenant"}).json()
    user = root.post(f"{base}/api/v1/users", json={
        "name": "Admin", "email": f"admin-{organisation['id']}@example.com",
        "organisation": organisation["id"], "admin": True}).json()
    client = root.post(f"{base}/api/v1/api-clients", json={"name": "Test", "user": user["id"]})
    assert client.status_code == 201, client.text
    session = _session(base, client.json()["client_id"], client.json()["client_secret"])
    session.organisation_id = organisation["id"]
    return base, session


def _customer(base, session):
    response = session.post(f"{base}/api/v1/customers", json={"account": "Jane"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_concurrent_payments_never_overpay(api):
    base, session = api
    invoice = session.post(f"{base}/api/v1/invoices", json={
        "customer_id": _customer(base, session), "date": "2026-01-15", "due_date": "2099-01-01",
        "items": [{"description": "Work", "qty": "1", "amount": "100.00"}]}).json()

    def pay(_):
        return session.post(f"{base}/api/v1/payments", json={
            "invoice_id": invoice["id"], "amount": "5.00", "date": "2026-01-20",
            "method": "card"}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(pay, range(40)))
    assert sorted(statuses) == [201] * 20 + [409] * 20
    after = session.get(f"{base}/api/v1/invoices/{invoice['id']}").json()
    assert (after["balance"], after["amount_paid"], after["status"]) == ("0.00", "100.00", "Paid")
    payments = session.get(f"{base}/api/v1/payments",
                           params={"invoice_id": invoice["id"], "per_page": 100}).json()
    assert payments["meta"]["total_records"] == 20


def test_concurrent_invoices_get_gap_free_unique_numbers(api):
    base, session = api
    customer_id = _customer(base, session)

    def create(_):
        response = session.post(f"{base}/api/v1/invoices", json={
            "customer_id": customer_id, "date": "2026-03-01", "due_date": "2026-04-01",
            "items": [{"description": "Work", "qty": "1", "amount": "1.00"}]}, timeout=60)
        return response.status_code, response.json().get("invoice_number")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(create, range(20)))
    assert {status for status, _ in results} == {201}
    assert sorted(number for _, number in results) == [f"INV-2026-{n:04d}" for n in range(1, 21)]


def _organisation(base, session, name, parent=None):
    body = {"name": name} if parent is None else {"name": name, "parent": parent}
    response = session.post(f"{base}/api/v1/organisations", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_crossing_moves_leave_a_consistent_tree(api, server):
    """X under Y and Y under X at the same moment: exactly one wins, the other is a 409."""
    base, session = api

    def move(args):
        moved, parent = args
        return session.put(f"{base}/api/v1/organisations/{moved}", json={"parent": parent},
                           timeout=60).status_code

    for round_ in range(8):
        x = _organisation(base, session, f"X{round_}")
        y = _organisation(base, session, f"Y{round_}")
        _organisation(base, session, f"X{round_} child", parent=x)
        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = sorted(pool.map(move, [(x, y), (y, x)]))
        assert statuses == [200, 409], statuses
    env = server[1]
    url = env.get("DATABASE_URL") or f"sqlite:///{env['INSTANCE_PATH']}/tiergate.db"
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, parent_id, path, depth FROM organisations"))
        by_id = {row.id: row for row in rows}
    engine.dispose()
    mine = [org for org in by_id.values() if f"/{session.organisation_id}/" in org.path]
    assert len(mine) == 1 + 8 * 3
    for org in by_id.values():
        parent = by_id.get(org.parent_id)
        assert org.path == (parent.path if parent else "/") + f"{org.id}/", org
        assert org.depth == (parent.depth + 1 if parent else 0), org


SEED_LEAD = {"first_name": "John", "last_name": "Smith", "email": "john@example.com",
             "company": "Acme Corp", "phone": "1234567890", "source": "Website"}


def test_concurrent_converts_of_a_lead_return_one_customer(api):
    base, session = api
    leads = [session.post(f"{base}/api/v1/leads", json=SEED_LEAD).json()["id"] for _ in range(2)]

    def convert(lead_id):
        response = session.post(f"{base}/api/v1/leads/{lead_id}/convert", timeout=60)
        return response.status_code, response.json().get("id", response.text)

    with ThreadPoolExecutor(max_workers=8) as pool:  # each lead four times, all at once
        answers = set(pool.map(convert, leads * 4))
    assert len(answers) == 1 and next(iter(answers))[0] == 200, answers  # one customer
    customers = session.get(f"{base}/api/v1/customers").json()
    assert customers["meta"]["total_records"] == 1  # the leads share the email


def test_concurrent_invoicing_of_a_repair_makes_one_invoice(api):
    base, session = api
    repair = session.post(f"{base}/api/v1/repairs", json={
        "customer_id": _customer(base, session), "device": "Phone",
        "labour": [{"description": "Screen", "hours": "1", "rate": "40.00"}]}).json()

    def invoice(_):
        response = session.post(f"{base}/api/v1/repairs/{repair['id']}/invoice", timeout=60)
        return response.status_code, response.json().get("invoice_number")

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(invoice, range(8)))
    made = [number for status, number in answers if status == 201]
    assert len(made) == 1, answers
    assert sorted(status for status, _ in answers) == [201] + [409] * 7
    assert all(number == made[0] for status, number in answers if status == 409), answers
    invoices = session.get(f"{base}/api/v1/invoices").json()
    assert invoices["meta"]["total_records"] == 1


def test_concurrent_conversions_make_one_invoice(api):
    base, session = api
    customer_id = _customer(base, session)
    quote = session.post(f"{base}/api/v1/quotes", json={
        "customer_id": customer_id, "valid_until": "2099-01-01",
        "items": [{"description": "Work", "qty": "1", "amount": "100.00"}]}).json()

    def convert(_):
        response = session.post(f"{base}/api/v1/quotes/{quote['id']}/convert",
                                json={"issue": True}, timeout=60)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(convert, range(12)))
    made = [body for status, body in results if status == 201]
    assert len(made) == 1, results
    refused = [body for status, body in results if status != 201]
    assert {(body["status"], body["code"], body["invoice_id"]) for body in refused} == {
        (409, "already_converted", made[0]["id"])}
    invoices = session.get(f"{base}/api/v1/invoices", params={"customer_id": customer_id}).json()
    assert [invoice["id"] for invoice in invoices["data"]] == [made[0]["id"]]
    assert session.get(f"{base}/api/v1/quotes/{quote['id']}").json()["invoice_id"] == made[0]["id"]


def test_concurrent_posting_keeps_every_balance_to_the_cent(api):
    """Transactions and payments posted at once into one account: its balance is the
    opening balance plus all of them."""
    base, session = api
    account = session.post(f"{base}/api/v1/accounts", json={
        "name": "Bank", "type": "bank", "opening_balance": "100.01"}).json()
    invoice = session.post(f"{base}/api/v1/invoices", json={
        "customer_id": _customer(base, session), "date": "2026-01-15", "due_date": "2099-01-01",
        "items": [{"description": "Work", "qty": "1", "amount": "1000.00"}]}).json()

    def post(n):
        if n % 3 == 0:
            return session.post(f"{base}/api/v1/payments", json={
                "invoice_id": invoice["id"], "amount": "0.07", "date": "2026-01-20",
                "method": "card", "account_id": account["id"]}, timeout=60).status_code
        return session.post(f"{base}/api/v1/transactions", json={
            "type": "Income" if n % 3 == 1 else "Expense", "account_id": account["id"],
            "amount": f"{n}.{n % 100:02d}", "date": "2026-02-01"}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(post, range(48))) == {201}
    expected = Decimal("100.01") + sum(
        Decimal("0.07") if n % 3 == 0 else Decimal(f"{n}.{n % 100:02d}") * (1 if n % 3 == 1 else -1)
        for n in range(48))
    assert Decimal(session.get(f"{base}/api/v1/accounts/{account['id']}").json()["balance"]) == expected
    listed = session.get(f"{base}/api/v1/transactions", params={
        "account_id": account["id"], "per_page": 100}).json()["data"]
    assert len(listed) == 48
