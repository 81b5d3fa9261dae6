"""Database engine tuning per dialect."""
from sqlalchemy import event


def configure_sqlite(engine):
    """Foreign keys on, WAL for concurrent readers, sane busy timeout."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def locked(statement):
    """Run an ORM ``SELECT`` of one entity as ``SELECT ... FOR UPDATE`` that also serialises on SQLite.

    PostgreSQL locks the selected rows until the transaction ends. SQLite ignores ``FOR UPDATE`` (and
    the driver runs a lone SELECT outside any transaction), so there the same criteria first go
    through a no-op ``UPDATE``: it opens the transaction and takes the database's write lock, which a
    concurrent writer waits for (busy_timeout) before reading. Either way the rows read afterwards are
    the latest committed ones (``populate_existing`` refreshes objects already in the session), and
    nobody else changes them before this transaction commits or rolls back. Returns the first entity
    or None."""
    from sqlalchemy import update

    from vgk.extensions import db

    if db.session.get_bind().dialect.name == "sqlite":
        table = statement.get_final_froms()[0]
        keep = {column: column for column in table.primary_key.columns}
        keep.update({column: column for column in table.columns if column.onupdate is not None})
        db.session.execute(update(table).where(statement.whereclause).values(keep)
                           .execution_options(synchronize_session=False))
    return db.session.scalar(statement.with_for_update().execution_options(populate_existing=True))
