"""Bad input of every kind gets a clear 4xx, never a 500, and changes nothing."""
import json
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation
from app.schemas.common import ID_MAX


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def org_count():
    return db.session.scalar(select(func.count()).select_from(Organisation))


@pytest.mark.parametrize("path", [
    "/api/v1/organisations/99999999999999999999",
    "/api/v1/organisations/2147483648",
    "/api/v1/organisations/0",
    "/api/v1/organisations/-1",
    "/api/v1/users/abc",
])
def test_ids_out_of_range_are_404(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("body", [
    "[" * 100000 + "]" * 100000,
    '{"name": 1' + "0" * 5000 + "}",
    '{"name": "a\\u0000b"}',
    '{"name": "\\ud800"}',
    '{"name": "ok", "\\u0000": 1}',
    "\xff\xfe",
])
def test_malformed_json_is_400(client, headers, body):
    before = org_count()
    response = client.post("/api/v1/organisations", data=body.encode("utf-8", "surrogatepass")
                           if "\xff" not in body else b"\xff\xfe",
                           content_type="application/json", headers=headers)
    assert response.status_code == 400, response.json
    assert response.mimetype == "application/problem+json"
    assert org_count() == before


@pytest.mark.parametrize("body", [None, [], "text", 5, {"name": None}, {"name": ["x"]},
                                  {"name": {"a": 1}}, {"name": "x" * 201}])
def test_wrong_types_are_422(client, headers, body):
    """Well-formed JSON of the wrong shape is unprocessable (422), not malformed (400)."""
    before = org_count()
    response = client.post("/api/v1/organisations", data=json.dumps(body),
                           content_type="application/json", headers=headers)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "validation_failed"
    if isinstance(body, dict):  # a field of the wrong type is named
        assert list(response.json["errors"]) == ["name"], response.json
    assert org_count() == before


def test_nul_in_query_is_400(client, headers):
    assert client.get("/api/v1/users?page=1%00", headers=headers).status_code == 400


def test_partial_permission_object_is_422(client, admin_c, headers):
    response = client.put(f"/api/v1/users/{admin_c.user.id}", json={"permissions": [{}]},
                          headers=headers)
    assert response.status_code == 422
    assert "permissions.0.permission" in response.json["errors"]


@pytest.mark.parametrize("field,value", [("currency", "GBP\n"), ("locale", "en\n")])
def test_trailing_newline_is_refused(client, headers, field, value):
    response = client.post("/api/v1/users", json={"name": "a", "email": "a@example.com",
                                                  field: value}, headers=headers)
    assert response.status_code == 422


def test_depth_is_limited(client, tree, make_caller, auth):
    from app.bootstrap import create_organisation
    from app.models.organisation import MAX_DEPTH

    parent = tree.E
    while parent.depth < MAX_DEPTH:
        parent = create_organisation(f"L{parent.depth}", parent)
    db.session.commit()
    response = client.post("/api/v1/organisations", json={"name": "too deep", "parent": parent.id},
                           headers=auth(make_caller(tree.A, admin=True)))
    assert response.status_code == 409


@pytest.mark.parametrize("header", ["Basic //46eA==", "Basic ", "Basic !!!", "Basic Og=="])
def test_malformed_basic_header_is_invalid_client(client, header):
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"] == "invalid_client"


def test_nul_in_client_id_is_400(client):
    response = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                  "client_id": "a\x00b", "client_secret": "x"})
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"


def test_repeated_oauth_parameters_are_invalid_request(client, admin_c):
    body = (f"grant_type=client_credentials&scope=users:read&scope=users:write"
            f"&client_id={admin_c.client_id}&client_secret={admin_c.client_secret}")
    response = client.post("/oauth/token", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json"])
def test_oauth_errors_before_authlib_keep_the_rfc_member(client, content_type):
    response = client.post("/oauth/token", data="{}", content_type=content_type)
    assert response.status_code == 415
    assert response.json["error"] == "invalid_request"


def test_secret_bearing_responses_are_not_cached(client, tree, make_user, headers):
    member = make_user(tree.D)
    for response in (
        client.post(f"/api/v1/users/{member.id}/emulation", headers=headers),
        client.post("/api/v1/api-clients", json={"name": "x"}, headers=headers),
    ):
        assert response.status_code == 201
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.one_backend
@pytest.mark.config(ISSUER="https://auth.example.com")
def test_issuer_is_configured_not_taken_from_host(client):
    body = client.get("/.well-known/oauth-authorization-server",
                      headers={"Host": "evil.example"}).json
    assert body["issuer"] == "https://auth.example.com"
    assert body["token_endpoint"] == "https://auth.example.com/oauth/token"


@pytest.mark.parametrize("data", [
    "grant_type=client_credentials&scope=%C3%80%10%09",
    "grant_type=client_credentials&%C3%80%09=1&%C3%80%09=2",
])
def test_unicode_echoed_in_oauth_errors_is_not_a_500(client, admin_c, data):
    response = client.post("/oauth/token", data=data, headers=admin_c.basic,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json["error"] in {"invalid_scope", "invalid_request"}


def test_an_id_out_of_range_is_a_404_on_every_route_and_method(app, client):
    """One past the largest id matches no rule: a 404, never the 405 werkzeug answers when
    another rule of the same path takes another method."""
    for rule in app.url_map.iter_rules():
        if "<id:" not in rule.rule:
            continue
        url = re.sub(r"<[^>]+>", str(ID_MAX + 1), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert client.open(url, method=method).status_code == 404, (method, rule.rule)
