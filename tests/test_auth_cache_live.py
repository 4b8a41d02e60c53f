"""Two app servers on one PostgreSQL and one Redis, each caching token look-ups: a change
made through one server holds on the other from its very next request.

Every case first warms the other server's cache with the token (several requests, so that
each of its workers has it), then changes something through the first server."""
import os
import uuid

import pytest
import requests
from sqlalchemy import text

from app.extensions import db, limiter
from app.factory import create_app
from tests import live

pytestmark = pytest.mark.live

ROOT_CLIENT, ROOT_SECRET = "a0c4e000-0000-4000-8000-000000000013", "auth-cache-secret-0123456789abc"
WARM_UP = 8  # requests per warm-up: two workers x four threads, round robin or not


def _empty(app) -> None:
    tables = ", ".join(table.name for table in db.metadata.sorted_tables)
    with app.app_context():
        db.create_all()
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
        limiter.reset()
        db.engine.dispose()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """(first, second, env): base URLs of two servers, two workers each, caching for a
    minute (longer than the test: only the auth epoch can make them look again), and the
    environment they run in (for `tiergate` commands)."""
    database, redis = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if not (database and redis):
        pytest.skip("needs TEST_DATABASE_URL and TEST_REDIS_URL (.ci/run sets both)")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_STORAGE_URI": redis})
    _empty(app)
    env = live.environment(tmp_path_factory.mktemp("first"), DATABASE_URL=database,
                           RATELIMIT_STORAGE_URI=redis, SECRET_KEY="one-key-for-every-server",
                           BOOTSTRAP_CLIENT_ID=ROOT_CLIENT, BOOTSTRAP_CLIENT_SECRET=ROOT_SECRET,
                           WEB_CONCURRENCY=2, AUTH_CACHE_SECONDS=60)
    try:
        assert live.tiergate(env, "setup").returncode == 0
        second_env = {**env, "INSTANCE_PATH": str(tmp_path_factory.mktemp("second"))}
        with live.gunicorn(env) as first, live.gunicorn(second_env) as second:
            yield first, second, env
    finally:
        _empty(app)  # the tests that follow share this database


@pytest.fixture(scope="module")
def servers(shared):
    return shared[:2]


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"}

    def on(self, base: str) -> "Api":
        return Api(base, self.headers["Authorization"].split()[1])

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.base + path, headers=self.headers, timeout=10,
                                **kwargs)

    def warm(self, path: str = "/api/v1/me") -> None:
        assert [self.call("GET", path).status_code for _ in range(WARM_UP)] == [200] * WARM_UP


def token_for(base: str, client_id: str, secret: str) -> str:
    answer = requests.post(f"{base}/oauth/token", auth=(client_id, secret),
                           data={"grant_type": "client_credentials"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


@pytest.fixture(scope="module")
def root(servers):
    first, _ = servers
    return Api(first, token_for(first, ROOT_CLIENT, ROOT_SECRET))


@pytest.fixture
def member(root):
    """A user of a new organisation under the root, with its API client: (user id,
    organisation id, client, secret)."""
    org = root.call("POST", "/api/v1/organisations", json={"name": f"Org {uuid.uuid4()}"}).json()
    user = root.call("POST", "/api/v1/users", json={
        "name": "Member", "email": f"{uuid.uuid4().hex}@example.com", "organisation": org["id"],
        "permissions": [{"permission": "customers:edit", "parent": True}]}).json()
    client = root.call("POST", "/api/v1/api-clients",
                       json={"name": "Member's", "user": user["id"]}).json()
    return user["id"], org["id"], client, client["client_secret"]


def test_revocation(servers, root):
    first, second = servers
    token = token_for(first, ROOT_CLIENT, ROOT_SECRET)
    Api(second, token).warm()
    revoked = requests.post(f"{first}/oauth/revoke", data={"token": token},
                            auth=(ROOT_CLIENT, ROOT_SECRET), timeout=10)
    assert revoked.status_code == 200
    assert Api(second, token).call("GET", "/api/v1/me").status_code == 401


def test_client_disabling(servers, root, member):
    first, second = servers
    _, _, client, secret = member
    caller = Api(second, token_for(first, client["client_id"], secret))
    caller.warm()
    assert root.call("DELETE", f"/api/v1/api-clients/{client['id']}").status_code == 204
    assert caller.call("GET", "/api/v1/me").status_code == 401


def test_client_disabled_from_the_command_line(shared, root, member):
    first, second, env = shared
    _, _, client, secret = member
    caller = Api(second, token_for(first, client["client_id"], secret))
    caller.warm()
    assert live.tiergate(env, "disable-client", client["client_id"]).returncode == 0
    assert caller.call("GET", "/api/v1/me").status_code == 401


def test_secret_rotation(servers, root, member):
    first, second = servers
    _, _, client, old_secret = member
    caller = Api(second, token_for(second, client["client_id"], old_secret))
    caller.warm()
    rotated = root.call("POST", f"/api/v1/api-clients/{client['id']}/secret")
    assert rotated.status_code == 201
    refused = requests.post(f"{second}/oauth/token", auth=(client["client_id"], old_secret),
                            data={"grant_type": "client_credentials"}, timeout=10)
    assert refused.status_code == 401
    token_for(second, client["client_id"], rotated.json()["client_secret"])
    assert caller.call("GET", "/api/v1/me").status_code == 200  # tokens outlive a rotation


def test_user_disabling(servers, root, member):
    first, second = servers
    user_id, _, client, secret = member
    caller = Api(second, token_for(first, client["client_id"], secret))
    caller.warm()
    assert root.call("PATCH", f"/api/v1/users/{user_id}", json={"active": False}).status_code == 200
    assert caller.call("GET", "/api/v1/me").status_code == 401


def test_permission_change(servers, root, member):
    first, second = servers
    user_id, _, client, secret = member
    caller = Api(second, token_for(first, client["client_id"], secret))
    caller.warm("/api/v1/customers")
    withdrawn = root.call("PATCH", f"/api/v1/users/{user_id}", json={"permissions": []})
    assert withdrawn.status_code == 200
    assert caller.call("GET", "/api/v1/customers").status_code == 403


def test_organisation_move(servers, root, member):
    """The caller's own organisation moves: its reach follows the new path at once (with
    the old one, a stale cache would find none of its own records)."""
    first, second = servers
    _, org_id, client, secret = member
    caller = Api(second, token_for(first, client["client_id"], secret))
    customer = caller.call("POST", "/api/v1/customers", json={"account": "Mine"}).json()
    caller.warm(f"/api/v1/customers/{customer['id']}")
    new_parent = root.call("POST", "/api/v1/organisations", json={"name": "New parent"}).json()
    moved = root.call("PATCH", f"/api/v1/organisations/{org_id}",
                      json={"parent": new_parent["id"]})
    assert moved.status_code == 200
    assert caller.call("GET", f"/api/v1/customers/{customer['id']}").status_code == 200
    mine = caller.call("GET", "/api/v1/customers").json()
    assert [row["id"] for row in mine["data"]] == [customer["id"]]
