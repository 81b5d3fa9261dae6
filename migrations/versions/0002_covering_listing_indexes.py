"""Covering indexes for the public listing: one per sort order, carrying the filter columns.

A listing page is found by an id-only query (vgk/services/catalogue/catalog.py) filtered on status and
any of category, city, condition and price, sorted by date or price. With the 0001 indexes,
SQLite (which keeps no per-value statistics) often picked (status, category_id, created_at) or
(status, city_id, created_at), then visited thousands of table rows to check the other filters
and sort by price, or walked (status, price) through the whole table: up to 150 ms per page on
100 000 products (bench/catalog_queries.py). Now the date and price indexes hold every filter
column, so whichever one is used, the filters are checked inside the index and a page never
reads more than its own rows; the category- and city-led indexes are dropped so that they are
not chosen instead.

The indexes stay status-led rather than partial (WHERE status = 'ACTIVE'): SQLite compares a
partial index's size with the average rows per status of a status-led index and then prefers
the non-covering one, and (status, created_at) must keep serving status queues (moderation).

Only indexes change: no table is rebuilt, so the SQLite full-text triggers are untouched.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

FILTERS = ["category_id", "city_id", "condition"]

BEFORE = {
    "ix_products_status_created": ["status", "created_at"],
    "ix_products_status_price": ["status", "price"],
    "ix_products_status_category_created": ["status", "category_id", "created_at"],
    "ix_products_status_city_created": ["status", "city_id", "created_at"],
}

AFTER = {
    "ix_products_status_created": ["status", "created_at", "id"] + FILTERS + ["price"],
    "ix_products_status_price": ["status", "price", "id"] + FILTERS + ["created_at"],
}


def _replace(old, new):
    for name in old:
        op.drop_index(name, table_name="products")
    for name, columns in new.items():
        op.create_index(name, "products", columns, unique=False)


def upgrade():
    _replace(BEFORE, AFTER)


def downgrade():
    _replace(AFTER, BEFORE)
