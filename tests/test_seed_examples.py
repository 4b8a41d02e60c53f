"""The seeds' own requests (/work/shared/seeds, issue 11), sent as written.

Each request body below is copied verbatim from a seed's text (as JSON text, so that
``1500.00`` arrives as the seed wrote it), with its path under /api/v1. Each is accepted,
or refused for a reason the API documents: a resource it does not have (404), a field it
does not have (422), a filter value outside the documented ones (422).
"""
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.bootstrap import create_client
from app.extensions import db
from app.models import Product
from tests.resources.helpers import make_customer, make_invoice, pay

JSON = "application/json"

# 001, "Create Customer"
SEED_CUSTOMER = """{
    "account": "Jane Smith",
    "email": "jane@example.com",
    "phone": "1234567890",
    "address": "123 Business St",
    "city": "New York",
    "state": "NY",
    "zip": "10001",
    "country": "US"
}"""

# 001, "Create Invoice"
SEED_INVOICE = """{
    "customer_id": 1,
    "date": "2024-01-15",
    "due_date": "2024-02-15",
    "items": [
        {
            "description": "Web Development",
            "amount": 1500.00,
            "qty": 1
        }
    ],
    "notes": "Payment due within 30 days"
}"""

# 001, "Create Quote"
SEED_QUOTE = """{
    "customer_id": 1,
    "valid_until": "2024-02-15",
    "items": [
        {
            "description": "Consulting Services",
            "amount": 2000.00,
            "qty": 1
        }
    ]
}"""

# 001, "Record Transaction"
SEED_TRANSACTION = """{
    "type": "Income",
    "account_id": 1,
    "amount": 1500.00,
    "category_id": 1,
    "description": "Website Development Payment",
    "date": "2024-01-15"
}"""

# 001, "Batch Create Customers"
SEED_BATCH = """{
    "customers": [
        {
            "account": "Customer 1",
            "email": "customer1@example.com"
        },
        {
            "account": "Customer 2",
            "email": "customer2@example.com"
        }
    ]
}"""

# 001, "Create Product"
SEED_PRODUCT = """{
    "name": "Web Hosting",
    "price": 99.99,
    "description": "Annual web hosting package",
    "type": "service",
    "tax_rate": 10
}"""

# 001, "Create User"
SEED_USER = """{
    "name": "Admin User",
    "email": "admin@example.com",
    "password": "securepassword",
    "role": "administrator"
}"""

# 001, "Create Ticket"
SEED_TICKET = """{
    "customer_id": 1,
    "subject": "Technical Support Required",
    "message": "Need assistance with installation",
    "department_id": 1,
    "priority": "High"
}"""

# 001, "Create Lead"
SEED_LEAD = """{
    "first_name": "John",
    "last_name": "Smith",
    "email": "john@example.com",
    "company": "Acme Corp",
    "phone": "1234567890",
    "source": "Website"
}"""

# 001, "Webhook Registration"
SEED_WEBHOOK = """{
    "url": "https://your-domain.com/webhook",
    "events": ["invoice.created", "payment.received"]
}"""

# 002: "PATCH: Actions on existing entities ... Example: Sending invoice by email."
SEED_SEND_ACTION = '{"action": "send"}'

# 003: the token request, form-encoded
SEED_TOKEN_REQUEST = ("client_id=123e4567-e89b-12d3-a456-426614174000"
                      "&client_secret=abcdefgh1234567&grant_type=client_credentials")


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def send(client, method, path, body, headers):
    return client.open(f"/api/v1{path}", method=method, data=body, content_type=JSON,
                       headers=headers)


# --- 001 -------------------------------------------------------------------------------

