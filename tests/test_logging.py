"""Logs carry the request id and never a secret or a token."""
import logging

import pytest

pytestmark = pytest.mark.one_backend  # what is logged does not depend on the backend


def test_logs_carry_request_id_and_no_secrets(client, admin_c, get_token, caplog):
    caplog.set_level(logging.DEBUG)
    token = get_token(admin_c)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    client.post("/oauth/token", data={"grant_type": "client_credentials",
                                      "client_id": admin_c.client_id, "client_secret": "wrong"})
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert token not in logged
    assert admin_c.client_secret not in logged
    access = [r for r in caplog.records if r.name == "tiergate.access" and r.path == "/api/v1/me"]
    assert access[0].request_id == response.headers["X-Request-Id"]
    assert access[0].client_id == admin_c.client_id


def test_log_lines_are_json():
    import json

    from app.requests import JsonFormatter

    record = logging.LogRecord("tiergate.access", logging.INFO, __file__, 1, "GET /x 200", (), None)
    record.request_id, record.status, record.client_id = "abc", 200, "client-1"
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc" and line["status"] == 200 and line["client_id"] == "client-1"
    assert line["level"] == "INFO" and line["message"] == "GET /x 200"


def _access_line(caplog, path, status):
    return next(r for r in caplog.records
                if r.name == "tiergate.access" and r.path == path and r.status == status)


def test_a_403_and_token_issuance_name_the_client_and_organisation(client, tree, make_caller,
                                                                   auth, caplog):
    caller = make_caller(tree.C, permissions=["users:view"])
    caplog.set_level(logging.INFO)
    headers = auth(caller)
    assert client.get("/api/v1/customers", headers=headers).status_code == 403
    for line in (_access_line(caplog, "/oauth/token", 200),
                 _access_line(caplog, "/api/v1/customers", 403)):
        assert (line.client_id, line.organisation) == (caller.client_id, tree.C.id)
