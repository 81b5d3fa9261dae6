"""Where each kept file lives (the local disk or the remote store), for offloading and serving.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-12
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=512), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('location', sa.String(length=8), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=True),
        sa.Column('local_copy', sa.Boolean(), nullable=False),
        sa.Column('shared_url', sa.String(length=1024), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('moved_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index('ix_stored_files_kind', ['kind'], unique=False)
        batch_op.create_index('ix_stored_files_location_created', ['location', 'created_at'], unique=False)


def downgrade():
    op.drop_table('stored_files')
