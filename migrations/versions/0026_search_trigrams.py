"""The words of the listed products, for correcting misspelled searches.

`search_words` holds every word (3 to 40 characters, with a letter) of the ACTIVE products' search text
and in how many of them it appears. Triggers on `products` keep it exact as listings are published,
edited, sold or removed (only when the status or the search text changes: a view count does not).
- PostgreSQL: the `pg_trgm` extension and a GIN trigram index on the words (`word % 'telefone'`); new
  products are counted once per INSERT statement (a transition table), edits row by row.
- SQLite: the words are split with json_each (the search text is [a-z0-9] words apart by single
  spaces), and an external-content FTS5 table with the trigram tokenizer indexes them.
Like the full-text triggers of 0001, a later SQLite batch migration that rebuilds `products` must
recreate the triggers on it.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


WORD_FILTER = "length({w}) BETWEEN 3 AND 40 AND {w} GLOB '*[a-z]*'"


def _sqlite_words(row):
    """The distinct words of a products row's search text (NEW or OLD), as a SELECT of `value`."""
    text = f"trim(coalesce({row}.search_title, '') || ' ' || coalesce({row}.search_body, ''))"
    return (f"""SELECT DISTINCT value FROM json_each('["' || replace({text}, ' ', '","') || '"]')
        WHERE {WORD_FILTER.format(w='value')}""")


SQLITE = [
    f"""CREATE TRIGGER search_words_insert AFTER INSERT ON products WHEN NEW.status = 'ACTIVE' BEGIN
        INSERT INTO search_words(word, products) SELECT value, 1 FROM ({_sqlite_words('NEW')}) WHERE true
        ON CONFLICT(word) DO UPDATE SET products = products + 1;
    END""",
    f"""CREATE TRIGGER search_words_delete AFTER DELETE ON products WHEN OLD.status = 'ACTIVE' BEGIN
        UPDATE search_words SET products = products - 1 WHERE word IN ({_sqlite_words('OLD')});
        DELETE FROM search_words WHERE products <= 0 AND word IN ({_sqlite_words('OLD')});
    END""",
    f"""CREATE TRIGGER search_words_update AFTER UPDATE OF status, search_title, search_body ON products
    WHEN (OLD.status = 'ACTIVE' OR NEW.status = 'ACTIVE') AND (OLD.status IS NOT NEW.status
          OR OLD.search_title IS NOT NEW.search_title OR OLD.search_body IS NOT NEW.search_body) BEGIN
        UPDATE search_words SET products = products - 1
        WHERE OLD.status = 'ACTIVE' AND word IN ({_sqlite_words('OLD')});
        DELETE FROM search_words WHERE OLD.status = 'ACTIVE' AND products <= 0 AND word IN ({_sqlite_words('OLD')});
        INSERT INTO search_words(word, products) SELECT value, 1 FROM ({_sqlite_words('NEW')})
        WHERE NEW.status = 'ACTIVE'
        ON CONFLICT(word) DO UPDATE SET products = products + 1;
    END""",
    """CREATE VIRTUAL TABLE search_words_trigrams USING fts5(
        word, content='search_words', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER search_words_trigrams_insert AFTER INSERT ON search_words BEGIN
        INSERT INTO search_words_trigrams(rowid, word) VALUES (NEW.id, NEW.word);
    END""",
    """CREATE TRIGGER search_words_trigrams_delete AFTER DELETE ON search_words BEGIN
        INSERT INTO search_words_trigrams(search_words_trigrams, rowid, word) VALUES ('delete', OLD.id, OLD.word);
    END""",
    f"""INSERT INTO search_words(word, products)
        SELECT value, count(DISTINCT products.id) FROM products, json_each('["' || replace(
            trim(products.search_title || ' ' || products.search_body), ' ', '","') || '"]')
        WHERE products.status = 'ACTIVE' AND {WORD_FILTER.format(w='value')} GROUP BY value""",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_words_trigrams ON search_words USING gin (word gin_trgm_ops)",
    """CREATE FUNCTION search_words_of(title text, body text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE AS $$
        SELECT DISTINCT w FROM regexp_split_to_table(coalesce(title, '') || ' ' || coalesce(body, ''), ' ') AS w
        WHERE length(w) BETWEEN 3 AND 40 AND w ~ '[a-z]' ORDER BY w
    $$""",
    # Edits, sales and removals, one row at a time. Words are taken in alphabetical order, so two listings
    # saved at once lock them in the same order.
    """CREATE FUNCTION search_words_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status = 'ACTIVE' THEN
            UPDATE search_words SET products = products - 1
            WHERE word IN (SELECT search_words_of(OLD.search_title, OLD.search_body));
            DELETE FROM search_words
            WHERE products <= 0 AND word IN (SELECT search_words_of(OLD.search_title, OLD.search_body));
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.status = 'ACTIVE' THEN
            INSERT INTO search_words(word, products) SELECT search_words_of(NEW.search_title, NEW.search_body), 1
            ON CONFLICT (word) DO UPDATE SET products = search_words.products + 1;
        END IF;
        RETURN NULL;
    END
    $$""",
    # Inserts once per statement, so that a bulk load (an import, a restore) counts each word once.
    """CREATE FUNCTION search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_words(word, products)
        SELECT w, count(*) FROM added, search_words_of(added.search_title, added.search_body) AS w
        WHERE added.status = 'ACTIVE' GROUP BY w ORDER BY w
        ON CONFLICT (word) DO UPDATE SET products = search_words.products + EXCLUDED.products;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER search_words_insert AFTER INSERT ON products REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION search_words_add()""",
    """CREATE TRIGGER search_words_delete AFTER DELETE ON products FOR EACH ROW
    WHEN (OLD.status = 'ACTIVE') EXECUTE FUNCTION search_words_count()""",
    """CREATE TRIGGER search_words_update AFTER UPDATE OF status, search_title, search_body ON products
    FOR EACH ROW WHEN ((OLD.status = 'ACTIVE' OR NEW.status = 'ACTIVE') AND (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.search_title IS DISTINCT FROM NEW.search_title OR OLD.search_body IS DISTINCT FROM NEW.search_body))
    EXECUTE FUNCTION search_words_count()""",
    """INSERT INTO search_words(word, products)
        SELECT w, count(DISTINCT products.id) FROM products, search_words_of(search_title, search_body) AS w
        WHERE products.status = 'ACTIVE' GROUP BY w""",
]


def upgrade():
    op.create_table('search_words',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.Column('products', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_words')),
    sa.UniqueConstraint('word', name=op.f('uq_search_words_word'))
    )
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in ("search_words_insert", "search_words_delete", "search_words_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON products")
        op.execute("DROP FUNCTION IF EXISTS search_words_count()")
        op.execute("DROP FUNCTION IF EXISTS search_words_add()")
        op.execute("DROP FUNCTION IF EXISTS search_words_of(text, text)")
        op.execute("DROP INDEX IF EXISTS ix_search_words_trigrams")
    else:
        for name in ("search_words_insert", "search_words_delete", "search_words_update",
                     "search_words_trigrams_insert", "search_words_trigrams_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_words_trigrams")
    op.drop_table('search_words')
