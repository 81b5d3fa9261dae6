"""The RQ worker process: one app context for the process, jobs run without forking.

The worker's app is the site's own (create_app), so Socket.IO is set up on the same Redis message queue:
a job that publishes (`vgk.integrations.registry.live`, e.g. a conversation's `messages.announce`) reaches
everyone connected to any web process. The worker only writes to that queue; it serves no sockets.

The notifications' sweep (vgk.services.notifications.delivery.sweep) runs every minute, on the minute,
from RQ's own scheduler (the worker runs it unless --burst): each run first schedules the next one. The
scheduled job's id is its minute, and it is scheduled "unique", so however many workers start or runs
overlap, one job per minute exists. A Redis lock (with an expiry, in case a worker dies holding it) makes
sure two sweeps never run at once. The sweep also enqueues the recommenders' rebuild every
DISCOVERY_REFRESH_MINUTES, a check of each pending payment whose check is overdue (its job lost), the
storage offload every STORAGE_OFFLOAD_EVERY_MINUTES (with a remote store) and, every quarter of an hour,
the daily backup once it is due (vgk.services.storage.backups.due). Each run, and the worker's start, write
the scheduler's heartbeat (vgk.services.operations.work.beat), which /readyz and the admin dashboard read.

Redis going away and coming back (empty, without persistence) must not stop any of this: RQ's scheduler
process dies on its first connection error and RQ would start it again only at its next maintenance (ten
minutes), and the schedule, the heartbeat and the worker's own record are gone from an empty Redis. So the
worker (`KeptWorker`), each time it waits for a job, starts the scheduler again if it died, records itself
again if its record is gone, and runs the sweep at once if the heartbeat is gone (the sweep schedules the next).

A worker killed in the middle of a job (SIGKILL, out of memory) leaves that job marked as started; RQ would
find it only once the job's time is up (its timeout and a minute) at its ten-minute maintenance. The worker
started again finds it at once, and any worker of the machine within a minute (`retry_abandoned`: a job
started by a worker of this machine whose process is gone), and hands it to RQ's own clean-up, which runs
it again if it has retries left (a message's delivery has: its claim in the database keeps it from being
sent twice), else records it as failed."""
from __future__ import annotations

import os
import socket
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue, SimpleWorker
from rq.exceptions import DuplicateJobError
from rq.job import Job
from rq.registry import StartedJobRegistry

from vgk.jobs import QUEUE_NAME, perform, queue

SWEEP_EVERY = 60  # seconds
SWEEP_LOCK = "vgk:notifications:sweep:lock"
SWEEP_TIMEOUT = 300  # the sweep job's timeout, and the lock's expiry
_SWEEP_PATH = "vgk.jobs.worker:periodic_sweep"
_DISCOVERY_PATH = "vgk.services.discovery.build:rebuild"
DISCOVERY_TIMEOUT = 1800
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def run_worker(app: Flask, burst: bool = False) -> bool:
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        jobs = Queue(QUEUE_NAME, connection=connection)
        worker = (SimpleWorker if burst else KeptWorker)([jobs], connection=connection)  # a burst only drains
        if not burst:
            from vgk.services.operations import work

            work.beat(connection)
            schedule_sweep(jobs)
        # The scheduler moves retried and scheduled jobs (the sweep) to the queue when their time comes.
        return worker.work(burst=burst, with_scheduler=not burst)


class KeptWorker(SimpleWorker):
    """RQ's worker running jobs in its own process, that puts back what an outage of Redis took away."""

    CHECK_EVERY = 2.0  # seconds between two checks of the scheduler, the record and the heartbeat
    ABANDONED_EVERY = 60.0  # seconds between two looks for a dead worker's jobs (the first one at start)

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        checked = getattr(self, "_kept_checked", 0.0)
        if pipeline is None and time.monotonic() - checked >= self.CHECK_EVERY:
            self._kept_checked = time.monotonic()
            keep_going(self)  # before the heartbeat, which writes a bare record when the whole one is gone
        super().heartbeat(timeout, pipeline)


