"""The database as one file, and back: SQLite through its online backup API, PostgreSQL through
`pg_dump --format=custom` and `pg_restore` (the client programs of the server's major version or newer).
The connection's password reaches them in their environment (PGPASSWORD), never on a command line."""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select, table, text

from vgk.extensions import db

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
DUMP_TIMEOUT = 3600


def dialect() -> str:
    return db.engine.dialect.name


def dump_name() -> str:
    return SQLITE_FILE if dialect() == "sqlite" else POSTGRES_FILE


def database_bytes() -> int:
    """The database's size on disk (pages in use for SQLite, pg_database_size for PostgreSQL)."""
    if dialect() == "postgresql":
        return int(db.session.scalar(text("SELECT pg_database_size(current_database())")) or 0)
    pages = db.session.execute(text("PRAGMA page_count")).scalar() or 0
    size = db.session.execute(text("PRAGMA page_size")).scalar() or 0
    return int(pages) * int(size)


def row_counts() -> dict[str, int]:
    """Rows of every table of the schema (the migrations' version included)."""
    names = sorted(name for name in inspect(db.engine).get_table_names()
                   if not name.startswith(("sqlite_", "products_fts_")))
    return {name: int(db.session.scalar(select(func.count()).select_from(table(name))) or 0) for name in names}


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    url = db.engine.url
    command = [program, "--no-owner", "--no-privileges", "--host", url.host or "localhost",
               "--port", str(url.port or 5432), "--username", url.username or "postgres"]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return command, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=DUMP_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def dump(target: str | Path) -> None:
    """Write the whole database to `target` (committed data: the session's own work is not included)."""
    db.session.commit()
    if dialect() == "postgresql":
        command, env = _pg_command("pg_dump")
        _run(command + ["--format=custom", "--file", str(target), str(db.engine.url.database)], env)
        return
    destination = sqlite3.connect(str(target))
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.backup(destination)  # type: ignore[union-attr]
    finally:
        raw.close()
        destination.close()


def load(source: str | Path) -> None:
    """Replace the database's content with the dump at `source` (every other connection of this process
    is closed first; stop the web and worker processes before restoring a live site)."""
    db.session.remove()
    db.engine.dispose()
    if dialect() == "postgresql":
        command, env = _pg_command("pg_restore")
        _run(command + ["--clean", "--if-exists", "--single-transaction", "--dbname",
                        str(db.engine.url.database), str(source)], env)
    else:
        origin = sqlite3.connect(str(source))
        raw = db.engine.raw_connection()
        try:
            origin.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()
            origin.close()
    db.engine.dispose()
