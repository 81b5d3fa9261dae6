"""What the model (or the rules) judged: a listing's risk, the feeling of a review and of a reported
conversation, and listings' translations kept for the next reader.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('risk_reasons', sa.String(length=120), nullable=False, server_default=''))
        batch_op.create_index('ix_products_status_risk', ['status', 'risk_score', 'submitted_at'], unique=False)
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feeling', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('feeling_reasons', sa.String(length=120), nullable=False, server_default=''))
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feeling', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('feeling_reasons', sa.String(length=120), nullable=False, server_default=''))
    op.create_table('product_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_translations_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_translations')),
    sa.UniqueConstraint('product_id', 'language', name=op.f('uq_product_translations_product_id'))
    )


def downgrade():
    op.drop_table('product_translations')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('feeling_reasons')
        batch_op.drop_column('feeling')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('feeling_reasons')
        batch_op.drop_column('feeling')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_status_risk')
        batch_op.drop_column('risk_reasons')
        batch_op.drop_column('risk_score')
