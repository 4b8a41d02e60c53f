"""POST /oauth/token: the client-credentials grant and every RFC 6749 section 5.2 error."""
import base64
import hmac
import re

import pytest
from sqlalchemy import event, select, text

from app.bootstrap import create_client
from app.extensions import db
from app.models import AccessToken, ApiClient
from oauth import hashing
from tests.conftest import Caller

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def reseller(tree, make_caller):
    return make_caller(tree.C, permissions=["organisations:view+", "users:view"])


def make_caller_like(caller, name):
    """Another client of a new user like ``caller``'s, in the same organisation."""
    user = db.session.merge(caller.user)
    twin = type(user)(organisation=user.organisation, name=name, permissions=user.permissions,
                      email=f"{name.replace(' ', '-')}@example.com")
    db.session.add(twin)
    credentials = create_client(twin, f"client of {name}")
    db.session.commit()
    return Caller(twin, credentials.client_id, credentials.client_secret)


def post_credentials(caller, **extra):
    return {**GRANT, "client_id": caller.client_id, "client_secret": caller.client_secret, **extra}


class TestIssue:
    def test_client_secret_post(self, client, reseller):
        response = client.post("/oauth/token", data=post_credentials(reseller))
        assert response.status_code == 200
        body = response.json
        assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 3600
        assert body["scope"] == "organisations:read users:read"
        assert response.headers["Cache-Control"] == "no-store"
        assert "refresh_token" not in body

    def test_client_secret_basic(self, client, reseller):
        response = client.post("/oauth/token", data=GRANT, headers=reseller.basic)
        assert response.status_code == 200
        assert response.json["access_token"]

    def test_basic_credentials_are_form_urlencoded(self, client, tree, make_caller):
        """RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding."""
        caller = make_caller(tree.C, admin=True)
        client_row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == caller.client_id))
        client_row.set_secret("s3cr:t/with%chars")
        db.session.commit()
        caller.client_secret = "s3cr%3At%2Fwith%25chars"
        assert client.post("/oauth/token", data=GRANT, headers=caller.basic).status_code == 200

    def test_requested_scope_narrows_the_token(self, client, reseller):
        response = client.post("/oauth/token", data=post_credentials(reseller, scope="users:read"))
        assert response.json["scope"] == "users:read"

    def test_client_scope_restriction_narrows_the_token(self, client, tree, make_caller):
        caller = make_caller(tree.C, admin=True, scope="organisations:read")
        response = client.post("/oauth/token", data=post_credentials(caller))
        assert response.json["scope"] == "organisations:read"

    def test_lifetime_comes_from_configuration(self, app, client, reseller):
        app.config["ACCESS_TOKEN_EXPIRES_IN"] = 120
        response = client.post("/oauth/token", data=post_credentials(reseller))
        assert response.json["expires_in"] == 120

    def test_only_a_hash_of_the_token_and_secret_is_stored(self, client, reseller):
        token = client.post("/oauth/token", data=post_credentials(reseller)).json["access_token"]
        dump = " ".join(
            str(row) for table in ("access_tokens", "api_clients", "audit_events")
            for row in db.session.execute(text(f"SELECT * FROM {table}")).all()
        )
        assert token not in dump
        assert reseller.client_secret not in dump


