"""Orders: the hash of the guest's access token, and the pending check of a guest's phone for a cash
order (the hash of the code sent by SMS and the wrong tries).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_code_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_orders_access_token_hash'), ['access_token_hash'], unique=True)


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_access_token_hash'))
        batch_op.drop_column('phone_code_attempts')
        batch_op.drop_column('phone_code_hash')
        batch_op.drop_column('access_token_hash')
