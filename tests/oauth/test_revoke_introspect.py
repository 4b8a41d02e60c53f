"""RFC 7009 revocation and RFC 7662 introspection, for the calling client's own tokens."""
import pytest


@pytest.fixture
def other(tree, make_caller):
    return make_caller(tree.C, admin=True)


def introspect(client, caller, token):
    return client.post("/oauth/introspect", data={"token": token}, headers=caller.basic)


def test_introspect_own_active_token(client, admin_c, get_token):
    token = get_token(admin_c, scope="users:read")
    body = introspect(client, admin_c, token).json
    assert body["active"] is True
    assert body["client_id"] == admin_c.client_id
    assert body["scope"] == "users:read"
    assert body["sub"] == str(admin_c.user.id)
    assert body["exp"] - body["iat"] == 3600
    assert "act" not in body


def test_introspect_with_post_credentials(client, admin_c, get_token):
    token = get_token(admin_c)
    response = client.post("/oauth/introspect", data={
        "token": token, "client_id": admin_c.client_id, "client_secret": admin_c.client_secret})
    assert response.json["active"] is True


def test_introspect_unknown_token(client, admin_c):
    response = introspect(client, admin_c, "no-such-token")
    assert response.status_code == 200
    assert response.json == {"active": False}


def test_cannot_introspect_another_clients_token(client, admin_c, other, get_token):
    assert introspect(client, other, get_token(admin_c)).json == {"active": False}


def test_introspection_needs_client_authentication(client, admin_c, get_token):
    response = client.post("/oauth/introspect", data={"token": get_token(admin_c)})
    assert response.status_code == 401
    assert response.json["error"] == "invalid_client"


def test_introspection_needs_a_token_parameter(client, admin_c):
    response = client.post("/oauth/introspect", data={}, headers=admin_c.basic)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"


def test_revoke_own_token(client, admin_c, get_token):
    token = get_token(admin_c)
    response = client.post("/oauth/revoke", data={"token": token}, headers=admin_c.basic)
    assert response.status_code == 200
    assert introspect(client, admin_c, token).json == {"active": False}


def test_revoke_unknown_token_is_200(client, admin_c):
    response = client.post("/oauth/revoke", data={"token": "nothing"}, headers=admin_c.basic)
    assert response.status_code == 200


def test_cannot_revoke_another_clients_token(client, admin_c, other, get_token):
    token = get_token(admin_c)
    response = client.post("/oauth/revoke", data={"token": token}, headers=other.basic)
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_revoke_with_wrong_secret(client, admin_c, get_token):
    token = get_token(admin_c)
    admin_c.client_secret = "wrong"
    response = client.post("/oauth/revoke", data={"token": token}, headers=admin_c.basic)
    assert response.status_code == 401


def test_unsupported_token_type_hint(client, admin_c, get_token):
    response = client.post("/oauth/revoke", data={"token": get_token(admin_c),
                                                  "token_type_hint": "id_token"},
                           headers=admin_c.basic)
    assert response.status_code == 400
    assert response.json["error"] == "unsupported_token_type"


def test_metadata(client):
    body = client.get("/.well-known/oauth-authorization-server").json
    assert body["token_endpoint"].endswith("/oauth/token")
    assert body["revocation_endpoint"].endswith("/oauth/revoke")
    assert body["introspection_endpoint"].endswith("/oauth/introspect")
    assert body["grant_types_supported"] == ["client_credentials"]
    assert set(body["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic", "client_secret_post"}
    assert "organisations:read" in body["scopes_supported"]
