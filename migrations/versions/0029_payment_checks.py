"""Payments' status checks: when the next check with the gateway is due, how many were made (the backoff),
and when the payer last asked for one (the "check my payment" button's limit).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checks', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_check_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('asked_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_payments_next_check_at', ['next_check_at'], unique=False)


def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_next_check_at')
        batch_op.drop_column('asked_at')
        batch_op.drop_column('next_check_at')
        batch_op.drop_column('checks')
