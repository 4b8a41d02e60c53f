"""The per-process cache of token look-ups (oauth.token_cache), in process.

That a change made through another server is seen at once is tests/test_auth_cache_live.py;
here: the cache is used, bypassed when it must be, and bounded by AUTH_CACHE_SECONDS."""
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event, update

from app.extensions import db
from app.models import AccessToken, Organisation

ME = "/api/v1/me"


@pytest.fixture
def send(app, client):
    """GET as under gunicorn: each request in an application context of its own (its own
    ``g`` and session), rather than the test's, which requests share."""
    def get(path, headers):
        with app.app_context():
            return client.get(path, headers=headers)
    return get


@contextmanager
def token_reads():
    """The statements that read access_tokens while the block runs."""
    seen = []

    def note(_conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("SELECT") and "FROM access_tokens" in statement:
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_token_is_read_once_then_served_from_the_cache(send, client, admin_c, auth):
    headers = auth(admin_c)
    assert send(ME, headers=headers).status_code == 200
    with token_reads() as reads:
        answers = [send(ME, headers=headers) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200] * 3
    assert answers[0].json["id"] == admin_c.user.id
    assert reads == []


def test_inserts_leave_the_cache_alone(send, client, admin_c, auth):
    """A new token or record changes no cached look-up: the cache stays warm."""
    headers = auth(admin_c)
    send(ME, headers=headers)
    assert client.post("/api/v1/customers", json={"account": "A"}, headers=headers).status_code == 201
    auth(admin_c)  # another token
    with token_reads() as reads:
        assert send(ME, headers=headers).status_code == 200
    assert reads == []


def test_a_committed_change_is_read_again(send, client, admin_c, auth):
    headers = auth(admin_c)
    send(ME, headers=headers)
    admin_c.user.name = "Renamed"
    db.session.commit()
    with token_reads() as reads:
        assert send(ME, headers=headers).json["name"] == "Renamed"
    assert len(reads) == 1


def test_a_bulk_update_is_read_again(send, client, tree, admin_c, auth):
    """The session hook sees UPDATE statements too (revocations, subtree moves)."""
    headers = auth(admin_c)
    send(ME, headers=headers)
    db.session.execute(update(Organisation).where(Organisation.id == tree.C.id)
                       .values(name="Renamed"))
    db.session.commit()
    with token_reads() as reads:
        send(ME, headers=headers)
    assert len(reads) == 1


@pytest.mark.config(AUTH_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off(send, client, admin_c, auth):
    headers = auth(admin_c)
    send(ME, headers=headers)
    with token_reads() as reads:
        send(ME, headers=headers)
        send(ME, headers=headers)
    assert len(reads) == 2


@pytest.mark.config(AUTH_CACHE_SECONDS=0.3)
def test_a_change_the_app_did_not_see_lasts_at_most_AUTH_CACHE_SECONDS(send, client, admin_c, auth):
    """SQL run past the application (here a Core statement on the connection, which no
    session hook sees) is the one case the epoch misses: the time-to-live bounds it."""
    headers = auth(admin_c)
    send(ME, headers=headers)
    db.session.connection().execute(
        update(AccessToken.__table__).values(revoked_at=db.func.current_timestamp()))
    db.session.commit()
    assert send(ME, headers=headers).status_code == 200  # still cached
    time.sleep(0.35)
    assert send(ME, headers=headers).status_code == 401
