"""Bearer-token protection of the resource endpoints (RFC 6750)."""
import time

from sqlalchemy import select

from app.extensions import db
from app.models import AccessToken, ApiClient


def test_no_credentials_get_a_bare_challenge(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="tiergate"'
    assert response.mimetype == "application/problem+json"


def test_another_scheme_gets_a_bare_challenge(client, admin_c):
    response = client.get("/api/v1/me", headers=admin_c.basic)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="tiergate"'


def _assert_invalid_token(response):
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="tiergate", error="invalid_token"')
    assert response.json["error"] == "invalid_token"


def test_unknown_token(client):
    _assert_invalid_token(client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}))


def test_malformed_header(client):
    _assert_invalid_token(client.get("/api/v1/me", headers={"Authorization": "Bearer"}))
    _assert_invalid_token(client.get("/api/v1/me", headers={"Authorization": "Bearer " + "x" * 5000}))


def test_expired_token(client, admin_c, get_token):
    token = get_token(admin_c)
    row = db.session.scalar(select(AccessToken))
    row.issued_at = int(time.time()) - row.expires_in - 1
    db.session.commit()
    _assert_invalid_token(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}))


def test_revoked_token(client, admin_c, get_token):
    token = get_token(admin_c)
    client.post("/oauth/revoke", data={"token": token}, headers=admin_c.basic)
    _assert_invalid_token(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}))


def test_disabling_the_client_stops_its_tokens_at_once(client, admin_c, auth):
    headers = auth(admin_c)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.scalar(select(ApiClient).where(ApiClient.client_id == admin_c.client_id)).active = False
    db.session.commit()
    _assert_invalid_token(client.get("/api/v1/me", headers=headers))


def test_disabling_the_user_stops_its_tokens(client, admin_c, auth):
    headers = auth(admin_c)
    admin_c.user.active = False
    db.session.commit()
    _assert_invalid_token(client.get("/api/v1/me", headers=headers))


def test_rotating_the_secret_keeps_tokens_but_not_the_old_secret(client, admin_c, auth):
    headers = auth(admin_c)
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == admin_c.client_id))
    rotate = client.post(f"/api/v1/api-clients/{row.id}/secret", headers=headers)
    assert rotate.status_code == 201
    old = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                            "client_id": admin_c.client_id,
                                            "client_secret": admin_c.client_secret})
    assert old.status_code == 401
    new = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                            "client_id": admin_c.client_id,
                                            "client_secret": rotate.json["client_secret"]})
    assert new.status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_insufficient_scope(client, admin_c, auth):
    response = client.get("/api/v1/users", headers=auth(admin_c, scope="organisations:read"))
    assert response.status_code == 403
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="tiergate", error="insufficient_scope", scope="users:read"')
    assert response.json["error"] == "insufficient_scope"
    assert response.json["scope"] == "users:read"


def test_narrow_token_cannot_write(client, admin_c, auth):
    response = client.post("/api/v1/organisations", json={"name": "New"},
                           headers=auth(admin_c, scope="organisations:read"))
    assert response.status_code == 403
    assert response.json["error"] == "insufficient_scope"


def test_a_withdrawn_permission_takes_effect_at_once(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["users:view"])
    headers = auth(caller)
    assert client.get("/api/v1/users", headers=headers).status_code == 200
    caller.user.permissions = []
    db.session.commit()
    assert client.get("/api/v1/users", headers=headers).status_code == 403


def test_token_in_the_query_string_is_refused(client, admin_c, get_token):
    response = client.get(f"/api/v1/me?access_token={get_token(admin_c)}")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"
    assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]


def test_token_in_a_form_body_is_refused(client, admin_c, get_token):
    response = client.get("/api/v1/me", data={"access_token": get_token(admin_c)})
    assert response.status_code == 400
