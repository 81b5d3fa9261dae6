"""The job queue facade: RQ on Redis when REDIS_URL is set, inline otherwise.

Callers enqueue a function by reference; the function runs inside an application context
in both modes, so features enqueue the same way everywhere. `enqueue` runs an inline job at once, in the
caller's thread; `in_background` never does: without RQ its job goes to this process's background thread
(vgk.jobs.background), for work that must stay off the request path (a call to a payment gateway).
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from rq import Retry

from vgk.integrations import registry

if TYPE_CHECKING:
    from rq import Queue
    from rq.job import Job

log = logging.getLogger(__name__)

QUEUE_NAME = "vgk"


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


def enqueue(func: Callable[..., Any], *args: Any, retries: int = 0, **kwargs: Any) -> Job | None:
    """Run func(*args, **kwargs) in the background (RQ) or right now (inline).

    With RQ, a failed job is tried again up to `retries` times (after 10 s, 1 min, 5 min...).
    The job's description is only the function's path: arguments (phone numbers, codes)
    never reach the worker's logs.
    """
    q = queue()
    path = _path_of(func)
    if q is not None:
        retry = Retry(max=retries, interval=[10, 60, 300][:retries]) if retries else None
        return q.enqueue(
            perform, path, args, kwargs, job_timeout=300, result_ttl=3600, description=path, retry=retry
        )
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
    if q is None:
        return None
    path = _path_of(func)
    return q.enqueue_in(delay, perform, path, args, kwargs, job_timeout=300, result_ttl=3600, description=path)


def in_background(func: Callable[..., Any], *args: Any, delay: float = 0.0, **kwargs: Any) -> Job | None:
    """Run func(*args, **kwargs) after `delay` seconds, never in the calling request: on RQ (its scheduler
    for a delay), else on this process's background thread (vgk.jobs.background)."""
    q = queue()
    path = _path_of(func)
    if q is not None:
        options: dict[str, Any] = {"job_timeout": 300, "result_ttl": 600, "description": path}
        if delay > 0:
            return q.enqueue_in(timedelta(seconds=delay), perform, path, args, kwargs, **options)
        return q.enqueue(perform, path, args, kwargs, **options)
    from vgk.jobs import background

    background.runner(current_app._get_current_object()).submit(path, args, kwargs, delay)  # type: ignore[attr-defined]
    return None


def perform(path: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    """Entry point of every job; inside a worker the application context is already pushed."""
    from vgk.extensions import db

    try:
        return _resolve(path)(*args, **kwargs)
    finally:
        db.session.remove()
