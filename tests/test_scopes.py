"""Scopes and permissions: one name per resource, published in full, edit implies view."""
import re
from pathlib import Path

import pytest

from oauth.scopes import ALL_PERMISSIONS, ALL_SCOPES, SCOPE_PERMISSIONS

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.one_backend
def test_the_readme_lists_every_scope_and_permission():
    table = README.read_text()
    listed = set(re.findall(r"`([a-z-]+:[a-z]+)`", table))
    assert set(ALL_SCOPES) | set(ALL_PERMISSIONS) <= listed


@pytest.mark.one_backend
def test_a_scope_and_its_permission_name_the_same_resource():
    for scope, permission in SCOPE_PERMISSIONS.items():
        assert scope.split(":")[0] == permission.split(":")[0]


@pytest.mark.one_backend
def test_the_document_names_the_permission_of_each_scope(client):
    flows = client.get("/openapi.json").json["components"]["securitySchemes"]["oauth2"]["flows"]
    for scope, description in flows["clientCredentials"]["scopes"].items():
        assert f"permission {SCOPE_PERMISSIONS[scope]}" in description


def test_edit_implies_view(client, tree, make_caller, make_user, auth):
    caller = make_caller(tree.C, permissions=["customers:edit+"])
    headers = auth(caller)
    created = client.post("/api/v1/customers", json={"account": "A", "organisation": tree.D.id},
                          headers=headers)
    assert created.status_code == 201
    listed = client.get("/api/v1/customers", headers=headers)
    assert [c["id"] for c in listed.json["data"]] == [created.json["id"]]


def test_a_token_request_beyond_the_users_permissions_says_which(client, tree, make_caller):
    caller = make_caller(tree.C, permissions=["users:view"])
    response = client.post("/oauth/token", data={
        "grant_type": "client_credentials", "scope": "invoices:read users:read"},
        headers=caller.basic)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_scope"
    assert "user does not hold the permission: invoices:view (for invoices:read)" in \
        response.json["error_description"]


def test_a_client_restricted_to_fewer_scopes_says_so(client, tree, make_caller):
    caller = make_caller(tree.C, permissions=["users:view", "invoices:view"], scope="users:read")
    response = client.post("/oauth/token", data={
        "grant_type": "client_credentials", "scope": "invoices:read"}, headers=caller.basic)
    assert "restricted" in response.json["error_description"]


def test_an_unknown_scope_lists_the_valid_ones(client, tree, make_caller):
    caller = make_caller(tree.C, permissions=["users:view"])
    response = client.post("/oauth/token", data={
        "grant_type": "client_credentials", "scope": "customers:view"}, headers=caller.basic)
    assert "Unknown scope: customers:view" in response.json["error_description"]
    assert "customers:read" in response.json["error_description"]
