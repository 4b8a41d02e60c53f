"""Organisations: the tree, creation, changes, moves, addresses."""
from sqlalchemy import event

from app.extensions import db
from app.models import Organisation


def test_create_child_of_own_organisation_by_default(client, tree, admin_c, auth):
    response = client.post("/api/v1/organisations", json={"name": "New shop"}, headers=auth(admin_c))
    assert response.status_code == 201
    body = response.json
    assert body["parent"] == tree.C.id
    assert body["depth"] == tree.C.depth + 1
    assert body["finance_type"] == "CREDIT"
    assert body["linked_account"] is False
    created = db.session.get(Organisation, body["id"])
    assert created.path == f"{tree.C.path}{created.id}/"


def test_get_has_the_hub_fields(client, tree, admin_c, auth):
    body = client.get(f"/api/v1/organisations/{tree.D.id}", headers=auth(admin_c)).json
    assert {"id", "name", "parent", "linked_account", "finance_type"} <= set(body)
    assert body["parent"] == tree.C.id


def test_list_is_paginated(client, admin_c, auth):
    response = client.get("/api/v1/organisations?per_page=2&page=2", headers=auth(admin_c))
    assert response.json["meta"] == {"current_page": 2, "per_page": 2, "total_pages": 2,
                                     "total_records": 3, "next": None}
    assert [o["name"] for o in response.json["data"]] == ["E"]


def test_put_changes_only_the_fields_sent(client, tree, admin_c, auth):
    response = client.put(f"/api/v1/organisations/{tree.D.id}", json={"finance_type": "AGENT"},
                          headers=auth(admin_c))
    assert response.status_code == 200
    assert response.json["finance_type"] == "AGENT"
    assert response.json["name"] == "D"


def test_move_rewrites_the_subtree(client, tree, make_caller, auth):
    admin_b = make_caller(tree.B, admin=True)
    response = client.put(f"/api/v1/organisations/{tree.D.id}", json={"parent": tree.C2.id},
                          headers=auth(admin_b))
    assert response.status_code == 200
    assert response.json["parent"] == tree.C2.id
    db.session.expire_all()
    d, e = db.session.get(Organisation, tree.D.id), db.session.get(Organisation, tree.E.id)
    assert d.path == f"{tree.C2.path}{d.id}/"
    assert e.path == f"{d.path}{e.id}/"
    assert e.depth == d.depth + 1 == tree.C2.depth + 2


def test_cannot_move_under_own_descendant(client, tree, make_caller, auth):
    admin_b = make_caller(tree.B, admin=True)
    response = client.put(f"/api/v1/organisations/{tree.C.id}", json={"parent": tree.E.id},
                          headers=auth(admin_b))
    assert response.status_code == 409


def test_cannot_move_own_organisation(client, tree, admin_c, auth):
    response = client.put(f"/api/v1/organisations/{tree.C.id}", json={"parent": tree.D.id},
                          headers=auth(admin_c))
    assert response.status_code == 403


def test_cannot_move_out_of_reach(client, tree, admin_c, auth):
    response = client.put(f"/api/v1/organisations/{tree.D.id}", json={"parent": tree.C2.id},
                          headers=auth(admin_c))
    assert response.status_code == 422
    assert response.json["errors"] == {"parent": f"Organisation {tree.C2.id} was not found."}
    assert client.get(f"/api/v1/organisations/{tree.D.id}",
                      headers=auth(admin_c)).json["parent"] == tree.C.id


def test_subtree_query_is_one_statement_whatever_the_depth(client, tree, make_caller, auth):
    parent = tree.E
    from app.bootstrap import create_organisation

    for level in range(30):
        parent = create_organisation(f"L{level}", parent)
    db.session.commit()
    headers = auth(make_caller(tree.A, admin=True))
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get("/api/v1/organisations?per_page=100", headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.json["meta"]["total_records"] == 6 + 30
    assert len(statements) <= 4  # token, count, page (+ SQLite pragma-free)


def test_validation_errors(client, admin_c, auth):
    response = client.post("/api/v1/organisations",
                           json={"name": "", "finance_type": "GOLD", "linked_account": "yes",
                                 "parent": "3", "id": 7},
                           headers=auth(admin_c))
    assert response.status_code == 422
    errors = response.json["errors"]
    assert set(errors) == {"name", "finance_type", "linked_account", "parent", "id"}
    assert errors["id"] == "Unknown field."


def test_name_is_required(client, admin_c, auth):
    response = client.post("/api/v1/organisations", json={}, headers=auth(admin_c))
    assert response.status_code == 422
    assert "name" in response.json["errors"]


def test_parent_cannot_be_set_to_null(client, tree, admin_c, auth):
    response = client.put(f"/api/v1/organisations/{tree.D.id}", json={"parent": None},
                          headers=auth(admin_c))
    assert response.status_code == 422


def test_addresses_round_trip(client, tree, admin_c, auth):
    address = {"name": "Main office", "company_name": "Bob's Widget's Ltd.",
               "recipient_name": "Bob Johnson", "addr_line_1": "123 Example Close",
               "addr_line_2": "Main Street", "city": "London", "region": "City of London",
               "postal_code": "AB12 3AA", "country_code": 826}
    headers = auth(admin_c)
    created = client.post(f"/api/v1/organisations/{tree.D.id}/addresses", json=address,
                          headers=headers)
    assert created.status_code == 201
    listed = client.get(f"/api/v1/organisations/{tree.D.id}/addresses", headers=headers).json
    assert listed["meta"]["total_records"] == 1
    assert {k: listed["data"][0][k] for k in address} == address


def test_address_validation(client, tree, admin_c, auth):
    response = client.post(f"/api/v1/organisations/{tree.C.id}/addresses",
                           json={"name": "x", "country_code": 1000}, headers=auth(admin_c))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"addr_line_1", "city", "country_code"}
