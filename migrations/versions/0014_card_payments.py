"""Orders: "CARD" (paid on the gateway's hosted card page) joins the payment methods.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

WITH_CARD = "payment_method IN ('MTN_MOMO', 'ORANGE_MONEY', 'CARD', 'CASH')"
WITHOUT_CARD = "payment_method IN ('MTN_MOMO', 'ORANGE_MONEY', 'CASH')"


def _replace_check(condition):
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite rebuilds the table; its copy leaves the old CHECK behind (batch does not reflect it).
        with op.batch_alter_table('orders', schema=None, recreate='always') as batch_op:
            batch_op.create_check_constraint('payment_method', condition)
        return
    op.drop_constraint(op.f('ck_orders_payment_method'), 'orders', type_='check')
    op.create_check_constraint('payment_method', 'orders', condition)


def upgrade():
    _replace_check(WITH_CARD)


def downgrade():
    _replace_check(WITHOUT_CARD)
