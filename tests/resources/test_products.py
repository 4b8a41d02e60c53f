"""Products: filters and sorting as in the Hub API, stock movements, low stock."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import StockMovement


@pytest.fixture
def catalogue(client, admin_c, auth):
    headers = auth(admin_c)
    for name, code, price, kind in (("A New Phone", "NEW-PH0N3", "100.12", "product"),
                                    ("Web Hosting", "HOST-1", "99.99", "service"),
                                    ("Desk Phone", "PH-200", "45.00", "product")):
        response = client.post("/api/v1/products", json={
            "name": name, "product_code": code, "price": price, "type": kind}, headers=headers)
        assert response.status_code == 201
    return headers


def names(client, headers, **query):
    response = client.get("/api/v1/products", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return [p["name"] for p in response.json["data"]]


def test_text_matches_name_or_code(client, catalogue):
    assert names(client, catalogue, text="phone") == ["A New Phone", "Desk Phone"]
    assert names(client, catalogue, text="ph0n3") == ["A New Phone"]


def test_type_filter(client, catalogue):
    assert names(client, catalogue, type="service") == ["Web Hosting"]


@pytest.mark.parametrize("sort_by,expected", [
    ("+name", ["A New Phone", "Desk Phone", "Web Hosting"]),
    ("-name", ["Web Hosting", "Desk Phone", "A New Phone"]),
    ("+price", ["Desk Phone", "Web Hosting", "A New Phone"]),
    ("-price", ["A New Phone", "Web Hosting", "Desk Phone"]),
])
def test_sort(client, catalogue, sort_by, expected):
    assert names(client, catalogue, sort_by=sort_by) == expected


def test_bad_sort_is_422(client, catalogue):
    response = client.get("/api/v1/products?sort_by=popularity", headers=catalogue)
    assert response.status_code == 422
    assert "sort_by" in response.json["errors"]


def test_prices_are_exact_decimals_answered_as_strings(client, catalogue):
    for price in ("0.1", 0.1):
        response = client.post("/api/v1/products", json={"name": "Cheap", "price": price},
                               headers=catalogue)
        assert response.json["price"] == "0.10"
    for price, message in (("0.001", "At most 2 decimal places."),
                           ("1e3", "Write the number without an exponent, e.g. 1500 rather than 1.5e3."),
                           ("01.00", None), (" 1", None), ([1], None)):
        refused = client.post("/api/v1/products", json={"name": "X", "price": price},
                              headers=catalogue)
        assert refused.status_code == 422, price
        assert message is None or refused.json["errors"]["price"] == message


def test_stock_changes_are_movements(client, admin_c, auth):
    headers = auth(admin_c)
    product = client.post("/api/v1/products", json={"name": "Widget", "price": "1.00",
                                                    "stock": "10", "min_stock": "5"},
                          headers=headers).json
    response = client.put(f"/api/v1/products/{product['id']}",
                          json={"stock": "3", "stock_reason": "Counted"}, headers=headers)
    assert response.status_code == 200 and response.json["stock"] == "3.000"
    movements = db.session.scalars(select(StockMovement).order_by(StockMovement.id)).all()
    assert [(str(m.change), str(m.stock_after), m.reason) for m in movements] == [
        ("10.000", "10.000", "Initial stock"), ("-7.000", "3.000", "Counted")]
    low = client.get("/api/v1/products/low-stock", headers=headers).json["data"]
    assert [p["id"] for p in low] == [product["id"]]


def test_stock_below_zero_needs_consent(client, admin_c, auth):
    headers = auth(admin_c)
    product = client.post("/api/v1/products", json={"name": "W", "price": "1.00", "stock": "1"},
                          headers=headers).json
    refused = client.put(f"/api/v1/products/{product['id']}", json={"stock": "-2"}, headers=headers)
    assert refused.status_code == 422
    allowed = client.put(f"/api/v1/products/{product['id']}",
                         json={"stock": "-2", "allow_negative_stock": True}, headers=headers)
    assert allowed.status_code == 200 and allowed.json["stock"] == "-2.000"


@pytest.mark.parametrize("body,field", [
    ({"name": "x", "price": "-1"}, "price"),
    ({"name": "x", "price": "1", "type": "gadget"}, "type"),
    ({"name": "x", "price": "1", "tax_rate": "101"}, "tax_rate"),
    ({"name": "x", "price": True}, "price"),
    ({"name": "x", "price": "abc"}, "price"),
    ({"price": "1"}, "name"),
])
def test_validation(client, admin_c, auth, body, field):
    response = client.post("/api/v1/products", json=body, headers=auth(admin_c))
    assert response.status_code == 422
    assert field in response.json["errors"]
