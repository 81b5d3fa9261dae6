"""The notifications' sweep runs on its own: from the requests' housekeeping without a worker, every minute
on the worker's scheduler with RQ, never twice at once."""
from datetime import UTC, datetime

import pytest
from rq import Queue, Worker
from rq.registry import ScheduledJobRegistry

from tests import factories as f
from tests.conftest import make_app, migrate
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.jobs import QUEUE_NAME, worker
from vgk.models import NotificationDelivery
from vgk.services.notifications import preferences
from vgk.services.notifications.engine import notify
from vgk.services.operations import work

LATE = datetime(2026, 6, 1, 21, 30)  # 22:30 in Douala: a price drop waits for the end of the quiet hours
MORNING = datetime(2026, 6, 2, 6, 0)  # 07:00 in Douala


def _deferred_alert(phone="+237690001122"):
    person = f.user(phone=phone)
    preferences.choose(person, "alerts", ["sms"])
    [row] = [row for row in notify(person, "alert.price_drop", {"title": "Vélo", "amount": 20000}, at=LATE)
             if row.channel == "sms"]
    db.session.commit()
    assert row.status == "deferred"
    return row


@pytest.fixture
def inline_app(tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'sweep.sqlite3'}", media_root)
    migrate(app)
    return app


def test_without_a_worker_a_request_sends_what_is_due_then_not_again_for_a_minute(inline_app, monkeypatch):
    fakes = install_channels(inline_app, monkeypatch, "sms")
    http = inline_app.test_client()
    with inline_app.app_context():
        row_id = _deferred_alert().id
        assert fakes["sms"].sent == []
        http.get("/")  # the first request of the process sweeps: the morning of LATE has long come
        assert [sms.to for sms in fakes["sms"].sent] == ["+237690001122"]
        assert db.session.get(NotificationDelivery, row_id).status == "sent"
        _deferred_alert(phone="+237690003344")
        http.get("/")  # within the minute: no sweep (requests that count their SQL statements stay light)
        assert len(fakes["sms"].sent) == 1


@pytest.fixture
def rq_app(redis_server, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'sweep-rq.sqlite3'}", media_root, REDIS_URL=redis_server.url)
    migrate(app)
    with app.app_context():
        yield app
        db.session.remove()


def _queue(app):
    return Queue(QUEUE_NAME, connection=adapters_of(app).queue.connection)


def test_the_next_sweep_is_scheduled_once_on_the_minute_however_many_ask(rq_app):
    queue = _queue(rq_app)
    now = datetime(2026, 6, 1, 10, 0, 30, tzinfo=UTC).timestamp()
    first = worker.schedule_sweep(queue, now=now)
    assert worker.schedule_sweep(queue, now=now + 5) == first  # a second worker starting
    scheduled = ScheduledJobRegistry(queue=queue)
    assert scheduled.get_job_ids() == [worker.sweep_job_id(first)]
    when = datetime.fromtimestamp(scheduled.get_scheduled_time(worker.sweep_job_id(first)).timestamp(), UTC)
    assert when == datetime(2026, 6, 1, 10, 1, tzinfo=UTC)
    # a run that comes late (the worker was down) schedules the minute after now, not a backlog
    assert worker.schedule_sweep(queue, after=first - 60, now=now + 600) == first + 10


def test_a_sweep_run_schedules_the_next_and_sends_what_is_due(rq_app):
    queue = _queue(rq_app)
    row = _deferred_alert()
    db.session.execute(db.update(NotificationDelivery).where(NotificationDelivery.id == row.id)
                       .values(due_at=MORNING))
    db.session.commit()
    minute = int(datetime(2026, 6, 2, 6, 0, tzinfo=UTC).timestamp() // 60)
    assert worker.periodic_sweep(minute) == 1  # the deferred message's job, now in the queue
    queued = [job.description for job in queue.get_jobs()]  # with the quarter-hour's backup check
    assert len(queued) == 2 and "vgk.services.storage.backups:backup_job" in queued
    assert any(job_id.startswith("vgk-notifications-sweep-")
               for job_id in ScheduledJobRegistry(queue=queue).get_job_ids())
    assert queue.connection.get(worker.SWEEP_LOCK) is None  # released for the next minute's run


def test_two_sweeps_never_run_at_once(rq_app):
    connection = adapters_of(rq_app).queue.connection
    row = _deferred_alert()
    connection.set(worker.SWEEP_LOCK, "another worker", ex=60)
    assert worker.sweep_once(connection, now=MORNING) is None
    assert _queue(rq_app).count == 0
    assert connection.get(worker.SWEEP_LOCK) == b"another worker"  # not released by the one that waited
    connection.delete(worker.SWEEP_LOCK)
    assert worker.sweep_once(connection, now=MORNING) == 1
    assert db.session.get(NotificationDelivery, row.id).due_at == MORNING


def test_the_worker_starts_the_minute_sweeps_unless_it_runs_in_bursts(rq_app, monkeypatch):
    monkeypatch.setattr(worker.SimpleWorker, "work", lambda self, burst, with_scheduler: with_scheduler)
    scheduled = ScheduledJobRegistry(queue=_queue(rq_app))
    assert worker.run_worker(rq_app, burst=True) is False
    assert scheduled.get_job_ids() == []
    assert worker.run_worker(rq_app) is True
    [job_id] = scheduled.get_job_ids()
    assert job_id.startswith("vgk-notifications-sweep-")


class _DeadScheduler:
    """RQ's scheduler whose process died on a connection error."""

    def __init__(self):
        self._process, self.restarted = None, 0

    def acquire_locks(self, auto_start=False):
        self.restarted += auto_start


def test_after_redis_came_back_empty_the_worker_restarts_its_scheduler_and_record_and_sweeps_now(rq_app):
    queue = _queue(rq_app)
    kept = worker.KeptWorker([queue], connection=queue.connection)
    kept.register_birth()
    kept.scheduler = _DeadScheduler()
    work.beat(queue.connection)
    worker.keep_going(kept)  # nothing lost: nothing to do but the dead scheduler
    assert kept.scheduler.restarted == 1 and queue.count == 0
    kept.scheduler._process = type("Alive", (), {"is_alive": lambda self: True})()

    queue.connection.flushall()  # Redis stopped and started again without its data
    kept.heartbeat()
    assert [one.name for one in Worker.all(connection=queue.connection)] == [kept.name]  # on record again
    [job] = queue.get_jobs()
    assert job.id.startswith("vgk-notifications-sweep-") and job.args[0] == worker._SWEEP_PATH
    assert kept.scheduler.restarted == 1
    kept.heartbeat()  # checked again only after CHECK_EVERY seconds, and the sweep is unique per minute
    worker.keep_going(kept)
    assert queue.count == 1
