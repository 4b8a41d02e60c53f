"""Drop idempotency_keys.location, never used

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # A database made by `setup` before migrations existed is stamped 0001 as it stands,
    # and one made from the models since has no such column.
    columns = {column['name'] for column in sa.inspect(op.get_bind()).get_columns('idempotency_keys')}
    if 'location' in columns:
        with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
            batch_op.drop_column('location')


def downgrade():
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=500), nullable=True))
