"""WhatsApp contacts: when each number last wrote to us (its 24-hour window for free text).

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('whatsapp_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('last_inbound_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_contacts')),
    sa.UniqueConstraint('phone', name=op.f('uq_whatsapp_contacts_phone'))
    )


def downgrade():
    op.drop_table('whatsapp_contacts')