def test_001_create_customer_then_invoice_for_it(client, headers):
    customer = send(client, "POST", "/customers", SEED_CUSTOMER, headers)
    assert customer.status_code == 201, customer.json
    assert customer.json["id"] == 1  # the invoice example's customer_id
    invoice = send(client, "POST", "/invoices", SEED_INVOICE, headers)
    assert invoice.status_code == 201, invoice.json
    line = invoice.json["items"][0]
    assert (line["amount"], line["qty"], line["line_total"]) == ("1500.00", "1.000", "1500.00")
    assert (invoice.json["total"], invoice.json["invoice_number"]) == ("1500.00", "INV-2024-0001")
    assert invoice.json["notes"] == "Payment due within 30 days"
    assert invoice.json["status"] == "Overdue"  # due 2024-02-15, unpaid


def test_001_create_quote(client, headers):
    send(client, "POST", "/customers", SEED_CUSTOMER, headers)
    response = send(client, "POST", "/quotes", SEED_QUOTE, headers)
    assert response.status_code == 201, response.json
    quote = response.json
    assert (quote["total"], quote["items"][0]["qty"]) == ("2000.00", "1.000")
    assert quote["quote_number"] == f"QUO-{date.today().year}-0001"  # dated today
    assert quote["status"] == "Expired"  # valid until 2024-02-15


def test_001_record_transaction(client, headers):
    account = send(client, "POST", "/accounts", '{"name": "Bank", "type": "bank"}', headers)
    category = send(client, "POST", "/categories", '{"name": "Sales", "type": "Income"}', headers)
    assert (account.json["id"], category.json["id"]) == (1, 1)  # the example's ids
    response = send(client, "POST", "/transactions", SEED_TRANSACTION, headers)
    assert response.status_code == 201, response.json
    assert (response.json["amount"], response.json["date"]) == ("1500.00", "2024-01-15")
    assert client.get("/api/v1/accounts/1", headers=headers).json["balance"] == "1500.00"


def test_001_list_transactions_parameters(client, headers):
    send(client, "POST", "/accounts", '{"name": "Bank", "type": "bank"}', headers)
    send(client, "POST", "/categories", '{"name": "Sales", "type": "Income"}', headers)
    recorded = send(client, "POST", "/transactions", SEED_TRANSACTION, headers).json
    response = client.get("/api/v1/transactions?type=Income&account_id=1&date_from=2024-01-01"
                          "&date_to=2024-01-31", headers=headers)
    assert response.status_code == 200, response.json
    assert [t["id"] for t in response.json["data"]] == [recorded["id"]]


def test_001_batch_create_customers(client, headers):
    response = send(client, "POST", "/batch/customers", SEED_BATCH, headers)
    assert response.status_code == 200, response.json
    assert response.json == {"results": [{"index": 0, "status": 201, "id": 1},
                                         {"index": 1, "status": 201, "id": 2}],
                             "created": 2, "failed": 0}
    assert client.get("/api/v1/customers/2", headers=headers).json["account"] == "Customer 2"


def test_001_create_product(client, headers):
    response = send(client, "POST", "/products", SEED_PRODUCT, headers)
    assert response.status_code == 201, response.json
    assert (response.json["price"], response.json["tax_rate"], response.json["type"]) == (
        "99.99", "10.00", "service")


