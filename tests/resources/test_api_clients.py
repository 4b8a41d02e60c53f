"""API clients: created for users in reach, secrets shown once, disabled at once."""
from sqlalchemy import select

from app.extensions import db
from app.models import ApiClient


def token_request(client_id, secret, **extra):
    return {"grant_type": "client_credentials", "client_id": client_id,
            "client_secret": secret, **extra}


def test_create_shows_the_secret_once(client, admin_c, auth):
    headers = auth(admin_c)
    created = client.post("/api/v1/api-clients", json={"name": "Sync", "scope": "users:read"},
                          headers=headers)
    assert created.status_code == 201
    body = created.json
    assert body["user"] == admin_c.user.id
    assert body["scope"] == "users:read"
    token = client.post("/oauth/token", data=token_request(body["client_id"], body["client_secret"]))
    assert token.json["scope"] == "users:read"
    shown = client.get(f"/api/v1/api-clients/{body['id']}", headers=headers).json
    assert "client_secret" not in shown
    listed = client.get("/api/v1/api-clients", headers=headers).json["data"]
    assert all("client_secret" not in c and "secret_hash" not in c for c in listed)


def test_client_for_a_user_in_a_descendant(client, tree, admin_c, make_user, auth):
    member = make_user(tree.E, permissions=["organisations:view"])
    body = client.post("/api/v1/api-clients", json={"name": "E sync", "user": member.id},
                       headers=auth(admin_c)).json
    token = client.post("/oauth/token", data=token_request(body["client_id"], body["client_secret"]))
    assert token.json["scope"] == "organisations:read"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json['access_token']}"})
    assert me.json["id"] == member.id


def test_cannot_create_a_client_for_a_stronger_user(client, tree, make_caller, make_user, auth):
    weak = make_caller(tree.C, permissions=["api-clients:edit+", "api-clients:view+"])
    strong = make_user(tree.D, admin=True)
    response = client.post("/api/v1/api-clients", json={"name": "x", "user": strong.id},
                           headers=auth(weak))
    assert response.status_code == 403


def test_unknown_scope_is_422(client, admin_c, auth):
    response = client.post("/api/v1/api-clients", json={"name": "x", "scope": "everything"},
                           headers=auth(admin_c))
    assert response.status_code == 422
    assert "scope" in response.json["errors"]


def test_delete_disables_and_revokes(client, tree, admin_c, make_caller, auth):
    member = make_caller(tree.D, permissions=["users:view"])
    member_headers = auth(member)
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == member.client_id))
    response = client.delete(f"/api/v1/api-clients/{row.id}", headers=auth(admin_c))
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=member_headers).status_code == 401
    again = client.post("/oauth/token", data=token_request(member.client_id, member.client_secret))
    assert again.status_code == 401
    shown = client.get(f"/api/v1/api-clients/{row.id}", headers=auth(admin_c)).json
    assert shown["active"] is False


def test_rotating_a_disabled_client_is_409(client, tree, admin_c, make_caller, auth):
    member = make_caller(tree.D, permissions=["users:view"])
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == member.client_id))
    headers = auth(admin_c)
    client.delete(f"/api/v1/api-clients/{row.id}", headers=headers)
    assert client.post(f"/api/v1/api-clients/{row.id}/secret", headers=headers).status_code == 409


def test_weaker_user_cannot_rotate_or_disable_a_stronger_users_client(
        client, tree, make_caller, auth):
    weak = make_caller(tree.C, permissions=["api-clients:edit", "api-clients:view"])
    strong = make_caller(tree.C, admin=True)
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == strong.client_id))
    headers = auth(weak)
    assert client.post(f"/api/v1/api-clients/{row.id}/secret", headers=headers).status_code == 403
    assert client.delete(f"/api/v1/api-clients/{row.id}", headers=headers).status_code == 403
    token = client.post("/oauth/token", data=token_request(strong.client_id, strong.client_secret))
    assert token.status_code == 200
