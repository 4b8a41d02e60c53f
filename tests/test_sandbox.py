"""Sandbox trees: their tokens reach sandbox data only, and a reset restores the demo data
while the sandbox's own credentials keep working."""
import re

from sqlalchemy import func, select

from app import sandbox
from app.extensions import db
from app.models import Customer, Organisation


def token_of(client, client_id, secret) -> dict:
    response = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                  "client_id": client_id, "client_secret": secret})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def test_sandbox_tokens_reach_sandbox_data_only(client, tree, admin_c, auth):
    root, credentials = sandbox.create()
    assert root.sandbox and root.parent_id is None
    production = Customer(organisation_id=tree.C.id, account="Production customer")
    db.session.add(production)
    db.session.commit()
    headers = token_of(client, credentials.client_id, credentials.client_secret)
    listed = client.get("/api/v1/customers?per_page=100", headers=headers).json["data"]
    assert listed and all(c["account"] != "Production customer" for c in listed)
    assert client.get(f"/api/v1/customers/{production.id}", headers=headers).status_code == 404
    demo = listed[0]["id"]
    assert client.get(f"/api/v1/customers/{demo}", headers=auth(admin_c)).status_code == 404


def test_reset_restores_the_demo_data_and_keeps_the_credentials(app, client):
    root, credentials = sandbox.create()
    headers = token_of(client, credentials.client_id, credentials.client_secret)
    demo_count = len(client.get("/api/v1/customers", headers=headers).json["data"])
    added = client.post("/api/v1/customers", json={"account": "Mine"}, headers=headers).json
    child = client.post("/api/v1/organisations", json={"name": "My reseller"}, headers=headers).json
    user = client.post("/api/v1/users", headers=headers, json={
        "name": "Theirs", "email": "t@example.com", "organisation": child["id"]}).json
    theirs = client.post("/api/v1/api-clients", json={"name": "x", "user": user["id"]},
                         headers=headers).json
    key = client.post("/api/v1/api-keys", json={"name": "mine"}, headers=headers).json

    output = app.test_cli_runner().invoke(args=["sandbox", "reset"]).output
    assert f"Reset sandbox organisation {root.id}." in output

    assert client.get(f"/api/v1/customers/{added['id']}", headers=headers).status_code == 404
    assert db.session.get(Organisation, child["id"]) is None
    assert len(client.get("/api/v1/customers", headers=headers).json["data"]) == demo_count
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key['key']}"}).status_code == 200
    refused = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                 "client_id": theirs["client_id"],
                                                 "client_secret": theirs["client_secret"]})
    assert refused.status_code == 401
    tree_size = db.session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.path.startswith(root.path)))
    assert tree_size == 1 + len(sandbox.DEMO_CHILDREN)


def test_the_command_creates_one_if_missing(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sandbox", "create", "--if-missing"]).output
    client_id = re.search(r"client_id:\s+(\S+)", first).group(1)
    secret = re.search(r"client_secret:\s+(\S+)", first).group(1)
    token_of(client, client_id, secret)
    again = runner.invoke(args=["sandbox", "create", "--if-missing"]).output
    assert "client_secret" not in again and "exists" in again
    assert len(sandbox.roots()) == 1
    refused = runner.invoke(args=["sandbox", "reset", "--org", "999"])
    assert refused.exit_code != 0 and "not a sandbox root" in refused.output
