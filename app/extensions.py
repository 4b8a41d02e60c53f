"""Extensions: created here, initialised in create_app."""
from pathlib import Path

from flask import current_app
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from app.database import Session
from app.ratelimit import rate_limit_key
from openapi import Api


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate(directory=str(Path(__file__).resolve().parent / "migrations"),
                  render_as_batch=True)  # SQLite alters tables by copying them
api = Api()
# RATE_LIMIT is read per request, so each app (and each test's app) uses its own setting.
limiter = Limiter(key_func=rate_limit_key,
                  application_limits=[lambda: current_app.config["RATE_LIMIT"]])
