"""Notification timing: each person's activity by hour, and digests (a message carrying several others).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity', sa.String(length=120), nullable=False, server_default=''))

    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_deliveries_digest_id'), ['digest_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_deliveries_digest_id_notification_deliveries'),
                                    'notification_deliveries', ['digest_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_deliveries_digest_id_notification_deliveries'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_deliveries_digest_id'))
        batch_op.drop_column('digest_id')

    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_column('activity')
