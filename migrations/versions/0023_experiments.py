"""A/B experiments run by admins, and the first click on a message's tracked link.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_experiments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('variants', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('stopped_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_notification_experiments_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_experiments'))
    )
    with op.batch_alter_table('notification_experiments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_experiments_event'), ['event'], unique=False)
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clicked_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_column('clicked_at')
    with op.batch_alter_table('notification_experiments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_experiments_event'))
    op.drop_table('notification_experiments')
