"""access_tokens.parent_id: the token an emulation was started from

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_access_tokens_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key('fk_access_tokens_parent_id', 'access_tokens', ['parent_id'],
                                    ['id'])


def downgrade():
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.drop_constraint('fk_access_tokens_parent_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_access_tokens_parent_id'))
        batch_op.drop_column('parent_id')
