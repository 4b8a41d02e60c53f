"""Extensions: created here, initialised in create_app."""
from flask import current_app
from flask_limiter import Limiter
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from app.ratelimit import rate_limit_key
from openapi import Api


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
api = Api()
# RATE_LIMIT is read per request, so each app (and each test's app) uses its own setting.
limiter = Limiter(key_func=rate_limit_key,
                  application_limits=[lambda: current_app.config["RATE_LIMIT"]])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite enforces foreign keys and waits for locks only when asked to."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
