"""vendors, and the catalogue fields of products (a distributor's catalogue)

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vendors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('vendors', schema=None) as batch_op:
        batch_op.create_index('ix_vendors_org_id', ['organisation_id', 'id'], unique=False)

    # popularity sums the lines of a product
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_product_id'), ['product_id'], unique=False)

    # existing products get no vendor, an empty list of rate plans, and are neither
    # shippable nor financeable
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vendor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rrp', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('detailed_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('featured_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('thumb_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('main_image_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('datasheet_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('guide_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('quickstart_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('shipping_cost', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('subscription_type', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('rate_plans', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('is_shippable', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('is_financeable', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_products_org_vendor', ['organisation_id', 'vendor_id'], unique=False)
        batch_op.create_foreign_key('fk_products_vendor_id', 'vendors', ['vendor_id'], ['id'])


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint('fk_products_vendor_id', type_='foreignkey')
        batch_op.drop_index('ix_products_org_vendor')
        for column in ('is_financeable', 'is_shippable', 'rate_plans', 'subscription_type',
                       'shipping_cost', 'quickstart_url', 'guide_url', 'datasheet_url',
                       'main_image_url', 'thumb_url', 'featured_description',
                       'detailed_description', 'rrp', 'vendor_id'):
            batch_op.drop_column(column)

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_product_id'))

    with op.batch_alter_table('vendors', schema=None) as batch_op:
        batch_op.drop_index('ix_vendors_org_id')

    op.drop_table('vendors')
