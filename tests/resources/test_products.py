"""Products: filters and sorting as in the Hub API, stock movements, low stock."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import StockMovement
from tests.resources.helpers import make_invoice


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
    assert names(client, catalogue, type=["service", "product"]) == [
        "A New Phone", "Web Hosting", "Desk Phone"]
    assert names(client, catalogue, type="-1") == []  # every product has a type
    assert names(client, catalogue, type=["-1", "service"]) == ["Web Hosting"]


@pytest.mark.parametrize("value", ["10", "0", "Product", ""])
def test_type_filter_takes_names_only(client, catalogue, value):
    response = client.get("/api/v1/products", query_string={"type": value}, headers=catalogue)
    assert response.status_code == 422
    assert response.json["errors"] == {"type.0": "Must be one of: product, service, -1."}


@pytest.mark.parametrize("sort_by,expected", [
    ("+name", ["A New Phone", "Desk Phone", "Web Hosting"]),
    ("-name", ["Web Hosting", "Desk Phone", "A New Phone"]),
    ("+price", ["Desk Phone", "Web Hosting", "A New Phone"]),
    ("-price", ["A New Phone", "Web Hosting", "Desk Phone"]),
])
def test_sort(client, catalogue, sort_by, expected):
    assert names(client, catalogue, sort_by=sort_by) == expected


def test_several_sort_keys_in_order(client, catalogue):
    client.post("/api/v1/products", json={"name": "Desk Phone", "price": "99.99"},
                headers=catalogue)
    assert names(client, catalogue, sort_by=["-price", "+name"]) == [
        "A New Phone", "Desk Phone", "Web Hosting", "Desk Phone"]
    assert names(client, catalogue, sort_by=["+name", "-price"]) == [
        "A New Phone", "Desk Phone", "Desk Phone", "Web Hosting"]
    prices = [p["price"] for p in client.get(
        "/api/v1/products?sort_by=%2Bname&sort_by=-price", headers=catalogue).json["data"]]
    assert prices == ["100.12", "99.99", "45.00", "99.99"]


def test_an_unencoded_plus_is_read_as_plus(client, catalogue):
    response = client.get("/api/v1/products?sort_by=+price", headers=catalogue)  # " price"
    assert [p["name"] for p in response.json["data"]] == ["Desk Phone", "Web Hosting",
                                                           "A New Phone"]


@pytest.mark.parametrize("query,errors", [
    ("sort_by=popularity", {"sort_by.0": "Must be one of: -popularity, +popularity, -name, "
                                         "+name, -price, +price."}),
    ("sort_by=-name&sort_by=%2Bprice&sort_by=-name", {"sort_by": "Give each key once."}),
    ("sort_by=-name&sort_by=%2Bname", {"sort_by": "Give each key once."}),
    ("sort_by=", {"sort_by.0": "Must be one of: -popularity, +popularity, -name, +name, "
                               "-price, +price."}),
])
def test_bad_sort_is_422(client, catalogue, query, errors):
    response = client.get(f"/api/v1/products?{query}", headers=catalogue)
    assert response.status_code == 422
    assert response.json["errors"] == errors


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


# --- the catalogue of a distributor (the 003 seed) -------------------------------------

RATE_PLAN = {
    "id": 1, "name": "Monthly Gold", "term_length": 24, "billing_frequency": "monthly",
    "renewal_term_length": 12, "default": True, "min_quantity": 1, "max_quantity": 100,
    "rate_plan_charges": [{
        "id": 1, "name": "Monthly maintenance fee", "charge_type": "recurring",
        "charge_model": "per_unit",
        "rate_plan_charge_costs": [{"id": 1, "currency": "GBP", "charge_cost_price": "4.99"}],
        "unit_of_measure": "User"}],
}
CATALOGUE = {
    "detailed_description": "It makes toast.\n*T&Cs apply", "featured_description": "100 lines",
    "rrp": "110.12", "thumb_url": "https://cdn.example.com/t.png",
    "main_image_url": "https://cdn.example.com/m.png",
    "datasheet_url": "http://cdn.example.com/d.pdf", "guide_url": "https://cdn.example.com/g.pdf",
    "quickstart_url": "https://intranet/q.pdf", "shipping_cost": "20.00",
    "subscription_type": "DROPBOX", "rate_plans": [RATE_PLAN], "is_shippable": True,
    "is_financeable": False,
}


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def vendor(client, headers, name="Yealink", **fields):
    response = client.post("/api/v1/vendors", json={"name": name, **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json["id"]


def product(client, headers, name="P", **fields):
    response = client.post("/api/v1/products", json={"name": name, "price": "1.00", **fields},
                           headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_catalogue_fields_are_kept_and_answered(client, headers):
    vendor_id = vendor(client, headers)
    created = product(client, headers, vendor=vendor_id, **CATALOGUE)
    assert {key: created[key] for key in CATALOGUE} == CATALOGUE
    assert created["vendor"] == vendor_id
    fetched = client.get(f"/api/v1/products/{created['id']}", headers=headers).json
    assert fetched == created


def test_defaults_of_the_catalogue_fields(client, headers):
    created = product(client, headers)
    assert {key: created[key] for key in CATALOGUE} == {
        **{key: None for key in CATALOGUE}, "rate_plans": [], "is_shippable": False,
        "is_financeable": False}
    assert created["vendor"] is None


def test_catalogue_fields_change_and_clear(client, headers):
    created = product(client, headers, vendor=vendor(client, headers), **CATALOGUE)
    url = f"/api/v1/products/{created['id']}"
    cleared = {"vendor": None, "rrp": None, "thumb_url": None, "subscription_type": None,
               "shipping_cost": None, "detailed_description": None, "rate_plans": []}
    response = client.patch(url, json=cleared, headers=headers)
    assert response.status_code == 200, response.json
    assert {key: response.json[key] for key in cleared} == cleared
    assert response.json["main_image_url"] == CATALOGUE["main_image_url"]
    again = client.put(url, json={"rate_plans": [{"name": "Basic"}], "is_financeable": True,
                                  "rrp": 5}, headers=headers).json
    assert (again["rate_plans"], again["is_financeable"], again["rrp"]) == (
        [{"name": "Basic"}], True, "5.00")


def test_rate_plan_amounts_are_exact_decimals(client, headers):
    plan = {"name": "Plan", "rate_plan_charges": [{"name": "Fee", "rate_plan_charge_costs": [
        {"currency": "GBP", "charge_cost_price": 4.99}, {"currency": "EUR", "charge_cost_price": 5}]}]}
    created = client.post("/api/v1/products", data='{"name": "P", "price": 1, "rate_plans": '
                          '[{"name": "Plan", "rate_plan_charges": [{"name": "Fee", '
                          '"rate_plan_charge_costs": [{"currency": "GBP", "charge_cost_price": '
                          '4.99}, {"currency": "EUR", "charge_cost_price": 5}]}]}]}',
                          content_type="application/json", headers=headers)
    assert created.status_code == 201, created.json
    costs = created.json["rate_plans"][0]["rate_plan_charges"][0]["rate_plan_charge_costs"]
    assert [c["charge_cost_price"] for c in costs] == ["4.99", "5.00"]
    assert created.json["rate_plans"][0]["name"] == plan["name"]


PLAN = {"name": "Plan"}


@pytest.mark.parametrize("fields,errors", [
    ({"thumb_url": "string"}, {"thumb_url": "Not a valid URL."}),
    ({"guide_url": "javascript:alert(1)"}, {"guide_url": "Not a valid URL."}),
    ({"datasheet_url": "ftp://example.com/d.pdf"}, {"datasheet_url": "Not a valid URL."}),
    ({"main_image_url": "/images/phone.png"}, {"main_image_url": "Not a valid URL."}),
    ({"quickstart_url": "https://example.com/" + "q" * 2000},
     {"quickstart_url": "Longer than maximum length 2000."}),
    ({"rrp": 1.001}, {"rrp": "At most 2 decimal places."}),
    ({"shipping_cost": -1}, {"shipping_cost": "Must be at least 0 and at most 9999999999.99."}),
    ({"is_shippable": "true"}, {"is_shippable": "Not a valid boolean."}),
    ({"is_financeable": 1}, {"is_financeable": "Not a valid boolean."}),
    ({"subscription_type": "x" * 51}, {"subscription_type": "Length must be between 0 and 50."}),
    ({"vendor": "5"}, {"vendor": "Not a valid integer."}),
    ({"rate_plans": None}, {"rate_plans": "Field may not be null."}),
    ({"rate_plans": [{}]}, {"rate_plans.0.name": "Missing data for required field."}),
    ({"rate_plans": [{**PLAN, "min_quantity": 5, "max_quantity": 2}]},
     {"rate_plans.0.max_quantity": "Must not be below min_quantity."}),
    ({"rate_plans": [{**PLAN, "default": True}, {**PLAN, "default": True}]},
     {"rate_plans": "At most one rate plan is the default."}),
    ({"rate_plans": [{**PLAN, "term_length": 1.5}]},
     {"rate_plans.0.term_length": "Not a valid integer."}),
    ({"rate_plans": [{**PLAN, "default": "yes"}]},
     {"rate_plans.0.default": "Not a valid boolean."}),
    ({"rate_plans": [{**PLAN, "colour": "gold"}]}, {"rate_plans.0.colour": "Unknown field."}),
    ({"rate_plans": [{**PLAN, "rate_plan_charges": [{"name": "F", "rate_plan_charge_costs": [
        {"currency": "gbp", "charge_cost_price": "1.00"}]}]}]},
     {"rate_plans.0.rate_plan_charges.0.rate_plan_charge_costs.0.currency":
      "Use an ISO 4217 code such as GBP."}),
    ({"rate_plans": [{**PLAN, "rate_plan_charges": [{"name": "F", "rate_plan_charge_costs": [
        {"currency": "GBP", "charge_cost_price": "1.999"}]}]}]},
     {"rate_plans.0.rate_plan_charges.0.rate_plan_charge_costs.0.charge_cost_price":
      "At most 2 decimal places."}),
    ({"rate_plans": [PLAN] * 51}, {"rate_plans": "Longer than maximum length 50."}),
])
def test_catalogue_validation(client, headers, fields, errors):
    response = client.post("/api/v1/products", json={"name": "P", "price": "1", **fields},
                           headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == errors


def test_rate_plans_are_whole_in_an_update(client, headers):
    url = f"/api/v1/products/{product(client, headers)['id']}"
    response = client.put(url, json={"rate_plans": [{"term_length": 12}]}, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"rate_plans.0.name": "Missing data for required field."}


# --- vendor: a vendor of the product's own organisation --------------------------------

VENDOR_REFUSED = {"vendor": "Vendor not found in this organisation."}


def test_vendor_of_the_product_organisation(client, tree, headers):
    in_c, in_d = vendor(client, headers), vendor(client, headers, organisation=tree.D.id)
    assert product(client, headers, vendor=in_c)["vendor"] == in_c
    in_org_d = product(client, headers, vendor=in_d, organisation=tree.D.id)
    assert (in_org_d["vendor"], in_org_d["organisation"]) == (in_d, tree.D.id)


def test_vendor_out_of_reach_is_refused_like_an_unknown_one(client, tree, make_caller, auth,
                                                            headers):
    in_d = vendor(client, headers, organisation=tree.D.id)
    outsider = auth(make_caller(tree.B, admin=True))
    in_b = client.post("/api/v1/vendors", json={"name": "B's"}, headers=outsider).json["id"]
    in_c2 = client.post("/api/v1/vendors", json={"name": "C2's", "organisation": tree.C2.id},
                        headers=outsider).json["id"]
    target = product(client, headers)
    for vendor_id in (in_b, in_c2, in_d, 999_999):  # above, beside, below, never used
        created = client.post("/api/v1/products", json={"name": "P", "price": "1",
                                                        "vendor": vendor_id}, headers=headers)
        changed = client.put(f"/api/v1/products/{target['id']}", json={"vendor": vendor_id},
                             headers=headers)
        for response in (created, changed):
            assert response.status_code == 422, vendor_id
            assert response.json["errors"] == VENDOR_REFUSED
            assert response.json["detail"] == "The vendor must belong to the product's organisation."
    assert client.get(f"/api/v1/products/{target['id']}", headers=headers).json["vendor"] is None


def test_vendor_filter(client, tree, make_caller, auth, headers):
    yealink, poly = vendor(client, headers), vendor(client, headers, "Poly")
    product(client, headers, "Phone", vendor=yealink)
    product(client, headers, "Headset", vendor=poly)
    product(client, headers, "Hosting")
    assert names(client, headers, vendor=yealink) == ["Phone"]
    assert names(client, headers, vendor=[yealink, poly]) == ["Phone", "Headset"]
    assert names(client, headers, vendor=[yealink, yealink]) == ["Phone"]
    assert names(client, headers, vendor="-1") == ["Hosting"]
    assert names(client, headers, vendor=["-1", poly]) == ["Headset", "Hosting"]
    assert names(client, headers, vendor="-1", type="service") == []
    outsider = auth(make_caller(tree.B, admin=True))
    in_b = client.post("/api/v1/vendors", json={"name": "B's"}, headers=outsider).json["id"]
    for value in (in_b, 999_999):
        response = client.get("/api/v1/products", query_string={"vendor": [yealink, value]},
                              headers=headers)
        assert response.status_code == 422
        assert response.json["errors"] == {"vendor": f"Vendor {value} was not found."}
    for value in ("0", "-2", "x"):
        response = client.get(f"/api/v1/products?vendor={value}", headers=headers)
        assert response.status_code == 422
        assert list(response.json["errors"]) == ["vendor.0"]
    too_many = client.get("/api/v1/products", query_string={"vendor": ["-1"] * 51},
                          headers=headers)
    assert too_many.json["errors"] == {"vendor": "Longer than maximum length 50."}


# --- popularity: units invoiced in the last 90 days ------------------------------------

def _sell(client, headers, product_id, qty, days_ago, **fields):
    day = (date.today() - timedelta(days=days_ago)).isoformat()
    return make_invoice(client, headers, date=day, items=[
        {"description": "x", "qty": str(qty), "amount": "1.00", "product_id": product_id}],
        **fields)


def test_popularity_counts_units_invoiced_in_the_last_90_days(client, headers):
    p1, p2, p3, p4, p5 = (product(client, headers, name, stock="1000")["id"]
                          for name in ("One", "Two", "Three", "Zed", "Alpha"))
    _sell(client, headers, p1, 5, 10)
    _sell(client, headers, p1, 100, 0, status="Draft")  # not invoiced yet
    void = _sell(client, headers, p1, 100, 0)
    assert client.put(f"/api/v1/invoices/{void['id']}", json={"status": "Void"},
                      headers=headers).status_code == 200
    _sell(client, headers, p2, 3, 89)  # the 90th day back, today being the first
    paid = _sell(client, headers, p2, 2.5, 30)
    client.post("/api/v1/payments", json={"invoice_id": paid["id"], "amount": paid["total"],
                                          "date": date.today().isoformat(), "method": "card"},
                headers=headers)
    make_invoice(client, headers, items=[  # several lines of one invoice add up
        {"description": "a", "qty": "1", "amount": "1.00", "product_id": p2},
        {"description": "b", "qty": "1", "amount": "1.00", "product_id": p2},
        {"description": "c", "qty": "9", "amount": "1.00"}],
        date=date.today().isoformat())
    _sell(client, headers, p3, 50, 90)  # a day too old
    _sell(client, headers, p3, 50, -1)  # dated tomorrow
    _sell(client, headers, p3, 1, 0)
    # popularity: Two 7.5, One 5, Three 1, Zed 0, Alpha 0 (ties by id)
    assert names(client, headers, sort_by="-popularity") == ["Two", "One", "Three", "Zed", "Alpha"]
    assert names(client, headers, sort_by=["-popularity", "+name"]) == [
        "Two", "One", "Three", "Alpha", "Zed"]
    assert names(client, headers, sort_by="+popularity") == ["Zed", "Alpha", "Three", "One", "Two"]
    pages = [names(client, headers, sort_by="-popularity", per_page=2, page=page)
             for page in (1, 2, 3)]
    assert pages == [["Two", "One"], ["Three", "Zed"], ["Alpha"]]
    assert names(client, headers) == ["One", "Two", "Three", "Zed", "Alpha"]  # default: by id
