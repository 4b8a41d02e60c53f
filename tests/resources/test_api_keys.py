"""API keys: shown once, stored hashed, GitHub-style format, acting as their user at each
request, revoked at once, rate limited like a client."""
import secrets
import zlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiClient, ApiKey, AuditEvent
from oauth import api_keys, hashing
from oauth.store import store


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def make_key(client, headers, **fields) -> dict:
    response = client.post("/api/v1/api-keys", json={"name": "Export", **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.one_backend
def test_the_format_has_a_prefix_and_a_crc32_checksum():
    key = api_keys.new_key()
    assert key.startswith("tgk_") and len(key) == 40
    assert api_keys.is_well_formed(key)
    body, checksum = key[:-6], key[-6:]
    number = 0
    for char in checksum:  # base62, as a secret scanner decodes it
        number = number * 62 + api_keys.BASE62.index(char)
    assert number == zlib.crc32(body.encode())
    altered = body[:-1] + ("a" if body[-1] != "a" else "b") + checksum
    assert not api_keys.is_well_formed(altered)
    assert not api_keys.is_well_formed(key[:-1])


def test_created_key_is_shown_once_and_stored_as_a_hash(client, admin_c, auth):
    headers = auth(admin_c)
    created = make_key(client, headers)
    key = created["key"]
    assert api_keys.is_well_formed(key)
    assert created["user"] == admin_c.user.id and created["last_used_at"] is None
    assert created["scope"] is None  # the token carried everything its user holds
    row = db.session.get(ApiKey, created["id"])
    assert row.key_hash == hashing.digest(key) and key not in row.key_hash
    listed = client.get("/api/v1/api-keys", headers=headers).json["data"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert all("key" not in k and "key_hash" not in k for k in listed)


def test_a_key_works_wherever_a_token_does(client, admin_c, auth):
    key = make_key(client, auth(admin_c))["key"]
    me = client.get("/api/v1/me", headers=bearer(key))
    assert me.status_code == 200 and me.json["id"] == admin_c.user.id
    customer = client.post("/api/v1/customers", json={"account": "By key"}, headers=bearer(key))
    assert customer.status_code == 201
    line = db.session.scalar(select(AuditEvent).where(AuditEvent.resource_type == "customers"))
    assert line.user_id == admin_c.user.id and line.client_id.startswith("api-key-")
    listed = client.get("/api/v1/api-keys", headers=bearer(key)).json["data"]
    assert listed[0]["last_used_at"] is not None


def test_idempotency_keys_belong_to_the_api_key(client, admin_c, auth):
    key = make_key(client, auth(admin_c))["key"]
    headers = {**bearer(key), "Idempotency-Key": "k1"}
    first = client.post("/api/v1/customers", json={"account": "Once"}, headers=headers)
    again = client.post("/api/v1/customers", json={"account": "Once"}, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    by_token = client.post("/api/v1/customers", json={"account": "Once"},
                           headers={**auth(admin_c), "Idempotency-Key": "k1"})
    assert by_token.status_code == 201 and by_token.json["id"] != first.json["id"]


def test_bad_checksum_or_unknown_key_is_401(client, admin_c, auth):
    key = make_key(client, auth(admin_c))["key"]
    for wrong in (key[:-1] + ("0" if key[-1] != "0" else "1"), api_keys.new_key()):
        response = client.get("/api/v1/me", headers=bearer(wrong))
        assert response.status_code == 401 and response.json["code"] == "invalid_token"


def test_a_lost_permission_is_lost_on_the_key_at_once(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["customers:view", "api-keys:edit"])
    key = make_key(client, auth(caller))["key"]
    assert client.get("/api/v1/customers", headers=bearer(key)).status_code == 200
    caller.user.permissions = [{"permission": "api-keys:edit", "parent": False}]
    db.session.commit()
    response = client.get("/api/v1/customers", headers=bearer(key))
    assert response.status_code == 403 and response.json["code"] == "insufficient_scope"


def test_a_disabled_users_keys_stop(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["api-keys:edit"])
    key = make_key(client, auth(caller))["key"]
    caller.user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401


def test_a_revoked_key_stops_at_once(client, tree, admin_c, make_caller, auth):
    member = make_caller(tree.D, permissions=["api-keys:edit"])
    created = make_key(client, auth(member))
    assert client.get("/api/v1/me", headers=bearer(created["key"])).status_code == 200
    admin = auth(admin_c)
    assert client.delete(f"/api/v1/api-keys/{created['id']}", headers=admin).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(created["key"])).status_code == 401
    assert client.delete(f"/api/v1/api-keys/{created['id']}", headers=admin).status_code == 204
    shown = client.get("/api/v1/api-keys", headers=admin).json["data"]
    assert shown[0]["revoked_at"] is not None


def test_an_expired_key_is_refused(client, admin_c, auth):
    created = make_key(client, auth(admin_c),
                       expires_at=(datetime.now(timezone.utc) + timedelta(hours=1)).isoformat())
    db.session.get(ApiKey, created["id"]).expires_at = datetime.now(timezone.utc) - timedelta(1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(created["key"])).status_code == 401
    past = client.post("/api/v1/api-keys", json={"name": "x", "expires_at": "2020-01-01T00:00:00Z"},
                       headers=auth(admin_c))
    assert past.status_code == 422 and "expires_at" in past.json["errors"]


def test_a_key_carries_no_more_than_the_token_that_made_it(client, admin_c, auth):
    narrow = auth(admin_c, "api-keys:write customers:read")
    implicit = make_key(client, narrow)
    assert implicit["scope"] == "api-keys:write customers:read"
    assert client.post("/api/v1/customers", json={"account": "x"},
                       headers=bearer(implicit["key"])).status_code == 403
    wider = client.post("/api/v1/api-keys", json={"name": "x", "scope": "invoices:read"},
                        headers=narrow)
    assert wider.status_code == 403 and "invoices:read" in wider.json["detail"]
    scoped = make_key(client, auth(admin_c), scope="customers:read")
    assert client.get("/api/v1/customers", headers=bearer(scoped["key"])).status_code == 200
    assert client.get("/api/v1/invoices", headers=bearer(scoped["key"])).status_code == 403


def test_no_emulation_from_a_key_nor_a_key_while_emulating(client, tree, admin_c, make_user, auth):
    target = make_user(tree.D, permissions=["customers:view", "api-keys:edit"])
    key = make_key(client, auth(admin_c))["key"]
    from_key = client.post(f"/api/v1/users/{target.id}/emulation", headers=bearer(key))
    assert from_key.status_code == 409
    emulation = client.post(f"/api/v1/users/{target.id}/emulation", headers=auth(admin_c)).json
    while_emulating = client.post("/api/v1/api-keys", json={"name": "x"},
                                  headers=bearer(emulation["access_token"]))
    assert while_emulating.status_code == 409


@pytest.mark.config(RATE_LIMIT="3 per hour")
def test_a_key_has_a_client_budget_of_its_own(client, admin_c, auth):
    key = make_key(client, auth(admin_c))["key"]
    statuses = [client.get("/api/v1/me", headers=bearer(key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_an_access_token_that_starts_like_a_key_still_works(client, admin_c):
    """Access tokens are 43 random url-safe characters: one in 16 million starts `tgk_`."""
    token = "tgk_" + secrets.token_urlsafe(32)[4:]
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == admin_c.client_id))
    store().add_token(token, row, row.user, "", 3600)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
