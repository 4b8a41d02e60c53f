"""Usage counts per client, endpoint and status class within reach; Prometheus metrics."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app import usage
from app.extensions import db, limiter
from app.models import ApiClient


@pytest.fixture
def fresh_usage(app):
    """No counts of earlier tests: those still pending in this process written, then the
    storage emptied (as each test starts with it)."""
    usage.flush()
    limiter.reset()


def _pk(caller) -> int:
    return db.session.scalar(select(ApiClient.id).where(ApiClient.client_id == caller.client_id))


def test_requests_are_counted_per_client_endpoint_and_status(fresh_usage, client, tree, admin_c,
                                                              make_caller, auth):
    started = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    member = make_caller(tree.D, permissions=["customers:view"])
    outsider = make_caller(tree.C2, permissions=["customers:view"])
    member_headers, outsider_headers = auth(member), auth(outsider)
    for _ in range(3):
        client.get("/api/v1/customers", headers=member_headers)
    client.get("/api/v1/customers/99", headers=member_headers)
    client.get("/api/v1/customers", headers=outsider_headers)
    admin = auth(admin_c)
    rows = client.get("/api/v1/usage?per_page=100", headers=admin).json["data"]
    mine = {(r["api_client"], r["endpoint"], r["status_class"]): r["requests"] for r in rows}
    assert mine[(member.client_id, "GET /api/v1/customers", "2xx")] == 3
    assert mine[(member.client_id, "GET /api/v1/customers/<id:customer_id>", "4xx")] == 1
    assert all(r["organisation"] in (tree.C.id, tree.D.id) for r in rows)
    assert outsider.client_id not in {r["api_client"] for r in rows}
    hour = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    assert {r["period_start"] for r in rows} <= {started.isoformat(), hour.isoformat()}

    only = client.get(f"/api/v1/usage?api_client={_pk(member)}&granularity=day",
                      headers=admin).json["data"]
    assert {r["api_client"] for r in only} == {member.client_id}
    assert only[0]["period_start"] in (started.replace(hour=0).isoformat(),
                                       hour.replace(hour=0).isoformat())
    out_of_reach = client.get(f"/api/v1/usage?api_client={_pk(outsider)}", headers=admin)
    assert out_of_reach.status_code == 422 and "api_client" in out_of_reach.json["errors"]


def test_the_period_is_checked(client, admin_c, auth):
    headers = auth(admin_c)
    now = datetime.now(timezone.utc)
    backwards = client.get("/api/v1/usage", query_string={
        "from": now.isoformat(), "to": (now - timedelta(hours=1)).isoformat()}, headers=headers)
    assert backwards.status_code == 422 and "from" in backwards.json["errors"]
    too_long = client.get("/api/v1/usage", query_string={
        "from": (now - timedelta(days=32)).isoformat()}, headers=headers)
    assert too_long.status_code == 422
    assert client.get("/api/v1/usage?granularity=week", headers=headers).status_code == 422


def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_need_their_token(app, client, admin_c, auth):
    app.config["METRICS_TOKEN"] = "metrics-secret"
    client.get("/api/v1/me", headers=auth(admin_c))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": "Bearer metrics-secret"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert 'tiergate_requests_total{method="GET",route="/api/v1/me",status="200"}' in text
    assert 'tiergate_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/me"' in text


@pytest.mark.config(RATE_LIMIT="1 per hour", METRICS_TOKEN="m")
def test_limiter_rejections_are_a_metric(client):
    client.get("/healthz")
    assert client.get("/healthz").status_code == 429
    text = client.get("/metrics", headers={"Authorization": "Bearer m"}).get_data(as_text=True)
    assert 'tiergate_rate_limit_rejections_total{route="/healthz"}' in text