def keep_going(worker: SimpleWorker) -> None:
    """Start the scheduler again if its process died, record the worker again if Redis lost its record,
    and sweep now if the scheduler's heartbeat is gone (Redis came back empty)."""
    from vgk.services.operations import work

    connection = worker.connection
    scheduler = worker.scheduler
    if scheduler is not None and (scheduler._process is None or not scheduler._process.is_alive()):
        scheduler.acquire_locks(auto_start=True)  # what RQ's maintenance does, every ten minutes only
    if not connection.exists(worker.key):
        worker.register_birth()
    looked = getattr(worker, "_abandoned_checked", None)
    if looked is None or time.monotonic() - looked >= KeptWorker.ABANDONED_EVERY:
        worker._abandoned_checked = time.monotonic()  # type: ignore[attr-defined]
        retry_abandoned(worker)
    if work.last_beat(connection) is None:
        minute = int(time.time() // SWEEP_EVERY)
        try:
            Queue(QUEUE_NAME, connection=connection).enqueue(
                perform, _SWEEP_PATH, (minute,), {}, job_id=sweep_job_id(minute), unique=True,
                job_timeout=SWEEP_TIMEOUT, result_ttl=600, failure_ttl=3600, description=_SWEEP_PATH)
        except DuplicateJobError:
            pass


def retry_abandoned(worker: SimpleWorker) -> list[str]:
    """The jobs a dead worker of this machine was running, handed to RQ's clean-up now (run again if they
    have retries left, else failed); their ids. A job whose worker is on another machine, or whose record
    is gone, waits for RQ's own time-out."""
    connection = worker.connection
    registry = StartedJobRegistry(QUEUE_NAME, connection=connection)
    entries = connection.zrange(registry.key, 0, -1)
    if not entries:
        return []
    jobs = Job.fetch_many([registry.parse_job_id(entry) for entry in entries], connection=connection)
    others = sorted({job.worker_name for job in jobs if job is not None and job.worker_name
                     and job.worker_name != worker.name})
    with connection.pipeline(transaction=False) as pipe:
        for name in others:
            pipe.hmget(f"rq:worker:{name}", "hostname", "pid")
        dead = {name for name, (host, pid) in zip(others, pipe.execute(), strict=True)
                if host is not None and host.decode() == socket.gethostname() and pid and not _alive(int(pid))}
    abandoned = {entry: job.id for entry, job in zip(entries, jobs, strict=True)
                 if job is not None and job.worker_name in dead}
    if abandoned:
        connection.zadd(registry.key, dict.fromkeys(abandoned, 0))  # their time is up: RQ's clean-up takes them
        registry.cleanup(time.time())
    return list(abandoned.values())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_job_id(minute: int) -> str:
    return f"vgk-notifications-sweep-{minute}"


def schedule_sweep(jobs: Queue, after: int | None = None, now: float | None = None) -> int:
    """Schedule the sweep at the start of the next minute (or the minute after `after`, the minute of the
    run scheduling it, if that is later); nothing when that minute's sweep is already scheduled.
    Returns the minute (seconds since the epoch // 60)."""
    minute = max(int((time.time() if now is None else now) // SWEEP_EVERY), after or 0) + 1
    try:
        jobs.enqueue_at(datetime.fromtimestamp(minute * SWEEP_EVERY, UTC), perform, _SWEEP_PATH, (minute,), {},
                        job_id=sweep_job_id(minute), unique=True, job_timeout=SWEEP_TIMEOUT, result_ttl=600,
                        failure_ttl=3600, description=_SWEEP_PATH)
    except DuplicateJobError:
        pass
    return minute


def sweep_once(connection: Redis, now: datetime | None = None) -> int | None:
    """Run the sweep unless another one is running; how many jobs it enqueued, None when it did not run."""
    from vgk.services.notifications.delivery import sweep

    token = uuid.uuid4().hex
    if not connection.set(SWEEP_LOCK, token, nx=True, ex=SWEEP_TIMEOUT):
        return None
    try:
        return sweep(now)
    finally:
        connection.eval(_RELEASE, 1, SWEEP_LOCK, token)


def periodic_sweep(minute: int | None = None) -> int | None:
    """Job: schedule the next minute's sweep, then sweep (see the module's docstring)."""
    jobs = queue()
    if jobs is None:  # inline mode: the requests' housekeeping sweeps (vgk.web.register_housekeeping)
        from vgk.services.notifications.delivery import sweep

        return sweep()
    from vgk.services.operations import work

    work.beat(jobs.connection)
    schedule_sweep(jobs, after=minute)
    if minute is not None:
        schedule_discovery(jobs, minute)
        schedule_storage(jobs, minute)
    swept = sweep_once(jobs.connection)
    if swept is not None:
        from vgk.services.commerce import payment_checks

        payment_checks.sweep()
    return swept


def schedule_discovery(jobs: Queue, minute: int) -> bool:
    """Every DISCOVERY_REFRESH_MINUTES (on the minute's sweep): the recommenders' rebuild, once per
    period however many sweeps run (its id is its minute)."""
    every = int(current_app.config.get("DISCOVERY_REFRESH_MINUTES") or 0)
    if not every or minute % every:
        return False
    try:
        jobs.enqueue(perform, _DISCOVERY_PATH, (), {}, job_id=f"vgk-discovery-{minute}", unique=True,
                     job_timeout=DISCOVERY_TIMEOUT, result_ttl=600, failure_ttl=3600, description=_DISCOVERY_PATH)
    except DuplicateJobError:
        return False
    return True


_OFFLOAD_PATH = "vgk.services.storage.offload:offload_job"
_BACKUP_PATH = "vgk.services.storage.backups:backup_job"
STORAGE_TIMEOUT = 3600
BACKUP_CHECK_EVERY = 15  # minutes


def schedule_storage(jobs: Queue, minute: int) -> list[str]:
    """On the minute's sweep: the offload every STORAGE_OFFLOAD_EVERY_MINUTES when a remote store is set, and
    the backup check every BACKUP_CHECK_EVERY minutes; each once per minute (its id is its minute). Returns the
    paths of the jobs enqueued."""
    from vgk.integrations import registry

    every = int(current_app.config.get("STORAGE_OFFLOAD_EVERY_MINUTES") or 0)
    wanted = []
    if every and not minute % every and registry.remote_storage() is not None:
        wanted.append((_OFFLOAD_PATH, f"vgk-offload-{minute}"))
    if not minute % BACKUP_CHECK_EVERY:
        wanted.append((_BACKUP_PATH, f"vgk-backup-{minute}"))
    enqueued = []
    for path, job_id in wanted:
        try:
            jobs.enqueue(perform, path, (), {}, job_id=job_id, unique=True, job_timeout=STORAGE_TIMEOUT,
                         result_ttl=600, failure_ttl=86400, description=path)
        except DuplicateJobError:
            continue
        enqueued.append(path)
    return enqueued
