"""Discovery: behaviour events, the recommenders' neighbours and trending lists, and each person's choice
to have suggestions use their history.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'behaviour_events',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('visitor', sa.String(length=32), nullable=True),
        sa.Column('product_id', sa.Integer(), nullable=True),
        sa.Column('query', sa.String(length=100), nullable=True),
        sa.Column('results', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_behaviour_events_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_behaviour_events')),
    )
    with op.batch_alter_table('behaviour_events', schema=None) as batch_op:
        batch_op.create_index('ix_behaviour_events_created', ['created_at'], unique=False)
        batch_op.create_index('ix_behaviour_events_user', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_behaviour_events_visitor', ['visitor', 'created_at'], unique=False)
    op.create_table(
        'item_neighbours',
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('rank', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('neighbour_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['neighbour_id'], ['products.id'],
                                name=op.f('fk_item_neighbours_neighbour_id_products'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'],
                                name=op.f('fk_item_neighbours_product_id_products'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('product_id', 'kind', 'rank', name=op.f('pk_item_neighbours')),
    )
    op.create_table(
        'trending_items',
        sa.Column('city_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('category_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('rank', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'],
                                name=op.f('fk_trending_items_product_id_products'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('city_id', 'category_id', 'rank', name=op.f('pk_trending_items')),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uses_history', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('uses_history')
    op.drop_table('trending_items')
    op.drop_table('item_neighbours')
    with op.batch_alter_table('behaviour_events', schema=None) as batch_op:
        batch_op.drop_index('ix_behaviour_events_visitor')
        batch_op.drop_index('ix_behaviour_events_user')
        batch_op.drop_index('ix_behaviour_events_created')
    op.drop_table('behaviour_events')
