"""Database engine tuning per dialect."""
import time
from typing import Any, Protocol, TypeVar

from sqlalchemy import CursorResult, Engine, Result, Select, event, exc

from vgk.text import Message

T = TypeVar("T")
_IDLE_SINCE = "vgk_idle_since"


class _HasStatus(Protocol):
    status: Any


S = TypeVar("S", bound=_HasStatus)


def configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for concurrent readers, sane busy timeout."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection that sat unused for `idle_seconds` or more (SELECT 1) before handing it
    out; one the server dropped meanwhile is replaced (the pool retries on DisconnectionError). Connections
    in steady use skip the check, a round trip the busiest paths (a chat message) would pay at each event."""
    dbapi_error = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "checkin")
    def _resting(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)  # SQLAlchemy's own pre-ping, outside any transaction
        except dbapi_error as error:
            raise exc.DisconnectionError(str(error)) from error


def commit_as_written() -> None:
    """Commit without expiring the session's objects: they hold what was just written, so code that reads
    them afterwards (to tell people about the change) does not load them again."""
    from vgk.extensions import db

    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def release_connection() -> None:
    """End the session (and any transaction it holds) and give its connection back to the pool: for a
    request that lives on after its database work, such as an open WebSocket, which then holds none."""
    from vgk.extensions import db

    db.session.remove()


def rows_changed(result: Result[Any]) -> int:
    """How many rows the ``UPDATE`` or ``DELETE`` that gave `result` changed."""
    if not isinstance(result, CursorResult):
        raise TypeError("only an UPDATE or a DELETE tells how many rows it changed")
    return result.rowcount


def locked(statement: Select[T]) -> T | None:
    """Run an ORM ``SELECT`` of one entity as ``SELECT ... FOR UPDATE`` that also serialises on SQLite.

    PostgreSQL locks the selected rows until the transaction ends. SQLite ignores ``FOR UPDATE`` (and
    the driver runs a lone SELECT outside any transaction), so there the same criteria first go
    through a no-op ``UPDATE``: it opens the transaction and takes the database's write lock, which a
    concurrent writer waits for (busy_timeout) before reading. Either way the rows read afterwards are
    the latest committed ones (``populate_existing`` refreshes objects already in the session), and
    nobody else changes them before this transaction commits or rolls back. Returns the first entity
    or None."""
    from sqlalchemy import Table, update

    from vgk.extensions import db

    if db.session.get_bind().dialect.name == "sqlite":
        table = statement.get_final_froms()[0]
        criteria = statement.whereclause
        if not isinstance(table, Table) or criteria is None:
            raise TypeError("locked() reads the rows of one table chosen by a WHERE clause")
        keep = {column: column for column in table.primary_key.columns}
        keep.update({column: column for column in table.columns if column.onupdate is not None})
        db.session.execute(update(table).where(criteria).values(keep)
                           .execution_options(synchronize_session=False))
    return db.session.scalar(statement.with_for_update().execution_options(populate_existing=True))


def locked_awaiting(statement: Select[S], status: str, *, missing: Message, settled: Message) -> S:
    """The row `statement` chooses, locked (see `locked`), while it still has `status`, i.e. still waits
    for the decision about to be made. NotFound (`missing`) without a row; Conflict (`settled`), the
    lock given back, once it was decided already."""
    from vgk.errors import Conflict, NotFound
    from vgk.extensions import db

    row = locked(statement)
    if row is None:
        raise NotFound(missing)
    if row.status != status:
        db.session.rollback()
        raise Conflict(settled)
    return row
