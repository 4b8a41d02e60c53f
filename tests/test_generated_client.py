"""A Python client generated from the served document builds and gets a call through."""
import importlib
import subprocess
import sys

import pytest
import requests

from openapi import SPEC_FILE
from tests import live

pytestmark = pytest.mark.live

CLIENT_ID, SECRET = "c1e40000-gen0-4000-8000-000000000001", "generated-client-secret-0123456789"


def test_generated_client_lists_customers(tmp_path):
    output = tmp_path / "client"
    result = subprocess.run(
        [str(live.BIN / "openapi-python-client"), "generate", "--path", str(SPEC_FILE),
         "--config", str(SPEC_FILE.parent / "client-config.yaml"), "--output-path", str(output)],
        capture_output=True, text=True, timeout=300,
        env={"PATH": f"{live.BIN}:/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout

    sys.path.insert(0, str(output))
    try:
        client_module = importlib.import_module("tiergate_api_client")
        list_customers = importlib.import_module("tiergate_api_client.api.customers.list_customers")
        create_customer = importlib.import_module(
            "tiergate_api_client.api.customers.create_customer")
        models = importlib.import_module("tiergate_api_client.models")
        env = live.environment(tmp_path / "instance", BOOTSTRAP_CLIENT_ID=CLIENT_ID,
                               BOOTSTRAP_CLIENT_SECRET=SECRET)
        assert live.tiergate(env, "setup").returncode == 0
        with live.gunicorn(env) as base:
            token = requests.post(f"{base}/oauth/token", auth=(CLIENT_ID, SECRET),
                                  data={"grant_type": "client_credentials"}).json()["access_token"]
            api = client_module.AuthenticatedClient(base_url=base, token=token)
            created = create_customer.sync(
                client=api, body=models.Customer(account="Jane Smith", email="jane@example.com"))
            assert created.account == "Jane Smith"
            page = list_customers.sync(client=api, search="jane")
            assert [c.account for c in page.data] == ["Jane Smith"]
            assert page.meta.total_records == 1
            anonymous = client_module.Client(base_url=base)
            problem = list_customers.sync(client=anonymous)
            assert problem.status == 401
    finally:
        sys.path.remove(str(output))
        for name in [m for m in sys.modules if m.startswith("tiergate_api_client")]:
            del sys.modules[name]
