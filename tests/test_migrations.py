"""Alembic migrations build exactly the schema the models describe, on each backend."""
import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app.extensions import db
from app.factory import create_app


def test_upgrade_matches_the_models(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        assert "alembic_version" in inspect(db.engine).get_table_names()
        db.engine.dispose()
    create_engine(empty_database).dispose()


def test_permissions_are_renamed_to_their_scopes_resource(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0005")
        old = [{"permission": "customer:view", "parent": True},
               {"permission": "api_client:edit", "parent": False},
               {"permission": "user:emulate", "parent": True}]
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO organisations (id, name, path, depth, linked_account, finance_type,"
                " created_at, updated_at) VALUES (1, 'A', '/1/', 0, false, 'CREDIT',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            connection.execute(text(
                "INSERT INTO users (id, organisation_id, name, email, currency, locale, timezone,"
                " admin, root, active, modules, permissions, created_at, updated_at) VALUES"
                " (1, 1, 'U', 'u@x.io', 'GBP', 'en', 'UTC', false, false, true, '[]',"
                " :permissions, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"permissions": json.dumps(old)})
        upgrade()
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT permissions FROM users")).scalar_one()
        stored = json.loads(stored) if isinstance(stored, str) else stored
        assert stored == [{"permission": "customers:view", "parent": True},
                          {"permission": "api-clients:edit", "parent": False},
                          {"permission": "users:emulate", "parent": True}]
        db.engine.dispose()
    create_engine(empty_database).dispose()
