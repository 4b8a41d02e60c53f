"""Fixtures: an app per test on each backend, an organisation tree, clients and tokens.

Every test runs on SQLite with in-memory limits, and also on PostgreSQL with Redis
when TEST_DATABASE_URL / TEST_REDIS_URL are set (as .ci/run does).
"""
import base64
import os
import tempfile
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="tiergate-test-"))
os.environ.setdefault("SECRET_KEY", "test-secret-key")

from app.bootstrap import create_client, create_organisation  # noqa: E402
from app.extensions import db, limiter  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.models import User  # noqa: E402


def _backends():
    backends = [pytest.param(("sqlite://", "memory://"), id="sqlite")]
    database, redis = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if database or redis:
        backends.append(pytest.param((database or "sqlite://", redis or "memory://"),
                                     id="postgresql-redis"))
    return backends


def _check_reachable(database_url: str, storage_uri: str) -> None:
    """CI must exercise the real services: unreachable is a failure, not a skip."""
    try:
        if not database_url.startswith("sqlite"):
            with create_engine(database_url).connect() as connection:
                connection.execute(text("SELECT 1"))
        if storage_uri.startswith("redis"):
            import redis

            redis.Redis.from_url(storage_uri).ping()
    except Exception as error:  # noqa: BLE001 - any failure means unreachable
        pytest.exit(f"test services unreachable ({database_url}, {storage_uri}): {error}",
                    returncode=3)


@pytest.fixture(scope="session", params=_backends())
def backend(request):
    database_url, storage_uri = request.param
    _check_reachable(database_url, storage_uri)
    if not database_url.startswith("sqlite"):
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context():
            db.drop_all()
            # Not a model's table: left behind, it would tell `tiergate setup` this
            # database is at an older migration than its create_all schema.
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
            db.create_all()
    return request.param


def _empty_tables():
    tables = ", ".join(table.name for table in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app(backend, request):
    """A fresh app; @pytest.mark.config(NAME=value) overrides settings for one test."""
    database_url, storage_uri = backend
    marker = request.node.get_closest_marker("config")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATE_LIMIT": "1000 per hour",
        **(marker.kwargs if marker else {}),
    })
    with app.app_context():
        limiter.reset()  # counters live in Redis across apps on the PostgreSQL/Redis backend
        if database_url.startswith("sqlite"):
            db.create_all()
        yield app
        db.session.remove()
        if not database_url.startswith("sqlite"):
            _empty_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Caller:
    """An API client's credentials and the user it acts as."""

    user: User
    client_id: str
    client_secret: str

    @property
    def basic(self) -> dict:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


@pytest.fixture
def make_user(app):
    def make(organisation, *, admin=False, permissions=(), name=None):
        user = User(organisation=organisation, name=name or f"User of {organisation.name}",
                    email=f"{uuid.uuid4().hex[:10]}@example.com", admin=admin,
                    permissions=[{"permission": p.removesuffix("+"), "parent": p.endswith("+")}
                                 for p in permissions])
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_caller(app, make_user):
    """make_caller(org, admin=..., permissions=["user:view+"], scope=None): "+" means parent."""

    def make(organisation, *, scope=None, user=None, **user_fields):
        user = user or make_user(organisation, **user_fields)
        credentials = create_client(user, f"client of {user.name}", scope)
        db.session.commit()
        return Caller(user, credentials.client_id, credentials.client_secret)

    return make


@pytest.fixture
def get_token(client):
    def get(caller: Caller, scope: str | None = None) -> str:
        data = {"grant_type": "client_credentials", "client_id": caller.client_id,
                "client_secret": caller.client_secret}
        if scope is not None:
            data["scope"] = scope
        response = client.post("/oauth/token", data=data)
        assert response.status_code == 200, response.json
        return response.json["access_token"]

    return get


@pytest.fixture
def auth(get_token):
    """auth(caller, scope=None) -> headers with a fresh bearer token."""

    def headers(caller: Caller, scope: str | None = None) -> dict:
        return {"Authorization": f"Bearer {get_token(caller, scope)}"}

    return headers


@dataclass
class Tree:
    """A > B > C > D > E, C2 a sibling of C under B, and U unrelated."""

    A: object
    B: object
    C: object
    D: object
    E: object
    C2: object
    U: object

    def relation(self, name):
        return {"self": self.C, "child": self.D, "descendant": self.E, "parent": self.B,
                "ancestor": self.A, "sibling": self.C2, "unrelated": self.U}[name]


@pytest.fixture
def tree(app):
    a = create_organisation("A")
    b = create_organisation("B", a)
    c = create_organisation("C", b)
    d = create_organisation("D", c)
    e = create_organisation("E", d)
    c2 = create_organisation("C2", b)
    u = create_organisation("U")
    db.session.commit()
    return Tree(a, b, c, d, e, c2, u)


@pytest.fixture
def admin_c(tree, make_caller):
    """An admin of C: every permission over C, D and E."""
    return make_caller(tree.C, admin=True)


@pytest.fixture
def server_env(app, backend, tmp_path):
    """Environment for a gunicorn server on this test's backend: a SQLite file with
    in-memory limits (the embedded default), or PostgreSQL and Redis with two workers."""
    from tests import live

    database_url, storage_uri = backend
    if database_url.startswith("sqlite"):
        return live.environment(tmp_path)
    db.session.remove()
    _empty_tables()
    return live.environment(tmp_path, DATABASE_URL=database_url,
                            RATELIMIT_STORAGE_URI=storage_uri, WEB_CONCURRENCY=2)


@pytest.fixture
def empty_database(backend, tmp_path):
    """A database with nothing in it, of the test's backend kind."""
    database_url, _ = backend
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"tiergate_migrations_{uuid.uuid4().hex[:8]}"
    admin = database_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
    with psycopg.connect(f"{admin}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
