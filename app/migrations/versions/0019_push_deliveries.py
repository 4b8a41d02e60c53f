"""Push deliveries: the outbox of notifications' pushes to their users' devices

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('push_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('leased_until', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('leased_by', sa.String(length=64), nullable=True),
    sa.Column('first_attempt_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('push_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_deliveries_device_id'), ['device_id'], unique=False)
        batch_op.create_index('ix_push_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_deliveries_notification_id'), ['notification_id'], unique=False)



def downgrade():
    with op.batch_alter_table('push_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_deliveries_notification_id'))
        batch_op.drop_index('ix_push_deliveries_due')
        batch_op.drop_index(batch_op.f('ix_push_deliveries_device_id'))

    op.drop_table('push_deliveries')
