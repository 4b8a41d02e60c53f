"""The service as `make run` starts it: setup, printed credentials, gunicorn."""
import re
import subprocess

import pytest
import requests

from tests import live

pytestmark = pytest.mark.live


def test_printed_credentials_read_me(server_env):
    setup = live.tiergate(server_env, "setup", "--demo")
    assert setup.returncode == 0, setup.stderr
    client_id = re.search(r"client_id:\s+(\S+)", setup.stdout).group(1)
    secret = re.search(r"client_secret:\s+(\S+)", setup.stdout).group(1)
    again = live.tiergate(server_env, "setup", "--demo")
    assert secret not in again.stdout and client_id in again.stdout  # shown once
    with live.gunicorn(server_env) as base:
        token = requests.post(f"{base}/oauth/token", data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
        assert token.status_code == 200
        me = requests.get(f"{base}/api/v1/me",
                          headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert me.status_code == 200
        assert me.json()["root"] is True
        assert me.headers["X-Rate-Limit-Limit"] == "1000"
        organisations = requests.get(f"{base}/api/v1/organisations", headers={
            "Authorization": f"Bearer {token.json()['access_token']}"}).json()
        assert organisations["meta"]["total_records"] == 7  # root + the demo tree


def test_bootstrap_credentials_from_the_environment(server_env):
    env = {**server_env, "BOOTSTRAP_CLIENT_ID": "3c5a1f1e-1111-4222-8333-444455556666",
           "BOOTSTRAP_CLIENT_SECRET": "a-long-bootstrap-secret-for-tests-only"}
    setup = live.tiergate(env, "setup")
    assert setup.returncode == 0, setup.stderr
    assert live.tiergate(env, "bootstrap-client-id").stdout.strip() == env["BOOTSTRAP_CLIENT_ID"]
    with live.gunicorn(env) as base:
        response = requests.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                                 auth=(env["BOOTSTRAP_CLIENT_ID"], env["BOOTSTRAP_CLIENT_SECRET"]))
        assert response.status_code == 200


def test_memory_limits_with_several_workers_are_refused(tmp_path):
    env = live.environment(tmp_path, WEB_CONCURRENCY=3)
    result = subprocess.run([str(live.BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--check-config",
                             "wsgi:app"], env=env, cwd=live.ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert "in-memory rate limits are counted per process" in result.stdout + result.stderr


def test_version(tmp_path):
    result = live.tiergate(live.environment(tmp_path), "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == "Tiergate, version 0.1.0"


def test_the_production_recipe_from_schema_to_first_call(server_env, empty_database):
    """README, Production: migrations alone leave a service nobody can use, and /readyz
    says so; `tiergate setup` prints the credentials of the first client."""
    env = {**server_env, "DATABASE_URL": empty_database,
           "SECRET_KEY": "a-production-secret-key-made-once-0123456789"}
    assert live.tiergate(env, "db", "upgrade").returncode == 0
    with live.gunicorn(env) as base:
        ready = requests.get(f"{base}/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["api_client"] == "none: run `tiergate setup`"
    setup = live.tiergate(env, "setup")
    assert setup.returncode == 0, setup.stderr
    client_id = re.search(r"client_id:\s+(\S+)", setup.stdout).group(1)
    secret = re.search(r"client_secret:\s+(\S+)", setup.stdout).group(1)
    with live.gunicorn(env) as base:
        assert requests.get(f"{base}/readyz").status_code == 200
        token = requests.post(f"{base}/oauth/token", auth=(client_id, secret),
                              data={"grant_type": "client_credentials"}).json()["access_token"]
        me = requests.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["root"] is True
