"""/healthz and /readyz, without a token."""
import pytest
from sqlalchemy.exc import OperationalError, PendingRollbackError

from app.extensions import db, limiter


@pytest.mark.one_backend
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


@pytest.mark.usefixtures("admin_c")
def test_readyz_when_all_is_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "rate_limit_storage": "ok",
                                       "api_client": "ok"}


@pytest.mark.usefixtures("admin_c")
def test_readyz_names_the_failing_part(client, monkeypatch):
    monkeypatch.setattr(limiter.storage, "check", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "rate_limit_storage": "unreachable",
                                       "api_client": "ok"}
    assert "rate_limit_storage" in response.json["detail"]


def test_not_ready_while_nobody_can_get_a_token(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["api_client"] == "none: run `tiergate setup`"


def test_database_outage_is_a_503_not_a_500(client, admin_c, auth, monkeypatch):
    headers = auth(admin_c)

    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "scalar", refuse)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 503
    assert response.json["code"] == "database_unavailable"
    assert response.headers["Retry-After"] == "5"


def test_a_database_outage_is_not_taken_for_the_limit_storages(client, admin_c, auth,
                                                                monkeypatch):
    """A failed token look-up is the database's 503: had flask-limiter seen it, it would
    have switched to its fallback and retried on a session that must first be rolled back
    (PendingRollbackError, a 500), as a gunicorn server did during a database restart."""
    headers = auth(admin_c)
    failures = iter([OperationalError("SELECT 1", {}, Exception("connection refused"))])

    def fail_as_a_session_does(*args, **kwargs):
        raise next(failures, PendingRollbackError("roll back the failed transaction first"))

    monkeypatch.setattr(db.session, "scalar", fail_as_a_session_does)
    response = client.post("/api/v1/customers", json={"account": "During"}, headers=headers)
    assert response.status_code == 503
    assert response.json["code"] == "database_unavailable"
