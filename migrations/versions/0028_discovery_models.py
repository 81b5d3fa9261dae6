"""Discovery: the last judgement of a learnt model (a listing's chance to sell within a week) against the
rule it would replace, with its weights when it is shipped.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'discovery_models',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('judged_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_discovery_models')),
    )


def downgrade():
    op.drop_table('discovery_models')
