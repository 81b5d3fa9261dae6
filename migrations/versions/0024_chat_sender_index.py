"""Chat messages by writer and time: the per-minute limit counts a writer's recent messages at every send.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_index('ix_chat_messages_sender_created', ['sender_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_messages_sender_created')
