"""GET /me and emulation: acting as a user in reach, with the real user recorded."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_me_has_the_hub_fields(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["users:view+"])
    body = client.get("/api/v1/me", headers=auth(caller)).json
    assert body["id"] == body["real_id"] == caller.user.id
    assert body["name"] == body["real_name"]
    assert body["organisation"] == tree.C.id
    assert body["permissions"] == [{"permission": "users:view", "parent": True}]
    assert {"currency", "locale", "timezone", "admin", "root", "modules"} <= set(body)
    assert body["emulating"] is False


@pytest.fixture
def member(tree, make_user):
    return make_user(tree.D, permissions=["organisations:view", "users:view"], name="Tom Jones")


def emulate(client, headers, user_id):
    return client.post(f"/api/v1/users/{user_id}/emulation", headers=headers)


def test_emulation_acts_as_the_target(client, admin_c, member, auth):
    response = emulate(client, auth(admin_c), member.id)
    assert response.status_code == 201
    assert response.json["scope"] == "organisations:read users:read"
    me = client.get("/api/v1/me", headers=bearer(response.json["access_token"])).json
    assert (me["id"], me["name"], me["organisation"]) == (member.id, "Tom Jones", member.organisation_id)
    assert (me["real_id"], me["real_name"]) == (admin_c.user.id, admin_c.user.name)
    assert me["emulating"] is True


def test_emulation_token_is_bounded_by_the_target(client, tree, admin_c, member, auth):
    token = emulate(client, auth(admin_c), member.id).json["access_token"]
    response = client.post("/api/v1/organisations", json={"name": "x"}, headers=bearer(token))
    assert response.status_code == 403
    organisations = client.get("/api/v1/organisations", headers=bearer(token)).json["data"]
    assert [o["id"] for o in organisations] == [tree.D.id]


def test_revoking_the_token_ends_emulation(client, admin_c, member, auth):
    token = emulate(client, auth(admin_c), member.id).json["access_token"]
    client.post("/oauth/revoke", data={"token": token}, headers=admin_c.basic)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_emulation_needs_the_permission(client, tree, make_caller, member, auth):
    caller = make_caller(tree.C, permissions=["users:view+"])
    assert emulate(client, auth(caller), member.id).status_code == 403


def test_cannot_emulate_a_stronger_user(client, tree, make_caller, make_user, auth):
    caller = make_caller(tree.C, permissions=["users:view+", "users:emulate+"])
    strong = make_user(tree.D, admin=True)
    assert emulate(client, auth(caller), strong.id).status_code == 403


def test_no_emulation_within_emulation(client, tree, admin_c, make_user, auth):
    target = make_user(tree.D, admin=True)
    token = emulate(client, auth(admin_c), target.id).json["access_token"]
    assert emulate(client, bearer(token), target.id).status_code == 409


def test_writes_record_the_real_and_the_effective_user(client, tree, admin_c, make_user, auth):
    target = make_user(tree.D, permissions=["organisations:edit", "organisations:view"])
    token = emulate(client, auth(admin_c), target.id).json["access_token"]
    response = client.put(f"/api/v1/organisations/{tree.D.id}", json={"name": "Renamed"},
                          headers=bearer(token))
    assert response.status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.resource_type == "organisations"))
    assert (event.action, event.resource_id, event.changes) == ("update", tree.D.id, ["name"])
    assert event.user_id == target.id
    assert event.real_user_id == admin_c.user.id
    assert event.client_id == admin_c.client_id
    assert event.request_id == response.headers["X-Request-Id"]


def test_every_write_is_audited(client, admin_c, auth):
    headers = auth(admin_c)
    org = client.post("/api/v1/organisations", json={"name": "N"}, headers=headers).json
    client.post("/api/v1/users", json={"name": "U", "email": "u@example.com"}, headers=headers)
    client.post(f"/api/v1/organisations/{org['id']}/addresses", json={
        "name": "HQ", "addr_line_1": "1 Road", "city": "Leeds", "country_code": 826},
        headers=headers)
    client.post("/api/v1/api-clients", json={"name": "C"}, headers=headers)
    events = db.session.execute(select(AuditEvent.action, AuditEvent.resource_type)).all()
    assert set(events) >= {("create", "organisations"), ("create", "users"),
                           ("create", "addresses"), ("create", "api_clients")}
    assert all(e.real_user_id == admin_c.user.id for e in db.session.scalars(select(AuditEvent)))


def test_emulation_ends_when_the_real_user_could_no_longer_start_it(
        client, tree, make_caller, make_user, auth):
    real = make_caller(tree.C, permissions=["users:view", "users:emulate+"])
    target = make_user(tree.C, permissions=["users:view"])
    token = emulate(client, auth(real), target.id).json["access_token"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    target.admin = True  # now stronger than the real user
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_emulation_ends_when_the_real_user_loses_the_permission(
        client, tree, make_caller, make_user, auth):
    real = make_caller(tree.C, permissions=["users:view+", "users:emulate+"])
    target = make_user(tree.D, permissions=["users:view"])
    token = emulate(client, auth(real), target.id).json["access_token"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    real.user.permissions = [{"permission": "users:view", "parent": True}]
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
