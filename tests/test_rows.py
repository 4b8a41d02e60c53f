"""Lists read as plain rows (app.rows) answer exactly what ORM objects dumped by the same
schemas answer; and the keyset cursor (`after`, `meta.next`)."""
import pytest

from app import models, rows
from app.schemas import api_client, customer, invoice, organisation, payment, product, user
from app.schemas import vendor as vendors
from tests.resources.helpers import make_customer, make_invoice, pay

LISTS = ["customers", "invoices", "users", "organisations", "api-clients", "products",
         "vendors", "payments", "organisations/{D}/addresses"]


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


@pytest.fixture
def records(client, tree, headers):
    """A few records of every kind in C and D, with what the schemas compute: an invoice
    past due (status Overdue), a partly paid one (balance), lines with products."""
    vendor = client.post("/api/v1/vendors", json={"name": "Acme", "organisation": tree.D.id},
                         headers=headers).json
    charge = {"name": "Fee", "rate_plan_charge_costs": [{"currency": "GBP",
                                                         "charge_cost_price": "4.5"}]}
    product = client.post("/api/v1/products", json={
        "organisation": tree.D.id, "name": "Widget", "price": "9.99", "stock": "50",
        "vendor": vendor["id"],
        "rate_plans": [{"id": 7, "name": "Monthly", "rate_plan_charges": [charge]}]},
        headers=headers).json
    assert "id" in product, product
    customer = make_customer(client, headers, email="jane@example.com")
    make_invoice(client, headers, customer_id=customer["id"], date="2020-01-01",
                 due_date="2020-02-01")
    paid = make_invoice(client, headers, organisation=tree.D.id, items=[
        {"description": "Widgets", "qty": "2.5", "amount": "9.99", "product_id": product["id"]},
        {"description": "Fitting", "qty": "1", "amount": "40.00", "tax_rate": "20"}],
        customer_id=make_customer(client, headers, organisation=tree.D.id)["id"])
    assert pay(client, headers, paid["id"], "10.00").status_code == 201
    assert client.post(f"/api/v1/organisations/{tree.D.id}/addresses", json={
        "name": "Office", "addr_line_1": "1 Road", "city": "London", "country_code": 826},
        headers=headers).status_code == 201
    client.post("/api/v1/users", json={
        "name": "Pat", "email": "pat@example.com", "organisation": tree.D.id,
        "modules": ["BILLING"], "permissions": [{"permission": "customers:view", "parent": True}]},
        headers=headers)


@pytest.mark.parametrize("path", LISTS)
def test_rows_answer_as_orm_objects_do(client, tree, headers, records, monkeypatch, path):
    url = "/api/v1/" + path.format(D=tree.D.id) + "?per_page=100"
    fast = client.get(url, headers=headers)
    assert fast.status_code == 200, fast.json
    assert fast.json["data"]
    monkeypatch.setattr(rows, "plan_for", lambda schema, model: None)
    assert client.get(url, headers=headers).json == fast.json


def test_every_list_schema_has_a_plan(app):
    """None of today's lists falls back to ORM objects (a new field that cannot be read
    from columns would, silently; this says so)."""
    pairs = [(customer.CustomerSchema, models.Customer), (invoice.InvoiceSchema, models.Invoice),
             (user.UserSchema, models.User), (organisation.OrganisationSchema, models.Organisation),
             (organisation.AddressSchema, models.Address),
             (api_client.ApiClientSchema, models.ApiClient),
             (product.ProductSchema, models.Product), (vendors.VendorSchema, models.Vendor),
             (payment.PaymentSchema, models.Payment)]
    assert [schema.__name__ for schema, model in pairs if rows.plan_for(schema, model) is None] == []


def test_the_cursor_walks_the_list_as_pages_do(client, headers):
    for n in range(7):
        make_customer(client, headers, account=f"Customer {n}")
    by_page = [client.get(f"/api/v1/customers?per_page=3&page={page}", headers=headers).json
               for page in (1, 2, 3)]
    walked, after = [], None
    while True:
        query = "per_page=3" + (f"&after={after}" if after is not None else "")
        answer = client.get(f"/api/v1/customers?{query}", headers=headers).json
        walked.append(answer)
        after = answer["meta"]["next"]
        if after is None:
            break
    assert [page["data"] for page in walked] == [page["data"] for page in by_page]
    assert [page["meta"]["next"] for page in by_page] == [page["meta"]["next"] for page in walked]
    assert walked[1]["meta"] == {"current_page": None, "per_page": 3, "total_pages": 3,
                                 "total_records": 7, "next": by_page[1]["data"][-1]["id"]}


def test_after_the_last_record_is_an_empty_page(client, headers):
    last = make_customer(client, headers)["id"]
    answer = client.get(f"/api/v1/customers?after={last}", headers=headers).json
    assert answer["data"] == [] and answer["meta"]["next"] is None


@pytest.mark.parametrize("query", ["after=1&page=2", "after=-1", "after=x"])
def test_bad_cursors_are_422_on_after(client, headers, query):
    answer = client.get(f"/api/v1/customers?{query}", headers=headers)
    assert answer.status_code == 422
    assert "after" in answer.json["errors"]


def test_after_needs_the_default_order(client, headers):
    answer = client.get("/api/v1/products?after=1&sort_by=-name", headers=headers)
    assert answer.status_code == 422
    assert "after" in answer.json["errors"]
