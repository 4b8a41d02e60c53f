"""Leads: the pipeline's every move, and a conversion that makes one customer, once."""
import pytest

from tests.resources.helpers import make_customer

# the 409 lists Converted too: POST /leads/{id}/convert makes that move
ALLOWED = {"New": ["Contacted", "Qualified", "Lost", "Converted"],
           "Contacted": ["Qualified", "Lost", "Converted"], "Qualified": ["Lost", "Converted"],
           "Lost": ["New"], "Converted": []}
PATHS = {"New": [], "Contacted": ["Contacted"], "Qualified": ["Qualified"], "Lost": ["Lost"]}
SEED_LEAD = {"first_name": "John", "last_name": "Smith", "email": "john@example.com",
             "company": "Acme Corp", "phone": "1234567890", "source": "Website"}


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def make_lead(client, headers, **fields):
    response = client.post("/api/v1/leads", json={**SEED_LEAD, **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def lead_in(client, headers, status):
    lead = make_lead(client, headers)
    if status == "Converted":
        assert client.post(f"/api/v1/leads/{lead['id']}/convert",
                           headers=headers).status_code == 200
    for step in PATHS.get(status, []):
        assert client.patch(f"/api/v1/leads/{lead['id']}", json={"status": step},
                            headers=headers).status_code == 200
    return lead


def test_create_starts_new(client, headers):
    lead = make_lead(client, headers)
    assert {key: lead[key] for key in SEED_LEAD} == SEED_LEAD
    assert (lead["status"], lead["customer_id"]) == ("New", None)


@pytest.mark.parametrize("source", list(ALLOWED))
@pytest.mark.parametrize("target", ["New", "Contacted", "Qualified", "Lost"])
def test_every_move_of_the_pipeline(client, headers, source, target):
    lead = lead_in(client, headers, source)
    response = client.put(f"/api/v1/leads/{lead['id']}", json={"status": target},
                          headers=headers)
    if target == source or target in ALLOWED[source]:
        assert response.status_code == 200, response.json
        assert response.json["status"] == target
    else:
        assert response.status_code == 409, response.json
        assert response.json["allowed"] == ALLOWED[source]


def test_converted_is_set_only_by_converting(client, headers):
    lead = make_lead(client, headers)
    response = client.patch(f"/api/v1/leads/{lead['id']}", json={"status": "Converted"},
                            headers=headers)
    assert response.status_code == 422
    assert "convert" in response.json["errors"]["status"]


@pytest.mark.parametrize("source,converts", [
    ("New", True), ("Contacted", True), ("Qualified", True), ("Lost", False)])
def test_convert_from_each_stage(client, headers, source, converts):
    lead = lead_in(client, headers, source)
    response = client.post(f"/api/v1/leads/{lead['id']}/convert", headers=headers)
    if converts:
        assert response.status_code == 200, response.json
        assert (response.json["account"], response.json["email"]) == ("Acme Corp",
                                                                       "john@example.com")
        after = client.get(f"/api/v1/leads/{lead['id']}", headers=headers).json
        assert (after["status"], after["customer_id"]) == ("Converted", response.json["id"])
    else:
        assert response.status_code == 409
        assert response.json["allowed"] == ["New"]


def test_convert_reuses_a_customer_with_the_same_email_in_any_case(client, headers):
    existing = make_customer(client, headers, email="JOHN@Example.com")
    lead = make_lead(client, headers)
    first = client.post(f"/api/v1/leads/{lead['id']}/convert", headers=headers)
    again = client.post(f"/api/v1/leads/{lead['id']}/convert", headers=headers)
    assert first.json["id"] == again.json["id"] == existing["id"]
    assert client.get("/api/v1/customers", headers=headers).json["meta"]["total_records"] == 1
    history = client.get(f"/api/v1/leads/{lead['id']}/history", headers=headers).json["data"]
    assert [(h["field"], h["old"], h["new"]) for h in history] == [
        ("status", None, "New"), ("status", "New", "Converted"),
        ("customer_id", None, str(existing["id"]))]


def test_convert_ignores_customers_of_other_organisations(client, tree, headers, make_caller,
                                                          auth):
    make_customer(client, auth(make_caller(tree.C2, admin=True)), email="john@example.com")
    lead = make_lead(client, headers)
    customer = client.post(f"/api/v1/leads/{lead['id']}/convert", headers=headers).json
    assert customer["organisation"] == lead["organisation"]


def test_convert_needs_the_customers_permission_and_scope(client, tree, make_caller, auth):
    """Converting makes a customer: a user without customers:edit, or a token without
    customers:write, converts nothing."""
    for permissions, scope in ((["leads:edit"], None),
                               (["leads:edit", "customers:edit"], "leads:read leads:write")):
        headers = auth(make_caller(tree.C, permissions=permissions), scope)
        lead = make_lead(client, headers)
        response = client.post(f"/api/v1/leads/{lead['id']}/convert", headers=headers)
        assert response.status_code == 403, response.json
        assert response.json["scope"] == "leads:write customers:write"
        assert client.get(f"/api/v1/leads/{lead['id']}", headers=headers).json["status"] == "New"


def test_a_converted_lead_sent_back_as_get_showed_it_is_no_change(client, headers):
    lead = lead_in(client, headers, "Converted")
    shown = client.get(f"/api/v1/leads/{lead['id']}", headers=headers).json
    response = client.put(f"/api/v1/leads/{lead['id']}", json={**shown, "source": "Fair"},
                          headers=headers)
    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["source"]) == ("Converted", "Fair")
