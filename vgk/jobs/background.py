"""Work kept off the request path without a job worker: one thread per process and application runs the
jobs handed to it (vgk.jobs.in_background), each at its time, in an application context of its own.

With REDIS_URL the same jobs go to RQ instead. The thread starts with the first job handed to it in a
process (again after a fork); when it has nothing due it sleeps until the next job, or `IDLE_SECONDS`, then
calls the `idle` hooks (a sweep that hands it the work found in the database: payments whose check is due
after a restart). With BACKGROUND_THREAD off (the tests), jobs wait until `run_due` is called. A job keeps the
id of the request that handed it over, for its log lines (vgk.ops.logs)."""
from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

KEY = "vgk_background"
IDLE_SECONDS = 30.0
IDLE_HOOKS: list[str] = ["vgk.services.commerce.payment_checks:sweep"]  # "module:function" paths, no arguments


class Runner:
    """The jobs waiting for one application in this process, and the thread that runs them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        # (due, order, path, args, kwargs, id of the request that handed it over)
        self.waiting: list[tuple[float, int, str, Sequence[Any], Mapping[str, Any], str | None]] = []
        self.order = itertools.count()
        self.wake = threading.Condition()
        self.pid = 0
        self.threaded = bool(app.config.get("BACKGROUND_THREAD", True))
        self.stopped = False

    def submit(self, path: str, args: Sequence[Any], kwargs: Mapping[str, Any], delay: float = 0.0) -> None:
        from vgk.ops import logs

        with self.wake:
            heapq.heappush(self.waiting, (time.monotonic() + max(delay, 0.0), next(self.order), path, args, kwargs,
                                          logs.request_id()))
            self.wake.notify()
        self.start()

    def start(self) -> None:
        """The thread, in this process, unless it runs already (or jobs wait for `run_due`)."""
        if not self.threaded or self.pid == os.getpid():
            return
        with self.wake:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()
        threading.Thread(target=self._loop, name="vgk-background", daemon=True).start()

    def _next(self, now: float) -> tuple[str, Sequence[Any], Mapping[str, Any], str | None] | None:
        with self.wake:
            if self.waiting and self.waiting[0][0] <= now:
                _, _, path, args, kwargs, rid = heapq.heappop(self.waiting)
                return path, args, kwargs, rid
            return None

    def stop(self) -> None:
        """The thread ends after the job it runs (what waits stays for `run_due`)."""
        with self.wake:
            self.stopped = True
            self.wake.notify_all()

    def _loop(self) -> None:
        idle_at = time.monotonic() + IDLE_SECONDS
        while not self.stopped:
            job = self._next(time.monotonic())
            if job is not None:
                self._perform(*job)
                continue
            if time.monotonic() >= idle_at:
                idle_at = time.monotonic() + IDLE_SECONDS
                for hook in IDLE_HOOKS:
                    self._perform(hook, (), {}, None)
                continue
            with self.wake:
                due = self.waiting[0][0] if self.waiting else idle_at
                if not self.stopped:
                    self.wake.wait(max(0.0, min(due, idle_at) - time.monotonic()))

    def _perform(self, path: str, args: Sequence[Any], kwargs: Mapping[str, Any], rid: str | None) -> None:
        from vgk.jobs import perform
        from vgk.ops import logs

        try:
            with self.app.app_context(), logs.serving(rid):  # its lines carry the id of the request it came from
                perform(path, args, kwargs)
        except Exception:  # one failed job must not stop the others
            log.exception("background job %s failed", path)

    def run_due(self, everything: bool = False) -> int:
        """Run, in the calling thread, the jobs due now (or all of them, `everything`), and those they hand
        on that are due too; how many ran."""
        ran = 0
        while (job := self._next(float("inf") if everything else time.monotonic())) is not None:
            self._perform(*job)
            ran += 1
        return ran

    def pending(self) -> list[tuple[str, Sequence[Any]]]:
        """What waits (function path, arguments), soonest first."""
        with self.wake:
            return [(path, args) for _, _, path, args, _, _ in sorted(self.waiting)]


def runner(app: Flask) -> Runner:
    found = app.extensions.get(KEY)
    if found is None:
        found = app.extensions.setdefault(KEY, Runner(app))
    return found


def run_due(app: Flask, everything: bool = False) -> int:
    return runner(app).run_due(everything)


def pending(app: Flask) -> list[tuple[str, Sequence[Any]]]:
    return runner(app).pending()

