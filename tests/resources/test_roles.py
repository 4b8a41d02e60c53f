"""Roles: named permission sets, listed at GET /roles, granted only within what the caller
holds, and held by their users like explicit permissions."""
import pytest

from app.extensions import db
from app.roles import ROLES


@pytest.fixture
def role_caller(tree, make_user, make_caller):
    def make(role, permissions=()):
        user = make_user(tree.C, permissions=permissions)
        user.role = role
        db.session.commit()
        return make_caller(tree.C, user=user)

    return make


def test_roles_are_listed_with_their_permissions(client, admin_c, auth):
    response = client.get("/api/v1/roles", headers=auth(admin_c))
    assert response.status_code == 200, response.json
    listed = {role["name"]: role for role in response.json["data"]}
    assert list(listed) == ["administrator", "manager", "staff", "readonly"]
    for name, (description, permissions) in ROLES.items():
        assert listed[name]["description"] == description
        assert listed[name]["permissions"] == list(permissions)
    assert response.json["meta"]["total_records"] == 4


def test_a_role_holder_holds_its_permissions(client, tree, role_caller, auth):
    headers = auth(role_caller("staff"))
    customer = client.post("/api/v1/customers", json={"account": "A"}, headers=headers)
    assert customer.status_code == 201
    ticket = client.post("/api/v1/tickets", json={
        "customer_id": customer.json["id"], "subject": "S", "message": "M"}, headers=headers)
    assert ticket.status_code == 201
    assert client.get("/api/v1/invoices", headers=headers).status_code == 200
    refused = client.post("/api/v1/departments", json={"name": "D"}, headers=headers)
    assert refused.status_code == 403 and refused.json["scope"] == "departments:write"
    # staff works in its own organisation only
    assert client.get(f"/api/v1/customers?organisation={tree.D.id}",
                      headers=headers).status_code == 422


def test_create_and_change_a_users_role(client, admin_c, auth):
    headers = auth(admin_c)
    created = client.post("/api/v1/users", json={
        "name": "Tom", "email": "tom@example.com", "role": "staff",
        "permissions": [{"permission": "products:edit", "parent": False}]}, headers=headers)
    assert created.status_code == 201, created.json
    assert (created.json["role"], created.json["permissions"]) == (
        "staff", [{"permission": "products:edit", "parent": False}])
    url = f"/api/v1/users/{created.json['id']}"
    assert client.patch(url, json={"role": "manager"}, headers=headers).json["role"] == "manager"
    assert client.patch(url, json={"role": None}, headers=headers).json["role"] is None
    invalid = client.patch(url, json={"role": "superuser"}, headers=headers)
    assert invalid.status_code == 422 and list(invalid.json["errors"]) == ["role"]


@pytest.mark.parametrize("granted,allowed", [
    ("readonly", True), ("staff", True), ("manager", False), ("administrator", False)])
def test_a_caller_grants_a_role_only_within_what_it_holds(client, role_caller, auth, granted,
                                                          allowed):
    headers = auth(role_caller("staff", permissions=["users:edit"]))
    response = client.post("/api/v1/users", json={
        "name": "New", "email": "new@example.com", "role": granted}, headers=headers)
    if allowed:
        assert response.status_code == 201, response.json
    else:
        assert response.status_code == 403, response.json
        assert "You cannot grant what you do not hold" in response.json["detail"]


def test_a_role_counts_when_changing_its_holder(client, tree, role_caller, make_user, auth):
    """A manager cannot change an administrator: the target holds more than the caller."""
    target = make_user(tree.C)
    target.role = "administrator"
    db.session.commit()
    headers = auth(role_caller("manager", permissions=["users:edit+"]))
    response = client.patch(f"/api/v1/users/{target.id}", json={"name": "X"}, headers=headers)
    assert response.status_code == 403
    assert "holding more than you" in response.json["detail"]


def test_a_password_is_refused_with_a_clear_message(client, admin_c, auth):
    response = client.post("/api/v1/users", json={
        "name": "Tom", "email": "tom@example.com", "password": "securepassword"},
        headers=auth(admin_c))
    assert response.status_code == 422
    assert "Users have no password" in response.json["errors"]["password"]
