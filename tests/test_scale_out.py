"""Two app servers on one PostgreSQL and one Redis behave as one service."""
import os
import subprocess
import time
from itertools import cycle

import psycopg
import pytest
import requests
from sqlalchemy import text

from app.extensions import db, limiter
from app.factory import create_app
from tests import live

pytestmark = pytest.mark.live

CLIENT_ID, SECRET = "5ca1e000-0000-4000-8000-000000000001", "scale-out-secret-0123456789abcdef"


@pytest.fixture
def shared_env(tmp_path):
    database, redis = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if not (database and redis):
        pytest.skip("needs TEST_DATABASE_URL and TEST_REDIS_URL (.ci/run sets both)")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_STORAGE_URI": redis})
    tables = ", ".join(table.name for table in db.metadata.sorted_tables)
    with app.app_context():
        db.create_all()
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
        limiter.reset()
        db.engine.dispose()
    yield live.environment(tmp_path, DATABASE_URL=database, RATELIMIT_STORAGE_URI=redis,
                           SECRET_KEY="one-key-for-every-server", RATE_LIMIT="30 per hour",
                           BOOTSTRAP_CLIENT_ID=CLIENT_ID, BOOTSTRAP_CLIENT_SECRET=SECRET,
                           WEB_CONCURRENCY=2)
    with app.app_context():  # the tests that follow share this database
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
        db.engine.dispose()


def test_two_servers_share_tokens_revocations_and_limits(shared_env, tmp_path):
    assert live.tiergate(shared_env, "setup").returncode == 0
    other_env = {**shared_env, "INSTANCE_PATH": str(tmp_path / "second")}
    with live.gunicorn(shared_env) as first, live.gunicorn(other_env) as second:
        token = requests.post(f"{first}/oauth/token", auth=(CLIENT_ID, SECRET),
                              data={"grant_type": "client_credentials"}).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{second}/api/v1/me", headers=bearer).status_code == 200

        revoked = requests.post(f"{second}/oauth/revoke", data={"token": token},
                                auth=(CLIENT_ID, SECRET))
        assert revoked.status_code == 200
        assert requests.get(f"{first}/api/v1/me", headers=bearer).status_code == 401

        token = requests.post(f"{second}/oauth/token", auth=(CLIENT_ID, SECRET),
                              data={"grant_type": "client_credentials"}).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        # One call of this client's 30 went to GET /me above; the revoked-token call and the
        # token and revocation requests count against the address, not the client.
        statuses = [requests.get(f"{base}/api/v1/me", headers=bearer).status_code
                    for base, _ in zip(cycle((first, second)), range(39), strict=False)]
        assert statuses == [200] * 29 + [429] * 10


def _cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
                   check=True, capture_output=True, timeout=120)


def _wait_for_database(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                            connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.skipif(not os.path.isdir("/etc/postgresql"), reason="restarts the local cluster")
def test_database_restart_is_503_then_recovers_without_losing_writes(shared_env):
    assert live.tiergate(shared_env, "setup").returncode == 0
    with live.gunicorn(shared_env) as base:
        token = requests.post(f"{base}/oauth/token", auth=(CLIENT_ID, SECRET),
                              data={"grant_type": "client_credentials"}).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        saved = requests.post(f"{base}/api/v1/customers", json={"account": "Before"},
                              headers=bearer)
        assert saved.status_code == 201
        _cluster("stop")
        try:
            started = time.monotonic()
            during = requests.post(f"{base}/api/v1/customers", json={"account": "During"},
                                   headers=bearer, timeout=30)
            assert during.status_code == 503
            assert during.json()["code"] == "database_unavailable"
            assert time.monotonic() - started < 10
            ready = requests.get(f"{base}/readyz", timeout=30)
            assert ready.status_code == 503 and ready.json()["checks"]["database"] == "unreachable"
        finally:
            _cluster("start")
            _wait_for_database(shared_env["DATABASE_URL"])
        after = requests.get(f"{base}/api/v1/customers", headers=bearer, timeout=30)
        assert after.status_code == 200
        assert [c["account"] for c in after.json()["data"]] == ["Before"]
        assert requests.get(f"{base}/readyz", timeout=30).status_code == 200


def test_two_servers_share_a_plan_budget_and_api_key_revocations(shared_env, tmp_path):
    """Two clients of one organisation, alternating between two servers, share its plan's
    budget to the request; an API key revoked on one server stops on the other at once."""
    assert live.tiergate(shared_env, "setup").returncode == 0
    other_env = {**shared_env, "INSTANCE_PATH": str(tmp_path / "second")}
    with live.gunicorn(shared_env) as first, live.gunicorn(other_env) as second:
        token = requests.post(f"{first}/oauth/token", auth=(CLIENT_ID, SECRET),
                              data={"grant_type": "client_credentials"}).json()["access_token"]
        admin = {"Authorization": f"Bearer {token}"}
        org = requests.post(f"{first}/api/v1/organisations", json={"name": "Plan Co"},
                            headers=admin).json()["id"]
        assert requests.put(f"{second}/api/v1/organisations/{org}/plan", headers=admin,
                            json={"plan": "custom", "limit": 20}).status_code == 200
        members = []
        for number in (1, 2):
            user = requests.post(f"{first}/api/v1/users", headers=admin, json={
                "name": f"Member {number}", "email": f"m{number}@example.com", "organisation": org,
                "permissions": [{"permission": "customers:view", "parent": False}]}).json()
            created = requests.post(f"{first}/api/v1/api-clients", headers=admin,
                                    json={"name": f"Client {number}", "user": user["id"]}).json()
            issued = requests.post(f"{second}/oauth/token", data={
                "grant_type": "client_credentials", "client_id": created["client_id"],
                "client_secret": created["client_secret"]}).json()
            members.append({"Authorization": f"Bearer {issued['access_token']}"})
        calls = zip(cycle((first, second)), cycle(members), range(25), strict=False)
        statuses = [requests.get(f"{base}/api/v1/customers", headers=headers).status_code
                    for base, headers, _ in calls]
        assert statuses == [200] * 20 + [429] * 5

        key = requests.post(f"{first}/api/v1/api-keys", json={"name": "k"}, headers=admin).json()
        by_key = {"Authorization": f"Bearer {key['key']}"}
        assert requests.get(f"{second}/api/v1/me", headers=by_key).status_code == 200
        assert requests.delete(f"{second}/api/v1/api-keys/{key['id']}",
                               headers=admin).status_code == 204
        assert requests.get(f"{first}/api/v1/me", headers=by_key).status_code == 401
