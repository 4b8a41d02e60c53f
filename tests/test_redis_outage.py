"""While the rate-limit storage (Redis) is down the service keeps answering: each process
counts on its own, /readyz says what is missing, and Redis is used again once it is back."""
import base64
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis

from app.bootstrap import bootstrap
from app.extensions import db
from app.factory import create_app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _app_with_a_client(storage_uri: str):
    """An app on its own SQLite database and the given limit storage, and the headers of
    a token of its bootstrap client."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "RATELIMIT_STORAGE_URI": storage_uri})
    with app.app_context():
        db.create_all()
        credentials = bootstrap()
    basic = base64.b64encode(f"{credentials.client_id}:{credentials.client_secret}".encode())
    client = app.test_client()
    token = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                        headers={"Authorization": f"Basic {basic.decode()}"})
    assert token.status_code == 200, token.json
    return client, {"Authorization": f"Bearer {token.json['access_token']}"}


def _remaining(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.headers["X-Rate-Limit-Remaining"])


def test_a_storage_that_refuses_connections_is_never_a_500(caplog):
    client, headers = _app_with_a_client(f"redis://127.0.0.1:{_free_port()}/0")
    assert _remaining(client.get("/healthz")) >= 0
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"] == {"database": "ok", "rate_limit_storage": "unreachable",
                                    "api_client": "ok"}
    first = _remaining(client.get("/api/v1/me", headers=headers))
    assert _remaining(client.get("/api/v1/me", headers=headers)) == first - 1  # counted here
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, which the test stops and starts again."""
    if not os.environ.get("TEST_REDIS_URL"):
        pytest.skip("needs a Redis server installed (.ci/run sets TEST_REDIS_URL)")
    port = _free_port()
    command = [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no"]
    processes = []

    def start():
        processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        for _ in range(100):
            try:
                redis.Redis(port=port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop():
        processes[-1].terminate()
        processes[-1].wait(timeout=10)

    start()
    yield port, start, stop
    for process in processes:
        if process.poll() is None:
            process.kill()


def test_redis_stopped_and_started_again(own_redis):
    port, start, stop = own_redis
    client, headers = _app_with_a_client(f"redis://127.0.0.1:{port}/0")
    counted_in_redis = _remaining(client.get("/api/v1/me", headers=headers))
    assert redis.Redis(port=port).keys("*client:*")

    stop()
    during = [client.get("/api/v1/me", headers=headers) for _ in range(3)]
    assert [response.status_code for response in during] == [200, 200, 200]
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200

    start()  # an empty Redis: the count starts again there
    deadline = time.monotonic() + 40  # flask-limiter's back-off between checks is at most 32 s
    while time.monotonic() < deadline:
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 200
        if redis.Redis(port=port).keys("*client:*"):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the limiter did not go back to Redis")
    assert client.get("/readyz").status_code == 200
    assert counted_in_redis > 0
