"""Accounts: the pending second factor of a sign-in becomes a challenge held by the browser or app
that gave the first factor (its keyed hash, the method owed, the codes tried on it), instead of a flag on
the account that anyone naming the account could answer.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_challenges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_challenges')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_sign_in_challenges_secret_hash'))
    )
    with op.batch_alter_table('sign_in_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_challenges_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('second_factor_pending_method')
        batch_op.drop_column('second_factor_pending_until')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor_pending_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('second_factor_pending_method', sa.String(length=8), nullable=True))

    with op.batch_alter_table('sign_in_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_challenges_user_id'))

    op.drop_table('sign_in_challenges')
