"""Every response, whatever its status, carries X-Request-Id, X-Rate-Limit-* and CORS headers."""
import uuid

import pytest
from sqlalchemy import select

from app.extensions import db, limiter
from app.models import ApiClient
from app.resources import me

RATE_HEADERS = ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")


def assert_common_headers(response):
    uuid.UUID(response.headers["X-Request-Id"])
    for name in RATE_HEADERS:
        assert int(response.headers[name]) >= 0, name
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Rate-Limit-Remaining" in response.headers["Access-Control-Expose-Headers"]


@pytest.fixture
def requests_by_status(tree, admin_c, make_caller, auth):
    """status -> a request that produces it."""
    headers = auth(admin_c)
    client_pk = db.session.scalar(select(ApiClient.id).where(ApiClient.client_id == admin_c.client_id))
    narrow = auth(admin_c, scope="users:read")
    return {
        200: dict(path="/api/v1/me", headers=headers),
        201: dict(path="/api/v1/organisations", method="POST", json={"name": "N"}, headers=headers),
        204: dict(path=f"/api/v1/api-clients/{client_pk}", method="DELETE", headers=auth(admin_c)),
        400: dict(path="/api/v1/organisations", method="POST", data="{bad",
                  content_type="application/json", headers=headers),
        401: dict(path="/api/v1/me"),
        403: dict(path="/api/v1/organisations", headers=narrow),
        404: dict(path="/no/such/path", headers=headers),
        405: dict(path="/api/v1/me", method="DELETE", headers=headers),
        409: dict(path=f"/api/v1/organisations/{tree.C.id}", method="PUT",
                  json={"parent": tree.E.id}, headers=auth(make_caller(tree.A, admin=True))),
        413: dict(path="/api/v1/organisations", method="POST", data="x" * (1024 * 1024 + 1),
                  content_type="application/json", headers=headers),
        415: dict(path="/api/v1/organisations", method="POST", data="name=x",
                  content_type="text/plain", headers=headers),
        422: dict(path="/api/v1/organisations", method="POST", json={}, headers=headers),
    }


@pytest.mark.parametrize("status", [200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422])
def test_headers_on_every_status(client, requests_by_status, status):
    spec = requests_by_status[status]
    response = client.open(spec.pop("path"), method=spec.pop("method", "GET"), **spec)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert_common_headers(response)
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        body = response.json
        assert body["status"] == status
        assert body["request_id"] == response.headers["X-Request-Id"]
        assert {"type", "title", "detail"} <= set(body)


