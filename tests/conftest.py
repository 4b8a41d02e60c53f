"""Fixtures: one app per backend for the whole run, an organisation tree, clients and tokens.

Every test runs on SQLite with in-memory limits, and also on PostgreSQL with Redis
when TEST_DATABASE_URL / TEST_REDIS_URL are set (as .ci/run does), except tests marked
`one_backend`: what they check does not depend on the database or the limit storage; tests
marked `postgresql` run on PostgreSQL only (what they check is its own: SKIP LOCKED).

A test runs in a transaction of one connection, rolled back at its end: the app's commits
and rollbacks become savepoint releases and rollbacks, and every statement, a read
request's included, goes through that connection. Tests marked `commits` get real commits
(for the app's own connection handling, migrations, or servers in other processes) and
empty tables afterwards; tests marked `config(...)` get a fresh app with those settings.
"""
import base64
import os
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="tiergate-test-"))
os.environ.setdefault("SECRET_KEY", "test-secret-key")

from app.bootstrap import create_client, create_organisation  # noqa: E402
from app.extensions import Session as AppSession  # noqa: E402
from app.extensions import db, limiter, migrate  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.models import User  # noqa: E402
from oauth.server import server as authorization_server  # noqa: E402
from openapi import api  # noqa: E402


def _backends() -> dict:
    backends = {"sqlite": ("sqlite://", "memory://")}
    database, redis = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if database or redis:
        backends["postgresql-redis"] = (database or "sqlite://", redis or "memory://")
    return backends


BACKENDS = _backends()


def pytest_generate_tests(metafunc):
    """Each test that needs a backend runs on every one, or on SQLite alone if `one_backend`."""
    if "backend" not in metafunc.fixturenames:
        return
    names = list(BACKENDS)
    if metafunc.definition.get_closest_marker("one_backend"):
        names = names[:1]
    if metafunc.definition.get_closest_marker("postgresql"):
        names = [name for name in names if name != "sqlite"]
    metafunc.parametrize("backend", [BACKENDS[name] for name in names], ids=names,
                         indirect=True, scope="session")


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


@pytest.fixture(scope="session")
def backend(request):
    """(database URL, rate-limit storage URI) of this test's backend."""
    _check_reachable(*request.param)
    return request.param


# Extensions are module-level objects that init_app configures for the app it was last
# given (the limiter's storage, the Api's spec, the OAuth server's settings): each test
# puts back the state of the app it uses, whatever other apps were built in between.
GLOBAL_EXTENSIONS = (api, limiter, migrate, authorization_server)


class BuiltApp:
    """An app for the backend, and the extensions' state that goes with it."""

    def __init__(self, backend, overrides=None):
        database_url, storage_uri = backend
        self.app = create_app({
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": storage_uri,
            "RATE_LIMIT": "1000 per hour",
            **(overrides or {}),
        })
        self.extensions = {extension: dict(vars(extension)) for extension in GLOBAL_EXTENSIONS}

    def activate(self):
        for extension, state in self.extensions.items():
            if vars(extension) != state:
                vars(extension).clear()
                vars(extension).update(state)

    def dispose(self):
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def backend_app(backend):
    """The app every test of this backend shares, unless it needs settings of its own."""
    test_app = BuiltApp(backend)
    with test_app.app.app_context():
        if db.engine.dialect.name != "sqlite":
            db.drop_all()
            # Not a model's table: left behind, it would tell `tiergate setup` this
            # database is at an older migration than its create_all schema.
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()  # SQLite: in memory, one connection (StaticPool) for the whole run
    yield test_app
    test_app.dispose()


