"""Vendors: create (idempotent, audited), get, list with text and organisation filters."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent


def test_create_get_list(client, tree, admin_c, auth):
    headers = auth(admin_c)
    created = client.post("/api/v1/vendors", json={"name": "Yealink"}, headers=headers)
    assert created.status_code == 201, created.json
    assert (created.json["name"], created.json["organisation"]) == ("Yealink", tree.C.id)
    vendor_id = created.json["id"]
    assert client.get(f"/api/v1/vendors/{vendor_id}", headers=headers).json == created.json
    in_d = client.post("/api/v1/vendors", json={"name": "Poly", "organisation": tree.D.id},
                       headers=headers)
    assert in_d.status_code == 201 and in_d.json["organisation"] == tree.D.id
    listed = client.get("/api/v1/vendors", headers=headers).json
    assert [v["name"] for v in listed["data"]] == ["Yealink", "Poly"]
    assert listed["meta"]["total_records"] == 2
    only_d = client.get(f"/api/v1/vendors?organisation={tree.D.id}", headers=headers).json
    assert [v["name"] for v in only_d["data"]] == ["Poly"]
    assert [v["name"] for v in client.get("/api/v1/vendors?text=LINK",
                                          headers=headers).json["data"]] == ["Yealink"]


def test_create_is_idempotent_and_audited(client, admin_c, auth):
    headers = {**auth(admin_c), "Idempotency-Key": "vendor-1"}
    first = client.post("/api/v1/vendors", json={"name": "Yealink"}, headers=headers)
    again = client.post("/api/v1/vendors", json={"name": "Yealink"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    events = db.session.execute(select(AuditEvent.action, AuditEvent.resource_id).where(
        AuditEvent.resource_type == "vendors")).all()
    assert events == [("create", first.json["id"])]


@pytest.mark.parametrize("body,errors", [
    ({}, {"name": "Missing data for required field."}),
    ({"name": ""}, {"name": "Length must be between 1 and 200."}),
    ({"name": "x" * 201}, {"name": "Length must be between 1 and 200."}),
    ({"name": "V", "id": 5}, {"id": "Unknown field."}),
    ({"name": "V", "website": "https://example.com"}, {"website": "Unknown field."}),
])
def test_validation(client, admin_c, auth, body, errors):
    response = client.post("/api/v1/vendors", json=body, headers=auth(admin_c))
    assert response.status_code == 422
    assert response.json["errors"] == errors


def test_scopes(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["vendors:view"])
    headers = auth(caller)
    assert client.get("/api/v1/vendors", headers=headers).status_code == 200
    refused = client.post("/api/v1/vendors", json={"name": "V"}, headers=headers)
    assert refused.status_code == 403
