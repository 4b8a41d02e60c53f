"""Repairs: every move of the transition table, the history, parts taking and giving back
stock through the invoices' stock movements, labour, totals and the one invoice."""
import pytest

from tests.resources.helpers import make_customer

MOVES = {
    "Received": ["Diagnosing", "Cancelled"],
    "Diagnosing": ["Awaiting Parts", "In Repair", "Ready", "Cancelled"],
    "Awaiting Parts": ["In Repair", "Cancelled"],
    "In Repair": ["Awaiting Parts", "Ready", "Cancelled"],
    "Ready": ["In Repair", "Collected"],
    "Collected": [],
    "Cancelled": [],
}
PATHS = {"Received": [], "Diagnosing": ["Diagnosing"],
         "Awaiting Parts": ["Diagnosing", "Awaiting Parts"],
         "In Repair": ["Diagnosing", "In Repair"], "Ready": ["Diagnosing", "Ready"],
         "Collected": ["Diagnosing", "Ready", "Collected"], "Cancelled": ["Cancelled"]}


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def make_product(client, headers, stock="10", **fields):
    response = client.post("/api/v1/products", json={
        "name": "Screen", "price": "25.50", "stock": stock, "min_stock": "2", "tax_rate": "20",
        **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def make_repair(client, headers, **fields):
    body = {"customer_id": make_customer(client, headers)["id"], "device": "Phone X",
            "serial_number": "SN-1", "fault": "Cracked screen", **fields}
    response = client.post("/api/v1/repairs", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def repair_in(client, headers, status, **fields):
    repair = make_repair(client, headers, **fields)
    for step in PATHS[status]:
        moved = client.patch(f"/api/v1/repairs/{repair['id']}", json={"status": step},
                             headers=headers)
        assert moved.status_code == 200, moved.json
    return repair


def stock_of(client, headers, product):
    return client.get(f"/api/v1/products/{product['id']}", headers=headers).json["stock"]


@pytest.mark.parametrize("source", list(MOVES))
@pytest.mark.parametrize("target", list(MOVES))
def test_every_move_of_the_transition_table(client, headers, source, target):
    repair = repair_in(client, headers, source)
    response = client.put(f"/api/v1/repairs/{repair['id']}", json={"status": target},
                          headers=headers)
    if target == source or target in MOVES[source]:
        assert response.status_code == 200, response.json
        assert response.json["status"] == target
    else:
        assert response.status_code == 409, response.json
        assert response.json["allowed"] == MOVES[source]
        assert response.json["code"] == "invalid_transition"


def test_moves_are_kept_as_history(client, headers, admin_c):
    repair = repair_in(client, headers, "Ready")
    history = client.get(f"/api/v1/repairs/{repair['id']}/history", headers=headers).json["data"]
    assert [(h["old"], h["new"]) for h in history] == [
        (None, "Received"), ("Received", "Diagnosing"), ("Diagnosing", "Ready")]
    assert {h["user_id"] for h in history} == {admin_c.user.id}


def test_parts_and_labour_make_the_totals(client, headers):
    product = make_product(client, headers)
    repair = make_repair(client, headers, warranty_until="2027-01-15",
                         parts=[{"product_id": product["id"], "qty": 2}],
                         labour=[{"description": "Fit screen", "hours": 1.5, "rate": 40.00}])
    assert repair["parts"] == [{"product_id": product["id"], "qty": "2.000",
                                "description": "Screen", "unit_price": "25.50",
                                "line_total": "51.00"}]
    assert repair["labour"][0]["line_total"] == "60.00"
    assert (repair["parts_total"], repair["labour_total"], repair["total"]) == (
        "51.00", "60.00", "111.00")
    assert (repair["status"], repair["warranty_until"]) == ("Received", "2027-01-15")


def test_parts_take_stock_and_give_it_back(client, headers):
    product = make_product(client, headers, stock="10")
    other = make_product(client, headers, stock="5", name="Battery")
    repair = make_repair(client, headers, parts=[{"product_id": product["id"], "qty": 9}])
    assert stock_of(client, headers, product) == "1.000"
    low = client.get("/api/v1/products/low-stock", headers=headers).json["data"]
    assert [p["id"] for p in low] == [product["id"]]  # at once
    # fewer of one part, another part added
    changed = client.put(f"/api/v1/repairs/{repair['id']}", json={"parts": [
        {"product_id": product["id"], "qty": 4}, {"product_id": other["id"], "qty": 1}]},
        headers=headers)
    assert changed.status_code == 200, changed.json
    assert (stock_of(client, headers, product), stock_of(client, headers, other)) == (
        "6.000", "4.000")
    # a part removed goes back
    client.put(f"/api/v1/repairs/{repair['id']}", json={"parts": [
        {"product_id": other["id"], "qty": 1}]}, headers=headers)
    assert stock_of(client, headers, product) == "10.000"
    # cancelling gives everything back
    client.put(f"/api/v1/repairs/{repair['id']}", json={"status": "Cancelled"}, headers=headers)
    assert stock_of(client, headers, other) == "5.000"
    movements = client.get(f"/api/v1/products/{product['id']}", headers=headers).json
    assert movements["stock"] == "10.000"


def test_not_enough_stock_is_a_422_on_the_part(client, headers):
    product = make_product(client, headers, stock="1")
    response = client.post("/api/v1/repairs", json={
        "customer_id": make_customer(client, headers)["id"], "device": "Phone",
        "parts": [{"product_id": product["id"], "qty": 2}]}, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"parts.0.qty": "Only 1.000 in stock."}
    allowed = make_product(client, headers, stock="0", allow_negative_stock=True)
    make_repair(client, headers, parts=[{"product_id": allowed["id"], "qty": 2}])
    assert stock_of(client, headers, allowed) == "-2.000"


def test_a_part_of_another_organisation_is_a_422(client, tree, headers, make_caller, auth):
    foreign = make_product(client, auth(make_caller(tree.C2, admin=True)))
    response = client.post("/api/v1/repairs", json={
        "customer_id": make_customer(client, headers)["id"], "device": "Phone",
        "parts": [{"product_id": foreign["id"], "qty": 1}]}, headers=headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["parts.0.product_id"]


def test_invoice_once_of_parts_and_labour(client, headers):
    product = make_product(client, headers, stock="10")
    repair = make_repair(client, headers, parts=[{"product_id": product["id"], "qty": 2}],
                         labour=[{"description": "Fit screen", "hours": "1.5", "rate": "40"}])
    made = client.post(f"/api/v1/repairs/{repair['id']}/invoice", headers=headers)
    assert made.status_code == 201, made.json
    invoice = made.json
    assert [(line["description"], line["qty"], line["amount"], line["product_id"])
            for line in invoice["items"]] == [
        ("Screen", "2.000", "25.50", product["id"]), ("Fit screen", "1.500", "40.00", None)]
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == ("111.00", "10.20", "121.20")
    assert invoice["customer_id"] == repair["customer_id"]
    assert stock_of(client, headers, product) == "8.000"  # taken once, by the repair
    again = client.post(f"/api/v1/repairs/{repair['id']}/invoice", headers=headers)
    assert again.status_code == 409
    assert (again.json["invoice_id"], again.json["invoice_number"]) == (
        invoice["id"], invoice["invoice_number"])
    assert invoice["invoice_number"] in again.json["detail"]
    after = client.get(f"/api/v1/repairs/{repair['id']}", headers=headers).json
    assert after["invoice_id"] == invoice["id"]
    # an invoiced job keeps its lines and cannot be cancelled
    for change in ({"labour": []}, {"status": "Cancelled"}):
        refused = client.patch(f"/api/v1/repairs/{repair['id']}", json=change, headers=headers)
        assert refused.status_code == 409, change
        assert refused.json["invoice_id"] == invoice["id"]


@pytest.mark.parametrize("case", ["cancelled", "empty"])
def test_nothing_to_invoice_is_a_409(client, headers, case):
    fields = {"labour": [{"description": "Look", "hours": 1, "rate": 10}]}
    repair = repair_in(client, headers, "Cancelled", **fields) if case == "cancelled" else \
        make_repair(client, headers)
    response = client.post(f"/api/v1/repairs/{repair['id']}/invoice", headers=headers)
    assert response.status_code == 409


def test_list_filters(client, headers):
    first = make_repair(client, headers)
    second = repair_in(client, headers, "Diagnosing")

    def ids(**query):
        response = client.get("/api/v1/repairs", query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        return [r["id"] for r in response.json["data"]]

    assert ids() == [first["id"], second["id"]]
    assert ids(status="Diagnosing") == [second["id"]]
    assert ids(customer_id=first["customer_id"]) == [first["id"]]


def test_an_invoiced_repair_sent_back_as_get_showed_it_is_no_change(client, headers):
    product = make_product(client, headers)
    repair = make_repair(client, headers, parts=[{"product_id": product["id"], "qty": 1}],
                         labour=[{"description": "Fit", "hours": 1, "rate": 10}])
    client.post(f"/api/v1/repairs/{repair['id']}/invoice", headers=headers)
    shown = client.get(f"/api/v1/repairs/{repair['id']}", headers=headers).json
    response = client.put(f"/api/v1/repairs/{repair['id']}", json={**shown, "diagnosis": "Ok"},
                          headers=headers)
    assert response.status_code == 200, response.json
    assert stock_of(client, headers, product) == "9.000"


def test_invoicing_needs_the_invoice_permission_and_scope(client, tree, make_caller, auth):
    """Invoicing makes an invoice: a user without invoices:edit, or a token without
    invoices:write, invoices nothing."""
    for permissions, scope in ((["repairs:edit", "customers:edit"], None),
                               (["repairs:edit", "customers:edit", "invoices:edit"],
                                "repairs:read repairs:write customers:write")):
        headers = auth(make_caller(tree.C, permissions=permissions), scope)
        repair = make_repair(client, headers)
        response = client.post(f"/api/v1/repairs/{repair['id']}/invoice", headers=headers)
        assert response.status_code == 403, response.json
        assert response.json["scope"] == "repairs:write invoices:write"
        assert client.get(f"/api/v1/repairs/{repair['id']}", headers=headers).json[
            "invoice_id"] is None
