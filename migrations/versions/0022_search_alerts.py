"""Saved searches that tell a client of new listings.

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('city_id', sa.Integer(), nullable=True),
    sa.Column('max_price', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_search_alerts_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['city_id'], ['cities.id'], name=op.f('fk_search_alerts_city_id_cities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_search_alerts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_alerts')),
    sa.UniqueConstraint('public_id', name=op.f('uq_search_alerts_public_id'))
    )
    with op.batch_alter_table('search_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_alerts_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('search_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_alerts_user_id'))

    op.drop_table('search_alerts')
