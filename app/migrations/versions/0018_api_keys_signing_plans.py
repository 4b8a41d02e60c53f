"""API keys (and idempotency keys of requests made with one); signing keys of API clients;
organisations' plans and sandbox trees

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=1000), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan', sa.String(length=20), nullable=True),
    sa.Column('plan_limit', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_user_id'), ['user_id'], unique=False)

    # an idempotency key belongs to the API client or to the API key that sent it
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_key_id', sa.Integer(), nullable=True))
        batch_op.alter_column('client_pk', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key('fk_idempotency_keys_api_key_id', 'api_keys',
                                    ['api_key_id'], ['id'])
        batch_op.create_unique_constraint('uq_idempotency_api_key_key', ['api_key_id', 'key'])


    # signed requests: existing clients need not sign. Added in place (SQLite's ADD COLUMN
    # takes a default), not by copying a table other tables refer to.
    op.add_column('api_clients', sa.Column('require_signature', sa.Boolean(),
                                           server_default=sa.false(), nullable=False))
    op.add_column('api_clients', sa.Column('plan', sa.String(length=20), nullable=True))
    op.add_column('api_clients', sa.Column('plan_limit', sa.Integer(), nullable=True))
    op.create_table('signing_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_pk', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('algorithm', sa.String(length=20), nullable=False),
    sa.Column('key_material', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_pk'], ['api_clients.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_id')
    )
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_keys_client_pk'), ['client_pk'], unique=False)

    # plans: no organisation has one yet, so only the per-client limit applies; and no
    # tree is a sandbox yet
    op.add_column('organisations', sa.Column('plan', sa.String(length=20), nullable=True))
    op.add_column('organisations', sa.Column('plan_limit', sa.Integer(), nullable=True))
    op.add_column('organisations', sa.Column('sandbox', sa.Boolean(), server_default=sa.false(),
                                             nullable=False))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('sandbox')
        batch_op.drop_column('plan_limit')
        batch_op.drop_column('plan')
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_keys_client_pk'))
    op.drop_table('signing_keys')
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_column('plan_limit')
        batch_op.drop_column('plan')
        batch_op.drop_column('require_signature')

    op.execute("DELETE FROM idempotency_keys WHERE client_pk IS NULL")
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_constraint('uq_idempotency_api_key_key', type_='unique')
        batch_op.drop_constraint('fk_idempotency_keys_api_key_id', type_='foreignkey')
        batch_op.alter_column('client_pk', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('api_key_id')

    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_user_id'))
    op.drop_table('api_keys')
