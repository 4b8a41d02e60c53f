"""Lists cost a fixed number of queries, whatever the page holds (no N+1)."""
import pytest
from sqlalchemy import event

from app.extensions import db
from tests.resources.helpers import make_customer, make_invoice, pay


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, *args):
        self.statements.append(statement)


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def _queries(client, headers, url):
    with QueryCounter(db.engine) as counter:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(counter.statements), response.json


@pytest.mark.parametrize("url", ["/api/v1/invoices?per_page=100", "/api/v1/payments?per_page=100",
                                 "/api/v1/customers?per_page=100", "/api/v1/products?per_page=100"])
def test_list_queries_do_not_grow_with_the_page(client, headers, url):
    customer = make_customer(client, headers)
    make_invoice(client, headers, customer_id=customer["id"])
    pay(client, headers, make_invoice(client, headers)["id"], "1.00")
    client.post("/api/v1/products", json={"name": "P", "price": "1"}, headers=headers)
    few, _ = _queries(client, headers, url)
    for _ in range(8):
        invoice = make_invoice(client, headers, customer_id=customer["id"], items=[
            {"description": f"line {n}", "qty": "1", "amount": "2.00"} for n in range(3)])
        pay(client, headers, invoice["id"], "1.00")
        make_customer(client, headers)
        client.post("/api/v1/products", json={"name": "P", "price": "1"}, headers=headers)
    many, body = _queries(client, headers, url)
    assert body["meta"]["total_records"] > 5
    assert many == few <= 5  # token, count, page, (invoice lines)
