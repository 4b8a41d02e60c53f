"""Events: written with the change they describe, listed within reach."""
from urllib.parse import quote

import pytest

from app import events
from app.extensions import db
from app.models import Customer, Event
from tests.resources.helpers import make_customer, make_invoice, pay


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def _events(client, headers, query=""):
    response = client.get(f"/api/v1/events{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json["data"]


def test_the_records_kit_records_created_updated_deleted(client, headers):
    created = client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
    url = f"/api/v1/customers/{created.json['id']}"
    updated = client.put(url, json={"account": "Janet"}, headers=headers)
    client.put(url, json={"account": "Janet"}, headers=headers)  # no change, no event
    client.delete(url, headers=headers)
    listed = _events(client, headers)
    assert [e["type"] for e in listed] == ["customer.created", "customer.updated", "customer.deleted"]
    assert listed[0]["data"] == created.json and listed[1]["data"] == updated.json
    assert listed[0]["request_id"] == created.headers["X-Request-Id"]
    assert listed[1]["request_id"] == updated.headers["X-Request-Id"]
    assert listed[0]["organisation"] == created.json["organisation"]


def test_invoice_and_payment_workflows_record_theirs(client, headers):
    invoice = make_invoice(client, headers)
    paid = pay(client, headers, invoice["id"], invoice["total"])
    assert paid.status_code == 201
    other = make_invoice(client, headers)
    client.put(f"/api/v1/invoices/{other['id']}", json={"notes": "n"}, headers=headers)
    client.put(f"/api/v1/invoices/{other['id']}", json={"status": "Void"}, headers=headers)
    types = [(e["type"], e["data"]["id"]) for e in _events(client, headers, "?per_page=100")
             if e["type"].startswith(("invoice.", "payment."))]
    assert types == [("invoice.created", invoice["id"]), ("payment.received", paid.json["id"]),
                     ("invoice.paid", invoice["id"]), ("invoice.created", other["id"]),
                     ("invoice.updated", other["id"]), ("invoice.voided", other["id"])]


def test_low_stock_when_stock_crosses_below_the_minimum(client, headers):
    product = client.post("/api/v1/products", json={
        "name": "Widget", "price": "1.00", "stock": "10", "min_stock": "5"}, headers=headers).json
    for stock in ("6", "4", "3", "8", "2"):
        client.put(f"/api/v1/products/{product['id']}", json={"stock": stock}, headers=headers)
    low = _events(client, headers, "?type=product.low_stock")
    assert [e["data"]["stock"] for e in low] == ["4.000", "2.000"]


def test_a_rolled_back_transaction_leaves_no_event(app, tree):
    customer = Customer(organisation_id=tree.C.id, account="Jane")
    db.session.add(customer)
    db.session.flush()
    events.record_change(customer, "created")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0


def test_filters(client, headers):
    make_invoice(client, headers)
    everything = _events(client, headers)
    assert [e["type"] for e in everything] == ["customer.created", "invoice.created"]
    assert [e["type"] for e in _events(client, headers, "?type=invoice.created")] == ["invoice.created"]
    last = quote(everything[-1]["created_at"])
    assert everything[-1] in _events(client, headers, f"?created_from={last}&created_to={last}")
    assert _events(client, headers, "?created_from=2000-01-01T00:00:00Z") == everything
    assert _events(client, headers, "?created_to=2000-01-01T00:00:00Z") == []
    assert _events(client, headers, "?delivery_failed=true") == []
    assert _events(client, headers, "?delivery_failed=false") == everything
    assert client.get("/api/v1/events?delivery_failed=yes", headers=headers).status_code == 422


def test_events_in_reach_only(client, tree, make_caller, auth, headers):
    make_customer(client, headers, organisation=tree.D.id)
    assert len(_events(client, headers)) == 1
    of_d = auth(make_caller(tree.D, permissions=["events:view"]))
    assert len(_events(client, of_d)) == 1
    of_e = auth(make_caller(tree.E, permissions=["events:view"]))
    assert _events(client, of_e) == []


def test_an_event_outside_a_request_has_no_request_id(app, tree):
    customer = Customer(organisation_id=tree.C.id, account="Jane")
    db.session.add(customer)
    event = events.record_change(customer, "created")
    assert event.request_id is None
