"""Permissions named as their scopes' resources: customer:view -> customers:view

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

RENAMED = {"organisation": "organisations", "user": "users", "api_client": "api-clients",
           "customer": "customers", "product": "products", "invoice": "invoices",
           "payment": "payments"}

users = sa.table("users", sa.column("id", sa.Integer), sa.column("permissions", sa.JSON))


def _rename(mapping: dict) -> None:
    connection = op.get_bind()
    for user_id, permissions in connection.execute(sa.select(users.c.id, users.c.permissions)):
        renamed = []
        for held in permissions or []:
            resource, _, action = held["permission"].partition(":")
            renamed.append({**held, "permission": f"{mapping.get(resource, resource)}:{action}"})
        if renamed != (permissions or []):
            connection.execute(users.update().where(users.c.id == user_id)
                               .values(permissions=renamed))


def upgrade():
    _rename(RENAMED)


def downgrade():
    _rename({new: old for old, new in RENAMED.items()})
