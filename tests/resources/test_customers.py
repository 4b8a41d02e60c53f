"""Customers: CRUD, search, validation, and no deletion while invoiced."""
import pytest

from tests.resources.helpers import make_invoice


def test_create_get_update(client, tree, admin_c, auth):
    headers = auth(admin_c)
    body = {"account": "Jane Smith", "email": "jane@example.com", "phone": "1234567890",
            "address": "123 Business St", "city": "New York", "state": "NY", "zip": "10001",
            "country": "US"}
    created = client.post("/api/v1/customers", json=body, headers=headers)
    assert created.status_code == 201
    assert {k: created.json[k] for k in body} == body
    assert created.json["organisation"] == tree.C.id
    customer_id = created.json["id"]
    updated = client.put(f"/api/v1/customers/{customer_id}", json={"city": "Boston"},
                         headers=headers)
    assert updated.json["city"] == "Boston" and updated.json["email"] == "jane@example.com"
    assert client.get(f"/api/v1/customers/{customer_id}", headers=headers).json["city"] == "Boston"


def test_search_matches_name_email_and_phone(client, admin_c, auth):
    headers = auth(admin_c)
    for account, email, phone in (("Alpha Ltd", "a@x.com", "111"), ("Beta", "beta@y.com", "222"),
                                  ("Gamma 100%", "g@z.com", "333")):
        client.post("/api/v1/customers", json={"account": account, "email": email, "phone": phone},
                    headers=headers)

    def search(term):
        response = client.get("/api/v1/customers", query_string={"search": term}, headers=headers)
        return sorted(c["account"] for c in response.json["data"])

    assert search("alpha") == ["Alpha Ltd"]
    assert search("BETA@") == ["Beta"]
    assert search("333") == ["Gamma 100%"]
    assert search("%") == ["Gamma 100%"]  # wildcards match themselves only
    assert search("_") == []


@pytest.mark.parametrize("field,value,message", [
    ("email", "not-an-email", "Invalid email format"),
    ("country", "USA", "Use an ISO 3166-1 alpha-2 code such as US."),
    ("phone", "call me", "Invalid phone number"),
    ("account", "", "Length must be between 1 and 200."),
])
def test_validation_messages(client, admin_c, auth, field, value, message):
    response = client.post("/api/v1/customers", json={"account": "A", field: value},
                           headers=auth(admin_c))
    assert response.status_code == 422
    assert response.json["errors"] == {field: message}


def test_delete(client, admin_c, auth):
    headers = auth(admin_c)
    customer_id = client.post("/api/v1/customers", json={"account": "A"}, headers=headers).json["id"]
    assert client.delete(f"/api/v1/customers/{customer_id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/customers/{customer_id}", headers=headers).status_code == 404


def test_customer_with_invoices_is_not_deleted(client, admin_c, auth):
    headers = auth(admin_c)
    invoice = make_invoice(client, headers)
    response = client.delete(f"/api/v1/customers/{invoice['customer_id']}", headers=headers)
    assert response.status_code == 409
    assert client.get(f"/api/v1/customers/{invoice['customer_id']}", headers=headers).status_code == 200
