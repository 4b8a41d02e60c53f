"""Extensions: created here, initialised in create_app."""
from pathlib import Path

from flask import current_app, has_request_context, request
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from app.ratelimit import rate_limit_key
from openapi import Api


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(Path(__file__).resolve().parent / "migrations"),
                  render_as_batch=True)  # SQLite alters tables by copying them
api = Api()
# RATE_LIMIT is read per request, so each app (and each test's app) uses its own setting.
limiter = Limiter(key_func=rate_limit_key,
                  application_limits=[lambda: current_app.config["RATE_LIMIT"]])


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite enforces foreign keys and waits for locks only when asked to."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None  # transactions begin in _sqlite_begin
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """A write request takes SQLite's write lock with its first statement.

    A deferred transaction that read first cannot upgrade once another writer has
    committed (SQLITE_BUSY_SNAPSHOT, at once, whatever the busy timeout); taking the lock
    up front makes concurrent writers queue behind the busy timeout instead of failing.
    Reads stay deferred and run beside the writer (WAL)."""
    if connection.dialect.name != "sqlite":
        return
    writing = has_request_context() and request.method in WRITE_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
