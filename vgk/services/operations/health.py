"""Is the site ready to serve? One report for /readyz and the mobile API's health:

    {"status": "ok" | "failing", "failing": [names],
     "checks": {"database": {...}, "redis": {...}, "queue": {"depth": n, ...},
                "scheduler": {"last_beat": ...}, "migrations": {"current": ..., "head": ...}}}

Each check has "ok". Required: the database answers; the schema is at the migrations' head; with
REDIS_URL, Redis answers, the queue holds at most QUEUE_DEPTH_LIMIT jobs and the worker's scheduler beat
within STALE_AFTER seconds (without REDIS_URL, jobs run in the web process: nothing to wait for).

The checks run on a small pool of threads, each in an application context of its own, and the report
waits at most CHECK_TIMEOUT seconds: a hung server reads as "timeout" instead of holding the caller. A
check still stuck from an earlier report is not started again (the report says "timeout" until it
ends), so a hung server never piles up threads. Errors are named by their type, never their text."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app

from vgk.services.operations import work

CHECK_TIMEOUT = 1.5
QUEUE_DEPTH_LIMIT = 5000
_HEADS = "vgk_migration_heads"
_pool: dict[str, ThreadPoolExecutor] = {}
_running: dict[tuple[int, str], Future[dict[str, Any]]] = {}
_lock = threading.Lock()

Check = dict[str, Any]


def _executor() -> ThreadPoolExecutor:
    with _lock:
        if "pool" not in _pool:
            _pool["pool"] = ThreadPoolExecutor(max_workers=4, thread_name_prefix="vgk-ready")
        return _pool["pool"]


def _failure(error: BaseException) -> Check:
    return {"ok": False, "error": error.__class__.__name__}


def heads(app: Flask) -> str:
    """The migrations' head revision(s), read once per app from the migrations folder."""
    found = app.extensions.get(_HEADS)
    if found is None:
        from alembic.script import ScriptDirectory

        found = ",".join(sorted(ScriptDirectory(app.extensions["migrate"].directory).get_heads()))
        app.extensions[_HEADS] = found
    return found


def _database(app: Flask) -> dict[str, Check]:
    from sqlalchemy import text

    from vgk.extensions import db

    head = heads(app)
    with app.app_context():
        try:
            db.session.execute(text("SELECT 1"))
            current = ",".join(sorted(db.session.scalars(text("SELECT version_num FROM alembic_version"))))
        except Exception as error:  # any driver error: the database is what is failing
            db.session.rollback()
            return {"database": _failure(error), "migrations": {"ok": False, "current": None, "head": head}}
        finally:
            db.session.remove()
    return {"database": {"ok": True},
            "migrations": {"ok": current == head, "current": current or None, "head": head}}


def _redis(app: Flask) -> dict[str, Check]:
    connection = work.probe(app)
    try:
        connection.ping()
        depth, failed = work.queue_counts(connection)
        beat_at = work.last_beat(connection)
    except Exception as error:  # refused, timed out, or an error reply: Redis is what is failing
        return {"redis": {"ok": False, "configured": True, "error": error.__class__.__name__},
                "queue": {"ok": False, "mode": "redis", "depth": None},
                "scheduler": {"ok": False, "last_beat": None}}
    age = None if beat_at is None else max(0.0, time.time() - beat_at)
    return {
        "redis": {"ok": True, "configured": True},
        "queue": {"ok": depth <= QUEUE_DEPTH_LIMIT, "mode": "redis", "depth": depth, "failed": failed},
        "scheduler": {"ok": age is not None and age <= work.STALE_AFTER,
                      "last_beat": _iso(beat_at), "age_seconds": None if age is None else round(age, 1)},
    }


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _inline(app: Flask) -> dict[str, Check]:
    from vgk.jobs import background

    return {"redis": {"ok": True, "configured": False},
            "queue": {"ok": True, "mode": "inline", "depth": len(background.pending(app))},
            "scheduler": {"ok": True, "mode": "inline", "last_beat": None}}


def _start(app: Flask, name: str, check: Callable[[Flask], dict[str, Check]]) -> Future[dict[str, Check]]:
    key = (id(app), name)
    with _lock:
        running = _running.get(key)
        if running is not None and not running.done():
            return running
    future = _executor().submit(check, app)
    with _lock:
        _running[key] = future
    return future


def _timed_out(names: tuple[str, ...]) -> dict[str, Check]:
    return {name: {"ok": False, "error": "timeout"} for name in names}


def readiness(app: Flask | None = None, timeout: float = CHECK_TIMEOUT) -> dict[str, Any]:
    """The report (see the module's docstring)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    started: list[tuple[tuple[str, ...], Future[dict[str, Check]]]] = [
        (("database", "migrations"), _start(app, "database", _database))]
    checks: dict[str, Check] = {}
    if app.config.get("REDIS_URL"):
        started.append((("redis", "queue", "scheduler"), _start(app, "redis", _redis)))
    else:
        checks.update(_inline(app))
    wait([future for _, future in started], timeout=timeout)
    for names, future in started:
        if not future.done():
            checks.update(_timed_out(names))
        elif future.exception() is not None:
            checks.update({name: _failure(future.exception()) for name in names})  # type: ignore[arg-type]
        else:
            checks.update(future.result())
    order = ("database", "redis", "queue", "scheduler", "migrations")
    checks = {name: checks[name] for name in order}
    failing = [name for name, check in checks.items() if not check["ok"]]
    return {"status": "failing" if failing else "ok", "failing": failing, "checks": checks}
