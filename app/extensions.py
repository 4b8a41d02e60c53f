"""The Flask extensions: created here, initialised in app.factory.create_app.

This module imports nothing of the application, so any module may import it."""
from pathlib import Path

import flask_limiter
from flask import current_app, has_request_context, request
from flask_cors import CORS
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
AUTOCOMMIT_TWINS = "tiergate.autocommit"  # app.extensions key: engine -> autocommit twin


class Base(DeclarativeBase):
    pass


class Session(FlaskSession):
    """On PostgreSQL, a read request's statements run in autocommit (app.database makes
    the engine's autocommit twin).

    At READ COMMITTED every statement takes its own snapshot anyway, so a request that
    only reads loses nothing outside a transaction, and saves BEGIN and ROLLBACK: two of
    a cheap GET's three round trips. Writes keep their transaction (and their row locks)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = super().get_bind(mapper, clause, bind, **kwargs)
        if bind is not None:
            return engine
        if "autocommit" not in self.info:  # decided once per transaction, kept until it ends
            self.info["autocommit"] = has_request_context() and request.method in READ_METHODS
        if self.info["autocommit"]:
            return current_app.extensions[AUTOCOMMIT_TWINS].get(engine, engine)
        return engine


@event.listens_for(Session, "after_transaction_end")
def _forget_how_the_transaction_ran(session, transaction):
    if transaction.parent is None:
        session.info.pop("autocommit", None)


class Limiter(flask_limiter.Limiter):
    """flask-limiter's, taking the function that keys a request's budget at init_app, and
    starting each app on its own storage as alive (tests make several apps per process)."""

    def init_app(self, app, key_func=None):
        if key_func is not None:
            self._key_func = key_func
        self._storage_dead = False
        super().init_app(app)


cors = CORS()
db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate(directory=str(Path(__file__).resolve().parent / "migrations"),
                  render_as_batch=True)  # SQLite alters tables by copying them
# RATE_LIMIT is read per request, so each app (and each test's app) uses its own setting.
limiter = Limiter(key_func=get_remote_address,
                  application_limits=[lambda: current_app.config["RATE_LIMIT"]])
