"""The background work as it stands: jobs waiting and failed, the job workers and their last heartbeat,
and the scheduler's heartbeat (the worker's periodic sweep writes it each minute: `beat`).

Read through a Redis client of its own with short timeouts (a dead or hung Redis costs at most
PROBE_TIMEOUT), never the queue's. Without REDIS_URL jobs run inside the web process: the overview says
so, and counts the jobs waiting for this process's background thread."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app

HEARTBEAT_KEY = "vgk:scheduler:heartbeat"
HEARTBEAT_TTL = 7 * 24 * 3600  # the key outlives any outage it is meant to show
STALE_AFTER = 180  # seconds without a sweep before the scheduler counts as stopped (it beats each minute)
PROBE_TIMEOUT = 1.0
_PROBE = "vgk_redis_probe"


@dataclass(frozen=True)
class WorkerState:
    name: str
    busy: bool
    last_heartbeat: datetime | None


@dataclass(frozen=True)
class Overview:
    """What the admin dashboard and the metrics show. `mode`: "inline" (no Redis: jobs run in the web
    process), "redis" or "unreachable" (Redis configured but not answering). Times naive UTC."""

    mode: str
    depth: int = 0
    failed: int = 0
    workers: list[WorkerState] = field(default_factory=list)
    last_beat: datetime | None = None
    beat_age: float | None = None

    @property
    def scheduler_running(self) -> bool:
        return self.beat_age is not None and self.beat_age <= STALE_AFTER


def _naive_utc(moment: datetime | None) -> datetime | None:
    """As the app stores times: naive UTC."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def probe(app: Flask | None = None) -> Any:
    """This app's Redis client for checks (short timeouts), or None without REDIS_URL."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get(_PROBE)
    if client is None:
        from redis import Redis

        client = app.extensions.setdefault(_PROBE, Redis.from_url(
            url, socket_timeout=PROBE_TIMEOUT, socket_connect_timeout=PROBE_TIMEOUT))
    return client


def beat(connection: Any, now: float | None = None) -> None:
    """The scheduler is alive: written by the worker at start and by each periodic sweep."""
    connection.set(HEARTBEAT_KEY, f"{time.time() if now is None else now:.3f}", ex=HEARTBEAT_TTL)


def last_beat(connection: Any) -> float | None:
    raw = connection.get(HEARTBEAT_KEY)
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def queue_counts(connection: Any) -> tuple[int, int]:
    """(jobs waiting, failed jobs kept) in the site's queue."""
    from rq import Queue
    from rq.registry import FailedJobRegistry

    from vgk.jobs import QUEUE_NAME

    jobs = Queue(QUEUE_NAME, connection=connection)
    return jobs.count, FailedJobRegistry(queue=jobs).count


def _workers(connection: Any) -> list[WorkerState]:
    from rq import Queue, Worker

    from vgk.jobs import QUEUE_NAME

    found = Worker.all(queue=Queue(QUEUE_NAME, connection=connection))
    return sorted((WorkerState(name=worker.name, busy=worker.get_state() == "busy",
                               last_heartbeat=_naive_utc(worker.last_heartbeat)) for worker in found),
                  key=lambda worker: worker.name)


def overview(now: float | None = None) -> Overview:
    """The state of the background work now (see Overview)."""
    connection = probe()
    if connection is None:
        from vgk.jobs import background

        return Overview(mode="inline", depth=len(background.pending(current_app._get_current_object())))  # type: ignore[attr-defined]
    from redis.exceptions import RedisError

    now = time.time() if now is None else now
    try:
        depth, failed = queue_counts(connection)
        workers = _workers(connection)
        beat_at = last_beat(connection)
    except (RedisError, OSError):
        return Overview(mode="unreachable")
    return Overview(mode="redis", depth=depth, failed=failed, workers=workers,
                    last_beat=_naive_utc(datetime.fromtimestamp(beat_at, UTC)) if beat_at is not None else None,
                    beat_age=max(0.0, now - beat_at) if beat_at is not None else None)


def gauges() -> dict[str, Any] | None:
    """The overview as numbers for a metrics scrape; None when there is no queue to read."""
    state = overview()
    if state.mode != "redis":
        return None
    return {"depth": state.depth, "failed": state.failed, "workers": len(state.workers),
            "scheduler_age": state.beat_age}
