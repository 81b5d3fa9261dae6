"""Notifications: keep the message's key (its French msgid) and parameters, so a notice is shown in the
reader's language of the moment. The written message stays, as the fallback for older notices.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_key', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('message_params', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('message_params')
        batch_op.drop_column('message_key')
