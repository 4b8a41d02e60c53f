"""Real concurrent HTTP requests against a running server, on each backend."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests import live

pytestmark = pytest.mark.live

CLIENT_ID, SECRET = "9d0c7e8a-5b4f-4c3d-8e2f-1a0b9c8d7e6f", "concurrency-test-secret-0123456789"


@pytest.fixture
def api(server_env):
    env = {**server_env, "BOOTSTRAP_CLIENT_ID": CLIENT_ID, "BOOTSTRAP_CLIENT_SECRET": SECRET}
    assert live.tiergate(env, "setup").returncode == 0
    with live.gunicorn(env) as base:
        token = requests.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                              auth=(CLIENT_ID, SECRET)).json()["access_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        yield base, session


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