class TestErrors:
    def test_unknown_client_and_wrong_secret_answer_the_same(self, client, reseller):
        unknown = client.post("/oauth/token", data={**GRANT, "client_id": "nobody",
                                                    "client_secret": "x" * 43})
        wrong = client.post("/oauth/token", data=post_credentials(reseller, client_secret="x" * 43))
        assert unknown.status_code == wrong.status_code == 401
        strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
        assert strip(unknown.json) == strip(wrong.json)
        assert unknown.json["error"] == "invalid_client"

    @pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic"])
    def test_every_failure_takes_the_same_path(self, app, client, reseller, monkeypatch, method):
        """Unknown client, wrong secret, disabled client, disabled user: the same hash
        computations, the same constant-time comparisons and the same SQL, so that no
        timing tells them apart (counted, not timed: deterministic)."""
        app.config["AUTH_FAILURE_LIMIT"] = "10000 per minute"
        calls = []
        digest, compare_digest = hashing.digest, hmac.compare_digest
        monkeypatch.setattr(hashing, "digest",
                            lambda *args: calls.append("digest") or digest(*args))
        monkeypatch.setattr(hmac, "compare_digest",
                            lambda *args: calls.append("compare_digest") or compare_digest(*args))

        def record(_connection, _cursor, statement, *_args):  # savepoint names are numbered
            calls.append(re.sub(r"sa_savepoint_\d+", "sa_savepoint", statement))

        event.listen(db.engine, "before_cursor_execute", record)
        disabled_client = make_caller_like(reseller, "disabled client")
        disabled_user = make_caller_like(reseller, "disabled user")
        row = db.session.scalar(select(ApiClient).where(
            ApiClient.client_id == disabled_client.client_id))
        row.active = False
        disabled_user.user.active = False
        db.session.commit()
        cases = {
            "unknown client": ("3f1c7c2e-0000-4000-8000-000000000000", "x" * 43),
            "wrong secret": (reseller.client_id, "x" * 43),
            "disabled client": (disabled_client.client_id, disabled_client.client_secret),
            "disabled user": (disabled_user.client_id, disabled_user.client_secret),
        }

        def work(client_id, secret):
            db.session.commit()  # each request starts from the same session state
            calls.clear()
            if method == "client_secret_basic":
                raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
                response = client.post("/oauth/token", data=GRANT,
                                       headers={"Authorization": f"Basic {raw}"})
            else:
                response = client.post("/oauth/token", data={
                    **GRANT, "client_id": client_id, "client_secret": secret})
            assert response.status_code == 401, response.json
            return list(calls)

        try:
            for credentials in cases.values():
                work(*credentials)  # warm up: the same caches filled for every case
            seen = {case: work(*credentials) for case, credentials in cases.items()}
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        expected = seen["wrong secret"]
        assert expected.count("digest") == expected.count("compare_digest") == 1, expected
        assert any(statement.lstrip().upper().startswith("SELECT") for statement in expected)
        for case, path in seen.items():
            assert path == expected, case

    def test_basic_failure_carries_a_basic_challenge(self, client, reseller):
        reseller.client_secret = "wrong"
        response = client.post("/oauth/token", data=GRANT, headers=reseller.basic)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert response.json["error"] == "invalid_client"

    def test_post_failure_is_401_invalid_client(self, client, reseller):
        response = client.post("/oauth/token", data=post_credentials(reseller, client_secret="no"))
        assert response.status_code == 401
        assert response.json["error"] == "invalid_client"

    def test_no_credentials(self, client):
        response = client.post("/oauth/token", data=GRANT)
        assert response.status_code == 401
        assert response.json["error"] == "invalid_client"

    def test_two_authentication_methods_are_refused(self, client, reseller):
        response = client.post("/oauth/token", data=post_credentials(reseller),
                               headers=reseller.basic)
        assert response.status_code == 400
        assert response.json["error"] == "invalid_request"

    def test_credentials_in_the_query_string_are_refused(self, client, reseller):
        query = f"?client_id={reseller.client_id}&client_secret={reseller.client_secret}"
        response = client.post("/oauth/token" + query, data=GRANT)
        assert response.status_code == 400
        assert response.json["error"] == "invalid_request"

    def test_unsupported_grant_type(self, client, reseller):
        response = client.post("/oauth/token", data=post_credentials(reseller, grant_type="password"))
        assert response.status_code == 400
        assert response.json["error"] == "unsupported_grant_type"

    def test_missing_grant_type(self, client, reseller):
        data = post_credentials(reseller)
        del data["grant_type"]
        response = client.post("/oauth/token", data=data)
        assert response.status_code == 400
        assert response.json["error"] == "unsupported_grant_type"

    @pytest.mark.parametrize("scope", ["users:write", "no-such-scope", "users:read users:write"])
    def test_scope_the_client_may_not_have(self, client, reseller, scope):
        response = client.post("/oauth/token", data=post_credentials(reseller, scope=scope))
        assert response.status_code == 400
        assert response.json["error"] == "invalid_scope"

    def test_json_body_is_refused(self, client, reseller):
        response = client.post("/oauth/token", json=post_credentials(reseller))
        assert response.status_code == 415
        assert response.mimetype == "application/json"

    def test_errors_are_json_with_request_id(self, client):
        response = client.post("/oauth/token", data=GRANT,
                               headers={"X-Request-Id": "9b2f4a8e-3c1d-4e5f-8a7b-6c5d4e3f2a1b"})
        assert response.mimetype == "application/json"
        assert response.json["request_id"] == "9b2f4a8e-3c1d-4e5f-8a7b-6c5d4e3f2a1b"

    def test_get_is_not_allowed(self, client):
        response = client.get("/oauth/token")
        assert response.status_code == 405
        assert "POST" in response.headers["Allow"]


class TestClientState:
    def test_disabled_client_cannot_get_a_token(self, client, reseller):
        row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == reseller.client_id))
        row.active = False
        db.session.commit()
        response = client.post("/oauth/token", data=post_credentials(reseller))
        assert response.status_code == 401
        assert response.json["error"] == "invalid_client"

    def test_disabled_user_cannot_get_a_token(self, client, reseller):
        reseller.user.active = False
        db.session.commit()
        assert client.post("/oauth/token", data=post_credentials(reseller)).status_code == 401

    def test_token_rows_record_client_and_user(self, client, reseller):
        client.post("/oauth/token", data=post_credentials(reseller))
        token = db.session.scalar(select(AccessToken))
        assert token.user_id == token.real_user_id == reseller.user.id
        assert token.client.client_id == reseller.client_id


class TestFailureThrottle:
    def test_repeated_failures_are_throttled_per_client_and_address(self, app, client, reseller):
        app.config["AUTH_FAILURE_LIMIT"] = "3 per minute"
        bad = post_credentials(reseller, client_secret="wrong")
        statuses = [client.post("/oauth/token", data=bad).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        throttled = client.post("/oauth/token", data=post_credentials(reseller))
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) >= 1
        assert throttled.mimetype == "application/json"
        other_address = client.post("/oauth/token", data=post_credentials(reseller),
                                    base_url="https://localhost",
                                    environ_base={"REMOTE_ADDR": "10.1.2.3"})
        assert other_address.status_code == 200

    def test_successes_do_not_count(self, app, client, reseller):
        app.config["AUTH_FAILURE_LIMIT"] = "2 per minute"
        for _ in range(5):
            assert client.post("/oauth/token", data=post_credentials(reseller)).status_code == 200