@pytest.mark.config(RATE_LIMIT="3 per hour")
def test_429_with_retry_after(client, admin_c, auth):
    """The token request is counted against the address, not the client."""
    headers = auth(admin_c)
    statuses = [client.get("/api/v1/me", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me", headers=headers)
    assert_common_headers(response)
    assert response.headers["X-Rate-Limit-Remaining"] == "0"
    assert int(response.headers["Retry-After"]) >= 1
    assert response.mimetype == "application/problem+json"


def test_500_is_problem_json_with_headers(client, admin_c, auth, monkeypatch):
    def broken(token):
        raise RuntimeError("boom")

    monkeypatch.setattr(me, "Me", broken)
    response = client.get("/api/v1/me", headers=auth(admin_c))
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "boom" not in response.get_data(as_text=True)
    assert_common_headers(response)


def test_rate_limit_counts_down_per_client(client, tree, admin_c, make_caller, auth):
    headers = auth(admin_c)
    first = int(client.get("/api/v1/me", headers=headers).headers["X-Rate-Limit-Remaining"])
    second = int(client.get("/api/v1/me", headers=headers).headers["X-Rate-Limit-Remaining"])
    assert second == first - 1
    other = make_caller(tree.D, admin=True)
    other_remaining = int(client.get("/api/v1/me", headers=auth(other))
                          .headers["X-Rate-Limit-Remaining"])
    assert other_remaining == 999
    assert 0 < int(client.get("/api/v1/me", headers=headers).headers["X-Rate-Limit-Reset"]) <= 3600


def test_unauthenticated_calls_are_counted_per_address(client):
    a = client.get("/healthz", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    b = client.get("/healthz", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    c = client.get("/healthz", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert int(b.headers["X-Rate-Limit-Remaining"]) == int(a.headers["X-Rate-Limit-Remaining"]) - 1
    assert c.headers["X-Rate-Limit-Remaining"] == a.headers["X-Rate-Limit-Remaining"]


@pytest.mark.one_backend
def test_inbound_request_id_is_echoed_when_a_uuid(client):
    request_id = str(uuid.uuid4())
    assert client.get("/healthz", headers={"X-Request-Id": request_id}).headers[
        "X-Request-Id"] == request_id


@pytest.mark.one_backend
@pytest.mark.parametrize("inbound", ["not-a-uuid", "x" * 500, "1; DROP TABLE"])
def test_malformed_request_id_is_replaced(client, inbound):
    outbound = client.get("/healthz", headers={"X-Request-Id": inbound}).headers["X-Request-Id"]
    assert outbound != inbound
    uuid.UUID(outbound)


@pytest.mark.one_backend
def test_preflight(client):
    response = client.options("/api/v1/organisations", headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type, Idempotency-Key"})
    assert response.status_code == 200
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = {name.strip().lower()
               for name in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"authorization", "content-type", "idempotency-key"}
    assert_common_headers(response)


def test_a_preflight_asking_for_an_unknown_header_is_not_granted_it(client):
    response = client.options("/api/v1/organisations", headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "X-Unknown"})
    assert "x-unknown" not in response.headers.get("Access-Control-Allow-Headers", "").lower()


@pytest.mark.parametrize("status,request_kwargs", [
    (415, dict(data="name=x", content_type="text/plain")),
    (413, dict(data="x" * (1024 * 1024 + 1), content_type="application/json")),
])
def test_a_body_refused_before_counting_costs_no_budget(client, admin_c, auth, status,
                                                        request_kwargs):
    headers = auth(admin_c)
    before = int(client.get("/api/v1/me", headers=headers).headers["X-Rate-Limit-Remaining"])
    refused = client.post("/api/v1/organisations", headers=headers, **request_kwargs)
    assert refused.status_code == status
    assert int(refused.headers["X-Rate-Limit-Remaining"]) == before
    after = int(client.get("/api/v1/me", headers=headers).headers["X-Rate-Limit-Remaining"])
    assert after == before - 1


def test_counting_and_the_headers_take_one_storage_call(app, client, admin_c, auth, monkeypatch):
    """On Redis the hit returns what the headers need: no second and third round trip to
    read the window back."""
    headers = auth(admin_c)
    client.get("/api/v1/me", headers=headers)
    storage = limiter.storage
    calls = []
    is_redis = app.config["RATELIMIT_STORAGE_URI"].startswith("redis")
    if is_redis:
        connection = storage.get_connection()
        original = connection.execute_command
        monkeypatch.setattr(connection, "execute_command",
                            lambda *args, **kw: calls.append(args[0]) or original(*args, **kw))
    else:
        for name in ("incr", "get", "get_expiry"):
            original = getattr(storage, name)
            monkeypatch.setattr(storage, name, lambda *a, _o=original, _n=name, **kw:
                                calls.append(_n) or _o(*a, **kw))
    # Usage counts are written once a second per process, in one pipeline (app.usage):
    # not part of a request's own cost.
    app.config["USAGE_FLUSH_SECONDS"] = 3600
    before = int(client.get("/api/v1/me", headers=headers).headers["X-Rate-Limit-Remaining"])
    calls.clear()
    response = client.get("/api/v1/me", headers=headers)
    assert int(response.headers["X-Rate-Limit-Remaining"]) == before - 1
    assert 0 < int(response.headers["X-Rate-Limit-Reset"]) <= 3600
    if is_redis:
        assert calls == ["EVALSHA"]
    else:  # in-process storage: limits' own reads after the one hit, no round trips
        assert calls.count("incr") == 1