def test_001_create_user_password_is_refused_and_role_taken(client, headers):
    """Users sign in through API clients: the seed's password is refused, saying so; its
    role is a set of permissions (GET /roles) the caller, an admin, may grant."""
    response = send(client, "POST", "/users", SEED_USER, headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["password"]
    assert response.json["errors"]["password"].startswith("Users have no password")
    without = json.dumps({k: v for k, v in json.loads(SEED_USER).items() if k != "password"})
    created = send(client, "POST", "/users", without, headers)
    assert created.status_code == 201, created.json
    assert created.json["role"] == "administrator"


def test_001_create_ticket_and_lead(client, headers):
    send(client, "POST", "/customers", SEED_CUSTOMER, headers)
    department = send(client, "POST", "/departments", '{"name": "Support"}', headers)
    assert department.json["id"] == 1  # the example's department_id
    ticket = send(client, "POST", "/tickets", SEED_TICKET, headers)
    assert ticket.status_code == 201, ticket.json
    assert (ticket.json["subject"], ticket.json["priority"], ticket.json["status"]) == (
        "Technical Support Required", "High", "Open")
    messages = client.get(f"/api/v1/tickets/{ticket.json['id']}/messages", headers=headers).json
    assert messages["data"][0]["body"] == "Need assistance with installation"
    lead = send(client, "POST", "/leads", SEED_LEAD, headers)
    assert lead.status_code == 201, lead.json
    assert {key: lead.json[key] for key in json.loads(SEED_LEAD)} == json.loads(SEED_LEAD)


def test_001_list_tickets_parameters(client, headers):
    for status in ("Open", "Closed", "Pending"):
        response = client.get(f"/api/v1/tickets?status={status}&department_id=1&page=1&limit=20",
                              headers=headers)
        assert response.status_code == 422  # department 1 does not exist yet
        assert list(response.json["errors"]) == ["department_id"]
    send(client, "POST", "/departments", '{"name": "Support"}', headers)
    for status in ("Open", "Closed", "Pending"):
        response = client.get(f"/api/v1/tickets?status={status}&department_id=1",
                              headers=headers)
        assert response.status_code == 200, response.json


def test_001_financial_report_parameters(client, headers):
    send(client, "POST", "/customers", SEED_CUSTOMER, headers)
    send(client, "POST", "/invoices", SEED_INVOICE, headers)
    response = client.get("/api/v1/reports/financial?year=2024&month=1", headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["period"] == {"from": "2024-01-01", "to": "2024-02-01"}
    assert response.json["totals"] == [{
        "currency": "GBP", "income": "1500.00", "expenses": "0.00", "profit": "1500.00",
        "outstanding_invoices": "1500.00"}]


def test_001_register_webhook(client, headers):
    response = send(client, "POST", "/webhooks", SEED_WEBHOOK, headers)
    assert response.status_code == 201, response.json
    assert response.json["events"] == ["invoice.created", "payment.received"]
    assert response.json["enabled"] is True and response.json["secret"].startswith("whsec_")


def test_001_list_customers_parameters(client, headers):
    for n in range(3):
        make_customer(client, headers, account=f"John Doe {n}")
    response = client.get("/api/v1/customers?page=1&limit=2&search=John", headers=headers)
    assert response.status_code == 200, response.json
    assert len(response.json["data"]) == 2
    assert response.json["meta"] == {"current_page": 1, "per_page": 2, "total_pages": 2,
                                     "total_records": 3, "next": response.json["data"][1]["id"]}


def test_001_list_invoices_parameters(client, headers):
    send(client, "POST", "/customers", SEED_CUSTOMER, headers)
    invoice = send(client, "POST", "/invoices", SEED_INVOICE, headers).json
    for status in ("Paid", "Unpaid", "Partially Paid"):
        response = client.get(f"/api/v1/invoices?status={status}&customer_id=1"
                              "&date_from=2024-01-01&date_to=2024-02-15", headers=headers)
        assert response.status_code == 200, response.json
        expected = [invoice["id"]] if status == "Unpaid" else []  # past due, still Unpaid
        assert [i["id"] for i in response.json["data"]] == expected, status


# --- 002 -------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_002_send_action_queues_an_email(client, headers, method):
    customer = make_customer(client, headers, email="jane@example.com")
    invoice = make_invoice(client, headers, customer_id=customer["id"])
    response = send(client, method, f"/invoices/{invoice['id']}", SEED_SEND_ACTION, headers)
    assert response.status_code == 202, response.json
    assert (response.json["invoice_id"], response.json["status"]) == (invoice["id"], "queued")


# --- 003 -------------------------------------------------------------------------------

def test_003_token_request(client, admin_c):
    create_client(admin_c.user, "seed client", client_id="123e4567-e89b-12d3-a456-426614174000",
                  secret="abcdefgh1234567")
    db.session.commit()
    response = client.post("/oauth/token", data=SEED_TOKEN_REQUEST,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.json
    assert (response.json["token_type"], response.json["expires_in"]) == ("Bearer", 3600)


def _seed_vendors(client, headers):
    for n in range(5):  # the examples' vendor 5
        assert send(client, "POST", "/vendors", f'{{"name": "Vendor {n + 1}"}}',
                    headers).status_code == 201


@pytest.mark.parametrize("query,status,field", [
    ("page=2", 200, None),
    ("per_page=100", 200, None),
    ("text=2200-123-123", 200, None),
    ("vendor=5", 200, None),  # the seed's vendor 5, made below
    ("type=10", 422, "type.0"),  # types are "product" and "service", not numeric ids
    ("sort_by=-popularity", 200, None),
])
def test_003_list_products_parameters(client, headers, query, status, field):
    _seed_vendors(client, headers)
    response = client.get(f"/api/v1/products?{query}", headers=headers)
    assert response.status_code == status, response.json
    if field:
        assert list(response.json["errors"]) == [field]


# 003, "List of products" and "Product information": a product as the Hub API answers it
SEED_CATALOGUE_PRODUCT = r"""{
    "id": 1,
    "name": "A New Phone",
    "product_code": "NEW-PH0N3",
    "description": "100 Lines, Full Colour, Makes Toast Too",
    "detailed_description": "This phone is everything you need in a new device. It makes toast, orders lunch, and even has been known to save lives*\n*T&Cs apply",
    "featured_description": "100 lines\nFull colour screen\nIn-built toaster",
    "vendor": 5,
    "type": 10,
    "rrp": 110.12,
    "price": 100.12,
    "thumb_url": "string",
    "main_image_url": "string",
    "datasheet_url": "string",
    "guide_url": "string",
    "quickstart_url": "string",
    "stock": 9001,
    "provisioning": [
        {
            "id": 1,
            "sku": "123-4567-1200",
            "name": "Phone maintenance",
            "price": 12.34,
            "dovetail": false
        }
    ],
    "maintenance": [
        {
            "id": 1,
            "sku": "123-4567-1200",
            "name": "Phone maintenance",
            "price": 12.34,
            "dovetail": false
        }
    ],
    "shipping_cost": 20,
    "subscription_type": "DROPBOX",
    "rate_plans": [
        {
            "id": 1,
            "name": "Monthly Gold",
            "term_length": 24,
            "billing_frequency": "monthly",
            "renewal_term_length": 12,
            "default": true,
            "min_quantity": 1,
            "max_quantity": 100,
            "rate_plan_charges": [
                {
                    "id": 1,
                    "name": "Monthly maintenance fee",
                    "charge_type": "recurring",
                    "charge_model": "per_unit",
                    "rate_plan_charge_costs": [
                        {
                            "id": 1,
                            "currency": "GBP",
                            "charge_cost_price": 4.99
                        }
                    ],
                    "unit_of_measure": "User"
                }
            ]
        }
    ],
    "is_shippable": false,
    "is_financeable": false
}"""  # noqa: E501 - as the seed writes it

# What of it this API refuses, and why (README, "Using the API")
SEED_CATALOGUE_REFUSED = {
    "id": "Unknown field.",  # a create refuses read-only fields; a PUT ignores them
    "type": "Not a valid string.",  # "product" or "service", not a numeric product-type id
    **{url: "Not a valid URL." for url in (  # the document's placeholder, not a URL
        "thumb_url", "main_image_url", "datasheet_url", "guide_url", "quickstart_url")},
    "provisioning": "Unknown field.",  # related add-on products: not in this API
    "maintenance": "Unknown field.",
}


def test_003_catalogue_product_verbatim(client, headers):
    _seed_vendors(client, headers)
    response = send(client, "POST", "/products", SEED_CATALOGUE_PRODUCT, headers)
    assert response.status_code == 422
    assert response.json["errors"] == SEED_CATALOGUE_REFUSED


def test_003_catalogue_product_without_what_is_refused(client, headers):
    """The example with only the refused fields left out or made real: every other
    field is accepted as written and answered as sent (decimals as strings)."""
    _seed_vendors(client, headers)
    urls = {url: f"https://cdn.example.com/{url}" for url in (
        "thumb_url", "main_image_url", "datasheet_url", "guide_url", "quickstart_url")}
    text = SEED_CATALOGUE_PRODUCT.replace('    "id": 1,\n', "", 1).replace('    "type": 10,\n', "")
    text = re.sub(r'\n    "provisioning": \[.*?\n    \],\n    "maintenance": \[.*?\n    \],', "",
                  text, flags=re.DOTALL)
    for url, value in urls.items():
        text = text.replace(f'"{url}": "string"', f'"{url}": "{value}"')
    assert set(json.loads(text)) == set(json.loads(SEED_CATALOGUE_PRODUCT)) - {
        "id", "type", "provisioning", "maintenance"}
    response = send(client, "POST", "/products", text, headers)
    assert response.status_code == 201, response.json
    product = response.json
    assert (product["vendor"], product["type"], product["rrp"], product["price"]) == (
        5, "product", "110.12", "100.12")
    assert (product["stock"], product["shipping_cost"]) == ("9001.000", "20.00")
    assert product["detailed_description"].endswith("save lives*\n*T&Cs apply")
    plan = json.loads(SEED_CATALOGUE_PRODUCT)["rate_plans"][0]
    plan["rate_plan_charges"][0]["rate_plan_charge_costs"][0]["charge_cost_price"] = "4.99"
    assert product["rate_plans"] == [plan]
    assert {key: product[key] for key in urls} == urls
    assert (product["subscription_type"], product["is_shippable"], product["is_financeable"]) == (
        "DROPBOX", False, False)
    fetched = client.get(f"/api/v1/products/{product['id']}", headers=headers).json
    assert fetched == product
    # as a PUT, the example's id is ignored like any read-only field
    put = send(client, "PUT", f"/products/{product['id']}",
               json.dumps({**json.loads(text), "id": 1}), headers)
    assert put.status_code == 200, put.json


# --- 000 and 004 -----------------------------------------------------------------------

SEED_000_TABLE = [
    ("GET", "/customers"), ("GET", "/customers/1"), ("POST", "/customers"),
    ("PUT", "/customers/1"), ("DELETE", "/customers/1"),
    ("GET", "/invoices"), ("GET", "/invoices/1"), ("POST", "/invoices"), ("PUT", "/invoices/1"),
    ("GET", "/invoices/1/pdf"), ("POST", "/invoices/1/send"),
    ("GET", "/products"), ("GET", "/products/1"), ("POST", "/products"), ("PUT", "/products/1"),
    ("GET", "/products/low-stock"),
    ("GET", "/payments"), ("POST", "/payments"),
    ("GET", "/repairs"), ("GET", "/repairs/1"), ("POST", "/repairs"), ("PUT", "/repairs/1"),
]


def test_000_planned_endpoints_exist(app):
    urls = app.url_map.bind("localhost")
    for method, path in SEED_000_TABLE:
        urls.match(f"/api/v1{path}", method=method)  # raises if not routed


def test_004_access_token_in_the_query_is_refused(client, admin_c, get_token):
    response = client.get(f"/api/v1/me?access_token={get_token(admin_c)}")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"


# --- numbers ---------------------------------------------------------------------------

def _product(client, headers, body: str):
    return client.post("/api/v1/products", data=body, content_type=JSON, headers=headers)


def test_a_json_number_is_read_exactly(client, headers):
    response = _product(client, headers, '{"name": "P", "price": 19.99, "stock": 9001}')
    assert response.status_code == 201, response.json
    assert (response.json["price"], response.json["stock"]) == ("19.99", "9001.000")
    stored = db.session.scalar(select(Product.price).where(Product.id == response.json["id"]))
    assert stored == Decimal("19.99")


def test_tenths_add_up_exactly(client, headers):
    invoice = make_invoice(client, headers, items=[
        {"description": "a", "amount": 0.1, "qty": 1}, {"description": "b", "amount": 0.2, "qty": 1},
        {"description": "c", "amount": 0.1, "qty": 3}])
    assert [line["line_total"] for line in invoice["items"]] == ["0.10", "0.20", "0.30"]
    assert invoice["total"] == "0.60"


@pytest.mark.parametrize("literal", ["1e3", "1E3", "1.5E2", "1.50e1", "1000e-1", "2e0"])
def test_an_exponent_is_refused_on_the_field(client, headers, literal):
    response = _product(client, headers, f'{{"name": "P", "price": {literal}}}')
    assert response.status_code == 422
    assert response.json["errors"] == {
        "price": "Write the number without an exponent, e.g. 1500 rather than 1.5e3."}


@pytest.mark.parametrize("body,field,message", [
    ('{"name": "P", "price": 19.999}', "price", "At most 2 decimal places."),
    ('{"name": "P", "price": 1, "tax_rate": 10.001}', "tax_rate", "At most 2 decimal places."),
    ('{"name": "P", "price": 1, "stock": 1.0001}', "stock", "At most 3 decimal places."),
    ('{"name": "P", "price": -1}', "price", "Must be at least 0 and at most 9999999999.99."),
    ('{"name": "P", "price": 10000000000}', "price",
     "Must be at least 0 and at most 9999999999.99."),
    ('{"name": "P", "price": 1, "tax_rate": 100.01}', "tax_rate",
     "Must be at least 0 and at most 100."),
    ('{"name": "P", "price": true}', "price",
     'Use a number such as 99.99 or a decimal string such as "99.99".'),
])
def test_numbers_keep_the_strings_rules(client, headers, body, field, message):
    response = _product(client, headers, body)
    assert response.status_code == 422
    assert response.json["errors"] == {field: message}


def test_whole_numbers_and_trailing_zeros_are_accepted(client, headers):
    response = _product(client, headers,
                        '{"name": "P", "price": 100, "tax_rate": 20.00, "min_stock": 2.500}')
    assert response.status_code == 201, response.json
    assert (response.json["price"], response.json["tax_rate"], response.json["min_stock"]) == (
        "100.00", "20.00", "2.500")


def test_a_payment_amount_as_a_number(client, headers):
    invoice = make_invoice(client, headers)
    response = pay(client, headers, invoice["id"], 1500.00)
    assert response.status_code == 201, response.json
    assert response.json["amount"] == "1500.00"
    refused = pay(client, headers, make_invoice(client, headers)["id"], 0)
    assert refused.json["errors"] == {"amount": "Must be more than 0 and at most 9999999999.99."}


def test_the_document_offers_both_forms(client):
    spec = client.get("/openapi.json").json
    price = spec["components"]["schemas"]["Product"]["properties"]["price"]
    assert [form["type"] for form in price["oneOf"]] == ["string", "number"]
    total = spec["components"]["schemas"]["Invoice"]["properties"]["total"]
    assert total["type"] == "string" and total["readOnly"] is True


# --- fetch, modify, put back -----------------------------------------------------------

def _round_trip(client, headers, url, method="PUT", change=None):
    fetched = client.get(url, headers=headers)
    assert fetched.status_code == 200
    body = {**fetched.json, **(change or {})}
    response = client.open(url, method=method, json=body, headers=headers)
    assert response.status_code == 200, response.json
    kept = {key: value for key, value in response.json.items() if key != "updated_at"}
    assert kept == {key: value for key, value in body.items() if key != "updated_at"}
    return response


def _records(client, headers, tree, user_id):
    """A record of each resource with PUT, as a URL."""
    product = client.post("/api/v1/products", json={
        "name": "Widget", "price": "9.99", "tax_rate": "20", "stock": "5", "min_stock": "2",
        "product_code": "W-1"}, headers=headers).json
    paid = make_invoice(client, headers, notes="n")
    pay(client, headers, paid["id"], paid["total"])
    partly = make_invoice(client, headers, items=[
        {"description": "x", "amount": "10.00", "qty": "1", "product_id": product["id"]}])
    pay(client, headers, partly["id"], "1.00")
    overdue = make_invoice(client, headers, date="2020-01-01", due_date="2020-02-01")
    return {
        "organisation": f"/api/v1/organisations/{tree.D.id}",
        "user": f"/api/v1/users/{user_id}",
        "customer": f"/api/v1/customers/{make_customer(client, headers, email='a@b.com')['id']}",
        "product": f"/api/v1/products/{product['id']}",
        "invoice (unpaid)": f"/api/v1/invoices/{make_invoice(client, headers)['id']}",
        "invoice (paid)": f"/api/v1/invoices/{paid['id']}",
        "invoice (partly paid)": f"/api/v1/invoices/{partly['id']}",
        "invoice (overdue)": f"/api/v1/invoices/{overdue['id']}",
        "invoice (draft)": f"/api/v1/invoices/{make_invoice(client, headers, status='Draft')['id']}",
    }


RECORDS = ["organisation", "user", "customer", "product", "invoice (unpaid)", "invoice (paid)",
           "invoice (partly paid)", "invoice (overdue)", "invoice (draft)"]


@pytest.fixture
def records(client, tree, admin_c, headers):
    return _records(client, headers, tree, admin_c.user.id)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("record", RECORDS)
def test_a_record_put_back_as_fetched_is_accepted(client, headers, records, record, method):
    _round_trip(client, headers, records[record], method)


@pytest.mark.parametrize("record", RECORDS)
def test_a_fetched_record_changed_and_put_back(client, headers, records, record):
    url = records[record]
    field = {"organisation": "name", "user": "name", "customer": "account"}.get(
        record, "name" if record == "product" else "notes")
    _round_trip(client, headers, url, "PUT", {field: "Changed"})


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_root_organisation_put_back(client, tree, make_caller, auth, method):
    headers = auth(make_caller(tree.A, admin=True))
    _round_trip(client, headers, f"/api/v1/organisations/{tree.A.id}", method)
    response = client.put(f"/api/v1/organisations/{tree.D.id}", json={"parent": None},
                          headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"parent": "Give the organisation a parent."}


@pytest.mark.parametrize("record", ["customer", "invoice (unpaid)"])
def test_fields_that_do_not_exist_are_still_refused(client, headers, records, record):
    url = records[record]
    body = {**client.get(url, headers=headers).json, "colour": "blue"}
    response = client.put(url, json=body, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"colour": "Unknown field."}


def test_invoice_lines_put_back_keep_their_rules(client, headers, records):
    url = records["invoice (paid)"]
    body = client.get(url, headers=headers).json
    body["items"][0]["amount"] = "1.00"
    assert client.put(url, json=body, headers=headers).status_code == 409  # paid: lines stay
    body = client.get(records["invoice (unpaid)"], headers=headers).json
    body["items"][0]["colour"] = "blue"
    response = client.put(records["invoice (unpaid)"], json=body, headers=headers)
    assert response.json["errors"] == {"items.0.colour": "Unknown field."}


@pytest.mark.parametrize("status", ["Paid", "Partially Paid", "Overdue"])
def test_a_computed_status_cannot_be_set(client, headers, records, status):
    response = client.put(records["invoice (unpaid)"], json={"status": status}, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"status": "Set Draft, Unpaid or Void."}


def test_creates_still_refuse_read_only_fields(client, headers):
    response = client.post("/api/v1/customers", json={"account": "A", "id": 5}, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"id": "Unknown field."}


# --- PATCH -----------------------------------------------------------------------------

@pytest.mark.parametrize("record,change,field,expected", [
    ("organisation", {"linked_account": True}, "name", "D"),
    ("user", {"timezone": "UTC"}, "currency", "GBP"),
    ("customer", {"city": "Boston"}, "email", "a@b.com"),
    ("product", {"price": 12.5}, "stock", "4.000"),  # 5, less the one unit invoiced
    ("invoice (unpaid)", {"notes": "Thanks"}, "total", "1500.00"),
])
def test_patch_changes_the_fields_sent_only(client, headers, records, record, change, field,
                                            expected):
    response = client.patch(records[record], json=change, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json[field] == expected
    (name, value), = change.items()
    assert response.json[name] == (f"{value:.2f}" if isinstance(value, float) else value)


def test_patch_is_documented_beside_put(client):
    paths = client.get("/openapi.json").json["paths"]
    for path in ("/api/v1/organisations/{organisation_id}", "/api/v1/users/{user_id}",
                 "/api/v1/customers/{customer_id}", "/api/v1/products/{product_id}",
                 "/api/v1/invoices/{invoice_id}"):
        assert {"put", "patch"} <= set(paths[path]), path
        assert paths[path]["patch"]["operationId"].startswith("patch_")


# --- query parameters ------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/api/v1/customers?limit=2&vendor=5", "/api/v1/invoices?vendor=5",
    "/api/v1/payments?vendor=5", "/api/v1/users?vendor=5",
    "/api/v1/organisations?vendor=5", "/api/v1/api-clients?vendor=5",
    "/api/v1/products/low-stock?vendor=5", "/api/v1/me?vendor=5",
    "/api/v1/organisations/{org}?vendor=5", "/api/v1/organisations/{org}/addresses?vendor=5",
    "/api/v1/vendors?vendor=5",
])
def test_an_unknown_query_parameter_is_refused_by_name(client, tree, headers, url):
    response = client.get(url.format(org=tree.C.id), headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"vendor": "Unknown query parameter."}


def test_products_take_vendor_but_not_other_unknown_parameters(client, headers):
    response = client.get("/api/v1/products?vendor=-1&provisioning=1", headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"provisioning": "Unknown query parameter."}


def test_unknown_query_parameters_on_writes_and_pdfs(client, headers):
    invoice = make_invoice(client, headers)
    for method, url, body in (
            ("POST", "/api/v1/customers?notify=1", {"account": "A"}),
            ("PUT", f"/api/v1/invoices/{invoice['id']}?notify=1", {"notes": "x"}),
            ("GET", f"/api/v1/invoices/{invoice['id']}/pdf?notify=1", None)):
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code == 422, url
        assert response.json["errors"] == {"notify": "Unknown query parameter."}
    assert client.get("/api/v1/customers", headers=headers).json["meta"]["total_records"] == 1


def test_limit_is_per_page(client, headers):
    for _ in range(3):
        make_customer(client, headers)
    limited = client.get("/api/v1/customers?limit=2", headers=headers).json
    assert (len(limited["data"]), limited["meta"]["per_page"]) == (2, 2)
    both = client.get("/api/v1/customers?limit=2&per_page=2", headers=headers)
    assert both.status_code == 200
    conflicting = client.get("/api/v1/customers?limit=2&per_page=3", headers=headers)
    assert conflicting.status_code == 422
    assert conflicting.json["errors"] == {"limit": "Give per_page or limit, not both."}
    assert client.get("/api/v1/customers?limit=101", headers=headers).status_code == 422


# --- status filter ---------------------------------------------------------------------

def test_status_filters_count_every_invoice_once(client, headers):
    past = (date.today() - timedelta(days=1)).isoformat()
    unpaid = make_invoice(client, headers)
    overdue = make_invoice(client, headers, date="2020-01-01", due_date=past)
    partly_overdue = make_invoice(client, headers, date="2020-01-01", due_date=past)
    pay(client, headers, partly_overdue["id"], "1.00")
    paid = make_invoice(client, headers)
    pay(client, headers, paid["id"], paid["total"])
    draft = make_invoice(client, headers, status="Draft")

    def ids(status):
        response = client.get(f"/api/v1/invoices?status={status}", headers=headers)
        assert response.status_code == 200, response.json
        return [invoice["id"] for invoice in response.json["data"]]

    assert ids("Unpaid") == [unpaid["id"], overdue["id"]]
    assert ids("Partially Paid") == [partly_overdue["id"]]
    assert ids("Overdue") == [overdue["id"], partly_overdue["id"]]
    assert ids("Paid") == [paid["id"]] and ids("Draft") == [draft["id"]]
    stored = ("Draft", "Unpaid", "Partially Paid", "Paid", "Void")
    assert sum(len(ids(status)) for status in stored) == 5
