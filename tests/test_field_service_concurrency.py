"""What must happen once in the field service, under real concurrent requests on each
backend: one live connection per pair of organisations, one row per push device."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests import live

pytestmark = pytest.mark.live

CLIENT_ID, SECRET = "4f7e2a10-17aa-4c3d-8e2f-1a0b9c8d7e17", "field-service-secret-0123456789"


@pytest.fixture
def api(server_env):
    env = {**server_env, "BOOTSTRAP_CLIENT_ID": CLIENT_ID, "BOOTSTRAP_CLIENT_SECRET": SECRET}
    assert live.tiergate(env, "setup").returncode == 0
    created = live.tiergate(env, "create-org", "Contractor", "--root")
    assert created.returncode == 0, created.stderr
    foreign_id = int(created.stdout.split()[1])
    with live.gunicorn(env) as base:
        token = requests.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                              auth=(CLIENT_ID, SECRET)).json()["access_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        yield base, session, foreign_id


def test_concurrent_requests_make_one_connection_and_one_device(api):
    base, session, foreign_id = api

    def ask(_):
        return session.post(f"{base}/api/v1/connections", json={"foreigncompany_ref": foreign_id},
                            timeout=60).status_code

    def register(_):
        return session.post(f"{base}/api/v1/deviceids", json={
            "platform_name": "android", "device_id_string": "phone-1"}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        asked = list(pool.map(ask, range(16)))
        registered = list(pool.map(register, range(16)))
    assert sorted(asked) == [201] + [409] * 15
    assert sorted(registered) == [200] * 15 + [201]
    listed = session.get(f"{base}/api/v1/connections").json()
    assert listed["meta"]["total_records"] == 1
