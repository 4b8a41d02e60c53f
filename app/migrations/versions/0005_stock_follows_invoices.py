"""stock_movements.invoice_id, products.allow_negative_stock, invoices.moves_stock:
invoices move stock (those made before keep theirs as it was)

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoice_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stock_movements_invoice_id'), ['invoice_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_stock_movements_invoice_id', 'invoices', ['invoice_id'],
                                    ['id'])
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_negative_stock', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moves_stock', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('moves_stock')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('allow_negative_stock')
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stock_movements_invoice_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stock_movements_invoice_id'))
        batch_op.drop_column('invoice_id')