class OneConnectionSession(AppSession):
    """Every statement on the test's connection: the app's choice of an autocommit
    connection for read requests would not see the test's uncommitted rows."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@contextmanager
def rolled_back():
    """Run in one transaction, rolled back at the end; the app's session commits to
    savepoints inside it (one per session transaction)."""
    connection = db.engine.connect()
    transaction = connection.begin()
    _restart_ids(connection)
    app_session = db.session
    db.session = db._make_scoped_session({
        "class_": OneConnectionSession, "bind": connection,
        "join_transaction_mode": "create_savepoint"})
    try:
        yield
    finally:
        db.session.remove()
        db.session = app_session
        transaction.rollback()
        connection.close()


@contextmanager
def undone():
    """Inside a rolled-back test: whatever happens in the block, the app's commits included,
    is undone at its end (a savepoint of the test's connection), so one test can make many
    calls that each start from the same data."""
    db.session.commit()
    savepoint = db.session.get_bind().begin_nested()
    try:
        yield
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()


def _restart_ids(connection) -> None:
    """Ids from 1 in every test, on PostgreSQL as on SQLite: a rolled-back insert does not
    give its sequence value back, and the tables are empty at the start of each test."""
    if connection.dialect.name != "postgresql":
        return
    tables = [table.name for table in db.metadata.sorted_tables if "id" in table.c]
    connection.exec_driver_sql("SELECT " + ", ".join(
        f"setval(pg_get_serial_sequence('{table}', 'id'), 1, false)" for table in tables))


def empty_tables():
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            tables = ", ".join(table.name for table in db.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
            connection.exec_driver_sql("DELETE FROM sqlite_sequence")


@contextmanager
def app_for(request, backend, backend_app, *, commits):
    marker = request.node.get_closest_marker("config")
    built = BuiltApp(backend, marker.kwargs) if marker else backend_app
    built.activate()
    app = built.app
    settings = dict(app.config)  # a test may change a setting for itself
    try:
        with app.app_context():
            limiter.reset()  # counters live in Redis across apps on the PostgreSQL/Redis backend
            if marker and db.engine.dialect.name == "sqlite":
                db.create_all()  # its own database in memory
            if commits:
                try:
                    yield app
                finally:
                    empty_tables()
            else:
                with rolled_back():
                    yield app
    finally:
        app.config.clear()
        app.config.update(settings)
        if marker:
            built.dispose()


@pytest.fixture
def app(request, backend, backend_app):
    """The backend's app, inside a transaction rolled back after the test (marked
    `commits`: real commits, tables emptied afterwards); marked config(NAME=value): a
    fresh app with those settings."""
    with app_for(request, backend, backend_app,
                 commits=request.node.get_closest_marker("commits") is not None) as app:
        yield app


@pytest.fixture
def committed_app(request, backend, backend_app):
    """The backend's app with real commits; its tables are emptied after the test."""
    with app_for(request, backend, backend_app, commits=True) as app:
        yield app


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
    """make_caller(org, admin=..., permissions=["users:view+"], scope=None): "+" means parent."""

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
def server_env(request, backend, tmp_path):
    """Environment for a gunicorn server on this test's backend: a SQLite file with
    in-memory limits (the embedded default), or PostgreSQL and Redis with two workers,
    whose tables are emptied before and after the test."""
    from tests import live

    database_url, storage_uri = backend
    if database_url.startswith("sqlite"):
        return live.environment(tmp_path)
    request.getfixturevalue("committed_app")
    empty_tables()
    return live.environment(tmp_path, DATABASE_URL=database_url,
                            RATELIMIT_STORAGE_URI=storage_uri, WEB_CONCURRENCY=2)


@pytest.fixture(scope="module")
def module_server_env(backend, backend_app, tmp_path_factory):
    """As server_env, for one server that the tests of a module share (each works in an
    organisation of its own): its tables are emptied before and after the module."""
    from tests import live

    database_url, storage_uri = backend
    instance = tmp_path_factory.mktemp("server")
    if database_url.startswith("sqlite"):
        yield live.environment(instance)
        return
    backend_app.activate()
    with backend_app.app.app_context():
        empty_tables()
    try:
        yield live.environment(instance, DATABASE_URL=database_url,
                               RATELIMIT_STORAGE_URI=storage_uri, WEB_CONCURRENCY=2)
    finally:
        backend_app.activate()
        with backend_app.app.app_context():
            empty_tables()


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
