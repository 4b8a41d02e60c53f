"""The database connection: the read requests' autocommit twin, pool health, SQLite's rules."""
import time

from flask import has_request_context, request
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine

from app.extensions import AUTOCOMMIT_TWINS, db


def init_app(app, db) -> None:
    """Ping idle connections; on PostgreSQL, an autocommit twin sharing the pool for reads."""
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    ping_idle_connections(engine)
    twins = {}
    if engine.dialect.name == "postgresql":
        twins[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.extensions[AUTOCOMMIT_TWINS] = twins

    @app.teardown_request
    def _end_autocommit_read(_exception=None):
        """A read's session must not carry its autocommit connection into a later request
        that shares it (tests run requests inside one application context)."""
        session = db.session()
        if session.info.get("autocommit") and session.in_transaction():
            try:
                session.rollback()
            except exc.SQLAlchemyError:  # the connection is gone; the response stands
                session.close()


def lock_for_transaction(name: str) -> None:
    """Serialise the transactions that take the lock ``name``, until each commits or rolls
    back: a PostgreSQL advisory lock; SQLite already runs one writing request at a time."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PING_AFTER_IDLE_SECONDS = 1.0


def ping_idle_connections(engine: Engine) -> None:
    """Pre-ping pooled connections, but only those idle for a while.

    SQLAlchemy's pool_pre_ping costs a round trip on every checkout: under load, as much
    as a cheap request's own query. A connection checked in less than a second ago was
    working then; should the database have gone since, the statement fails, SQLAlchemy
    sees the disconnect and invalidates the whole pool, and the request answers 503 as
    any other does during an outage. The next ones get fresh connections."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")  # info is cleared on reconnect
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError() from error  # the pool reconnects


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite enforces foreign keys and waits for locks only when asked to. In WAL mode,
    synchronous=NORMAL syncs the log at checkpoints rather than on every commit: a commit
    survives the process crashing, and only a power cut can lose the last ones (never
    corrupting the file); a commit costs microseconds rather than a disk sync."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None  # transactions begin in _sqlite_begin
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """A write request takes SQLite's write lock with its first statement.

    A deferred transaction that read first cannot upgrade once another writer has
    committed (SQLITE_BUSY_SNAPSHOT, at once, whatever the busy timeout); taking the lock
    up front makes concurrent writers queue behind the busy timeout instead of failing.
    Reads stay deferred and run beside the writer (WAL). Work outside a request (the
    delivery worker, commands) reads what it then writes, so it takes the lock too."""
    if connection.dialect.name != "sqlite":
        return
    writing = not has_request_context() or request.method in WRITE_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
