"""The job queue facade: RQ on Redis when REDIS_URL is set, inline otherwise.

Callers enqueue a function by reference; the function runs inside an application context
in both modes, so features enqueue the same way everywhere. `enqueue` runs an inline job at once, in the
caller's thread; `in_background` never does: without RQ its job goes to this process's background thread
(vgk.jobs.background), for work that must stay off the request path (a call to a payment gateway).

Redis down: a job RQ cannot take goes to this process's background thread instead (off the request path;
a delayed one is left to the sweeps that find such work in the database, which the web processes run
meanwhile: vgk.web.register_housekeeping). Redis is not asked again for RETRY_SECONDS after a failure,
then jobs go back to RQ as soon as it answers. A job carries the id of the request that enqueued it
(its meta, for the worker's log lines).
"""
from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from redis.exceptions import RedisError
from rq import Retry

from vgk.integrations import registry
from vgk.ops import logs, metrics

if TYPE_CHECKING:
    from rq import Queue
    from rq.job import Job

log = logging.getLogger(__name__)

QUEUE_NAME = "vgk"
RETRY_SECONDS = 5.0  # after Redis failed, jobs stay in the process this long before RQ is tried again
_FAILED_AT = "vgk_queue_failed_at"


def _path_of(func: Callable[..., Any]) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    target = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def queue() -> Queue | None:
    """The RQ queue, or None when jobs run inline."""
    return registry.queue()


def _resting() -> bool:
    """Did Redis fail less than RETRY_SECONDS ago?"""
    failed_at = current_app.extensions.get(_FAILED_AT)
    return failed_at is not None and time.monotonic() - failed_at < RETRY_SECONDS


def redis_failed(error: Exception) -> None:
    """Redis did not answer (here or to a caller using the queue's connection): jobs stay in the process for
    RETRY_SECONDS."""
    if not _resting():
        log.warning("Redis unreachable (%s): jobs run in this process for now", error.__class__.__name__)
    current_app.extensions[_FAILED_AT] = time.monotonic()


def reachable() -> bool:
    """Can RQ take jobs now? False without REDIS_URL, and while Redis does not answer (asked again at
    most every RETRY_SECONDS)."""
    q = queue()
    if q is None or _resting():
        return False
    try:
        q.connection.ping()
    except (RedisError, OSError) as error:
        redis_failed(error)
        return False
    return True


def _keep(path: str, args: Sequence[Any], kwargs: Mapping[str, Any], delay: float = 0.0) -> None:
    """A job RQ could not take: this process's background thread runs it (vgk.jobs.background)."""
    from vgk.jobs import background

    metrics.count_job_kept(path)
    background.runner(current_app._get_current_object()).submit(path, args, kwargs, delay)  # type: ignore[attr-defined]


def _meta() -> dict[str, Any] | None:
    rid = logs.request_id()
    return {"request_id": rid} if rid else None


def enqueue(func: Callable[..., Any], *args: Any, retries: int = 0, **kwargs: Any) -> Job | None:
    """Run func(*args, **kwargs) in the background (RQ) or right now (inline).

    With RQ, a failed job is tried again up to `retries` times (after 10 s, 1 min, 5 min...).
    The job's description is only the function's path: arguments (phone numbers, codes)
    never reach the worker's logs.
    """
    q = queue()
    path = _path_of(func)
    if q is not None:
        if not _resting():
            retry = Retry(max=retries, interval=[10, 60, 300][:retries]) if retries else None
            try:
                return q.enqueue(perform, path, args, kwargs, job_timeout=300, result_ttl=3600, description=path,
                                 retry=retry, meta=_meta())
            except (RedisError, OSError) as error:
                redis_failed(error)
        _keep(path, args, kwargs)
        return None
    try:
        # A fresh app context gives the job its own database session, as in a worker.
        with current_app.app_context():
            perform(path, args, kwargs)
    except Exception:  # an inline job must not break the request that enqueued it
        log.exception("inline job %s failed", path)
    return None


def enqueue_in(delay: timedelta, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job | None:
    """Run func later (RQ's scheduler). Inline mode has no timer: callers pair this with a sweep
    that also runs on its own (see vgk.web.register_housekeeping)."""
    q = queue()
    if q is None or _resting():
        return None
    path = _path_of(func)
    try:
        return q.enqueue_in(delay, perform, path, args, kwargs, job_timeout=300, result_ttl=3600, description=path,
                            meta=_meta())
    except (RedisError, OSError) as error:  # left to the sweep, like inline mode
        redis_failed(error)
        return None


def in_background(func: Callable[..., Any], *args: Any, delay: float = 0.0, **kwargs: Any) -> Job | None:
    """Run func(*args, **kwargs) after `delay` seconds, never in the calling request: on RQ (its scheduler
    for a delay), else on this process's background thread (vgk.jobs.background)."""
    q = queue()
    path = _path_of(func)
    if q is not None and not _resting():
        options: dict[str, Any] = {"job_timeout": 300, "result_ttl": 600, "description": path, "meta": _meta()}
        try:
            if delay > 0:
                return q.enqueue_in(timedelta(seconds=delay), perform, path, args, kwargs, **options)
            return q.enqueue(perform, path, args, kwargs, **options)
        except (RedisError, OSError) as error:
            redis_failed(error)
    if q is not None:
        _keep(path, args, kwargs, delay)
        return None
    from vgk.jobs import background

    background.runner(current_app._get_current_object()).submit(path, args, kwargs, delay)  # type: ignore[attr-defined]
    return None


def perform(path: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    """Entry point of every job; inside a worker the application context is already pushed."""
    from rq import get_current_job

    from vgk.extensions import db

    job = get_current_job()
    rid = (job.meta or {}).get("request_id") if job is not None else None
    with logs.serving(rid or logs.request_id()):  # inline, the request's own id is current already
        try:
            return _resolve(path)(*args, **kwargs)
        except Exception:
            metrics.count_failed_job(path)
            raise
        finally:
            db.session.remove()
