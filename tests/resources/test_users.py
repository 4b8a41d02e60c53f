"""Users: creation and changes within what the caller holds."""
import pytest

from app.extensions import db
from app.models import User


def new_user(**fields):
    return {"name": "Tom Jones", "email": "tom@example.com", **fields}


def test_create_user_with_hub_fields(client, tree, admin_c, auth):
    body = new_user(organisation=tree.D.id, currency="EUR", locale="en-GB",
                    timezone="Europe/Paris", modules=["WEBSTORE"],
                    permissions=[{"permission": "users:view", "parent": True}])
    response = client.post("/api/v1/users", json=body, headers=auth(admin_c))
    assert response.status_code == 201
    created = response.json
    assert created["organisation"] == tree.D.id
    assert created["permissions"] == [{"permission": "users:view", "parent": True}]
    assert created["root"] is False and created["admin"] is False and created["active"] is True
    assert (created["currency"], created["locale"], created["timezone"]) == (
        "EUR", "en-GB", "Europe/Paris")


def test_defaults_to_the_callers_organisation(client, tree, admin_c, auth):
    response = client.post("/api/v1/users", json=new_user(), headers=auth(admin_c))
    assert response.json["organisation"] == tree.C.id


@pytest.mark.parametrize("field", ["id", "root", "active", "real_id", "created_at"])
def test_mass_assignment_is_refused(client, admin_c, auth, field):
    response = client.post("/api/v1/users", json=new_user(**{field: True}), headers=auth(admin_c))
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_organisation_of_an_existing_user_cannot_change(client, tree, admin_c, auth):
    """Read-only in an update, like id: sent back from a GET, it is ignored."""
    response = client.put(f"/api/v1/users/{admin_c.user.id}", json={"organisation": tree.D.id},
                          headers=auth(admin_c))
    assert response.status_code == 200
    assert response.json["organisation"] == tree.C.id


@pytest.mark.parametrize("body,field", [
    ({"email": "not-an-email"}, "email"),
    ({"currency": "pounds"}, "currency"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"locale": "English!"}, "locale"),
    ({"modules": ["TELEPORT"]}, "modules.0"),
    ({"permissions": [{"permission": "world:rule"}]}, "permissions.0.permission"),
    ({"permissions": [{"permission": "users:view", "parent": "yes"}]}, "permissions.0.parent"),
    ({"permissions": [{"permission": "users:view"}, {"permission": "users:view"}]}, "permissions"),
    ({"admin": 1}, "admin"),
    ({"name": ""}, "name"),
    ({"organisation": "5"}, "organisation"),
])
def test_field_validation(client, admin_c, auth, body, field):
    response = client.post("/api/v1/users", json=new_user(**body), headers=auth(admin_c))
    assert response.status_code == 422
    assert field in response.json["errors"], response.json


def test_duplicate_email_in_one_organisation_is_409(client, admin_c, auth):
    headers = auth(admin_c)
    assert client.post("/api/v1/users", json=new_user(), headers=headers).status_code == 201
    response = client.post("/api/v1/users", json=new_user(), headers=headers)
    assert response.status_code == 409
    assert "email" in response.json["errors"]


class TestGrantingNoMoreThanHeld:
    @pytest.fixture
    def manager(self, tree, make_caller):
        return make_caller(tree.C, permissions=["users:view+", "users:edit+", "organisations:view"])

    def test_may_grant_what_it_holds(self, client, tree, manager, auth):
        body = new_user(organisation=tree.D.id,
                        permissions=[{"permission": "users:view", "parent": True}])
        assert client.post("/api/v1/users", json=body, headers=auth(manager)).status_code == 201

    @pytest.mark.parametrize("permissions", [
        [{"permission": "api-clients:edit"}],
        [{"permission": "organisations:view", "parent": True}],
    ])
    def test_may_not_grant_more(self, client, manager, auth, permissions):
        body = new_user(permissions=permissions)
        response = client.post("/api/v1/users", json=body, headers=auth(manager))
        assert response.status_code == 403
        assert response.json["code"] == "permission_denied"

    def test_permission_without_parent_cannot_be_granted_in_a_descendant(
            self, client, tree, manager, auth):
        body = new_user(organisation=tree.D.id, permissions=[{"permission": "organisations:view"}])
        assert client.post("/api/v1/users", json=body, headers=auth(manager)).status_code == 403

    def test_only_an_admin_makes_admins(self, client, tree, manager, admin_c, auth):
        assert client.post("/api/v1/users", json=new_user(admin=True),
                           headers=auth(manager)).status_code == 403
        assert client.post("/api/v1/users", json=new_user(admin=True, organisation=tree.D.id),
                           headers=auth(admin_c)).status_code == 201

    def test_cannot_raise_itself(self, client, manager, auth):
        response = client.put(f"/api/v1/users/{manager.user.id}", json={"admin": True},
                              headers=auth(manager))
        assert response.status_code == 403

    def test_cannot_change_a_stronger_user(self, client, tree, manager, make_user, auth):
        stronger = make_user(tree.D, admin=True)
        response = client.put(f"/api/v1/users/{stronger.id}", json={"name": "Demoted"},
                              headers=auth(manager))
        assert response.status_code == 403

    def test_changes_within_reach(self, client, tree, manager, make_user, auth):
        weaker = make_user(tree.D, permissions=["users:view"])
        response = client.put(f"/api/v1/users/{weaker.id}",
                              json={"permissions": [{"permission": "users:edit"}], "name": "B"},
                              headers=auth(manager))
        assert response.status_code == 200
        assert response.json["permissions"] == [{"permission": "users:edit", "parent": False}]
        assert response.json["name"] == "B"


def test_disabling_a_user_stops_its_clients(client, tree, admin_c, make_caller, auth):
    member = make_caller(tree.D, permissions=["users:view"])
    member_headers = auth(member)
    response = client.put(f"/api/v1/users/{member.user.id}", json={"active": False},
                          headers=auth(admin_c))
    assert response.status_code == 200 and response.json["active"] is False
    assert client.get("/api/v1/me", headers=member_headers).status_code == 401


def test_cannot_disable_oneself(client, admin_c, auth):
    response = client.put(f"/api/v1/users/{admin_c.user.id}", json={"active": False},
                          headers=auth(admin_c))
    assert response.status_code == 409
    assert db.session.get(User, admin_c.user.id).active is True
