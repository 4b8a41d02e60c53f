"""Batch creates: a savepoint per item, ?atomic=true, idempotent replays, the limits."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, Invoice, Product
from tests.resources.helpers import make_customer


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_bad_item_undoes_only_itself(client, tree, headers):
    response = client.post("/api/v1/batch/customers", json={"customers": [
        {"account": "Good"}, {"account": "Bad", "email": "not an email"},
        {"account": "Elsewhere", "organisation": tree.B.id}, "not an object",
        {"account": "Also good", "organisation": tree.D.id}]}, headers=headers)
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert [r["status"] for r in results] == [201, 422, 422, 422, 201]
    assert list(results[1]["errors"]) == ["email"]
    assert list(results[2]["errors"]) == ["organisation"]
    assert (response.json["created"], response.json["failed"]) == (2, 3)
    assert count(Customer) == 2


def test_invoices_keep_gap_free_numbers_and_answer_conflicts(client, headers):
    customer = make_customer(client, headers)
    product = client.post("/api/v1/products", json={"name": "Box", "price": "5.00", "stock": "1"},
                          headers=headers).json

    def invoice(qty):
        return {"customer_id": customer["id"], "date": "2026-01-15", "due_date": "2099-01-01",
                "items": [{"description": "Box", "qty": qty, "amount": "5.00",
                           "product_id": product["id"]}]}

    response = client.post("/api/v1/batch/invoices", json={"invoices": [
        invoice("1"), invoice("1"), {**invoice("0"), "customer_id": 999}, invoice(1)]},
        headers=headers)
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert [r["status"] for r in results] == [201, 422, 422, 422]  # out of stock after the first
    assert list(results[1]["errors"]) == ["items.0.qty"]
    numbers = [i["invoice_number"] for i in client.get("/api/v1/invoices", headers=headers).json[
        "data"]]
    assert numbers == ["INV-2026-0001"]
    assert make_invoice_number(client, headers, customer) == "INV-2026-0002"  # no gap


def make_invoice_number(client, headers, customer):
    return client.post("/api/v1/invoices", json={
        "customer_id": customer["id"], "date": "2026-02-01", "due_date": "2099-01-01",
        "items": [{"description": "x", "qty": 1, "amount": 1}]}, headers=headers).json[
        "invoice_number"]


def test_products(client, headers):
    response = client.post("/api/v1/batch/products", json={"products": [
        {"name": "Web Hosting", "price": 99.99, "type": "service", "tax_rate": 10},
        {"name": "Negative", "price": "1.00", "stock": "-1"}]}, headers=headers)
    assert [r["status"] for r in response.json["results"]] == [201, 422]
    assert client.get(f"/api/v1/products/{response.json['results'][0]['id']}",
                      headers=headers).json["price"] == "99.99"


def test_atomic_creates_all_or_nothing(client, headers):
    bad = client.post("/api/v1/batch/customers?atomic=true", json={"customers": [
        {"account": "Good"}, {"account": ""}, {"account": "Fine"}, {"nope": 1}]},
        headers=headers)
    assert bad.status_code == 422
    assert bad.json["failed_indexes"] == [1, 3]
    assert set(bad.json["errors"]) == {"customers.1.account", "customers.3.account",
                                       "customers.3.nope"}
    assert count(Customer) == 0
    good = client.post("/api/v1/batch/customers?atomic=true", json={"customers": [
        {"account": "Good"}, {"account": "Fine"}]}, headers=headers)
    assert good.status_code == 200 and good.json["created"] == 2
    assert count(Customer) == 2


def test_an_idempotency_key_replays_the_results(client, headers):
    body = {"customers": [{"account": "One"}, {"account": "Two", "email": "bad"}]}
    first = client.post("/api/v1/batch/customers", json=body,
                        headers={**headers, "Idempotency-Key": "batch-1"})
    again = client.post("/api/v1/batch/customers", json=body,
                        headers={**headers, "Idempotency-Key": "batch-1"})
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert count(Customer) == 1


def test_limits_are_named(client, app, headers):
    too_many = client.post("/api/v1/batch/customers",
                           json={"customers": [{"account": f"C{n}"} for n in range(101)]},
                           headers=headers)
    assert too_many.status_code == 422
    assert too_many.json["errors"] == {
        "customers": "Send 1 to 100 items: the limit is 100."}
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge = client.post("/api/v1/batch/customers", json={"customers": [
        {"account": "x" * 200, "email": "y" * 200}] * (limit // 400 + 1)}, headers=headers)
    assert huge.status_code == 413
    assert str(limit) in huge.json["detail"]
    assert count(Customer) == 0
    for empty in ({"customers": []}, {}):
        assert client.post("/api/v1/batch/customers", json=empty,
                           headers=headers).status_code == 422
    assert count(Product) == count(Invoice) == 0
