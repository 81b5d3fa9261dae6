"""Listing reports: anyone (guest or client) may report a listing; one open report per reporter and
listing (open_key is NULL once an admin has decided).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('listing_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reporter_key', sa.String(length=80), nullable=False),
    sa.Column('open_key', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_listing_reports_closed_by_id_users')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_listing_reports_product_id_products'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_listing_reports_reporter_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_reports')),
    sa.UniqueConstraint('product_id', 'open_key', name=op.f('uq_listing_reports_product_id'))
    )
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_reports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_reports_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_reports_reporter_key'), ['reporter_key'], unique=False)


def downgrade():
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_reports_reporter_key'))
        batch_op.drop_index(batch_op.f('ix_listing_reports_product_id'))
        batch_op.drop_index(batch_op.f('ix_listing_reports_created_at'))
    op.drop_table('listing_reports')
