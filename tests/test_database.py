"""How requests use the database: transactions for writes only, and pooled connections
that are checked before use once they have been idle."""
import pytest
from sqlalchemy import event

from app import database
from app.extensions import db
from app.factory import create_app
from app.models import Customer

# What is tested is the app's own choice of connections and transactions.
pytestmark = pytest.mark.commits


@pytest.fixture
def statements(app):
    """(SQL, autocommit?) for every statement the app sends."""
    seen = []

    def record(connection, _cursor, statement, *_args):
        dbapi_connection = connection.connection.dbapi_connection
        seen.append((statement, getattr(dbapi_connection, "autocommit", None)))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_a_read_runs_outside_a_transaction_and_a_write_inside_one(
        client, admin_c, auth, statements):
    headers = auth(admin_c)
    statements.clear()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    reads = list(statements)
    statements.clear()
    assert client.post("/api/v1/customers", json={"account": "Acme"},
                       headers=headers).status_code == 201
    writes = list(statements)
    if db.engine.dialect.name == "postgresql":
        # psycopg in autocommit sends no BEGIN/ROLLBACK: the read is one round trip.
        assert reads and all(autocommit is True for _, autocommit in reads)
        assert writes and all(autocommit is False for _, autocommit in writes)
    else:  # SQLite: reads begin deferred, beside a writer; writes take the lock first
        assert reads[0][0] == "BEGIN"
        assert writes[0][0] == "BEGIN IMMEDIATE"


def test_a_write_after_a_read_in_the_same_session_gets_a_transaction(
        client, tree, admin_c, auth, statements):
    """Tests (and scripts) run requests and their own writes in one application context."""
    headers, organisation_id = auth(admin_c), tree.C.id
    db.session.commit()  # the read below begins the session's next transaction
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    statements.clear()
    db.session.add(Customer(organisation_id=organisation_id, account="Written after a read"))
    db.session.commit()  # the flush begins the transaction: no read comes first
    if db.engine.dialect.name == "postgresql":
        assert statements and all(autocommit is False for _, autocommit in statements)
    else:  # outside a request (scripts, the worker) the write lock is taken up front
        assert statements[0][0] == "BEGIN IMMEDIATE"


@pytest.fixture
def pooled_app(backend, tmp_path):
    """An app with a real connection pool (SQLite in a file, or the PostgreSQL backend)."""
    database_url = backend[0]
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'pool.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    yield app
    with app.app_context():
        db.engine.dispose()


def _database_check(client) -> str:
    """What /readyz says of the database (the pool's own tables may be empty)."""
    return client.get("/readyz").json["checks"]["database"]


def _break_the_pooled_connection(app):
    """Leave one pooled connection whose server side is gone, as after a database restart."""
    client = app.test_client()
    assert _database_check(client) == "ok"
    with app.app_context():
        connection = db.engine.raw_connection()
        underlying = connection.dbapi_connection
        connection.close()  # back into the pool, working
        underlying.close()  # and now broken, unknown to the pool
    return client


def test_an_idle_broken_connection_is_replaced_before_use(pooled_app, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0)
    client = _break_the_pooled_connection(pooled_app)
    assert _database_check(client) == "ok"


def test_a_recently_used_broken_connection_fails_once_then_the_pool_recovers(
        pooled_app, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600)
    client = _break_the_pooled_connection(pooled_app)
    failed = client.get("/readyz")
    assert failed.status_code == 503
    assert failed.json["checks"]["database"] == "unreachable"
    assert _database_check(client) == "ok"
