"""Accounts: a sign-in failure is a wrong password or a wrong second-factor code, so wrong codes can be
capped per account across sign-ins.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), nullable=False, server_default='password'))


def downgrade():
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_column('kind')
