"""A worker killed in the middle of a job leaves it started; the worker that takes its place runs it again
at once when it has retries left (RQ's clean-up, given the job now instead of at its time-out), and
records it as failed when it has none. A job whose worker still lives is left alone."""
import subprocess
import sys

from redis import Redis
from rq import Queue, Retry, SimpleWorker
from rq.job import JobStatus

from vgk.jobs import QUEUE_NAME, perform
from vgk.jobs.worker import retry_abandoned


def _started_by(connection, worker_pid, retries):
    """A job marked as started by a worker of this machine whose process is `worker_pid`."""
    jobs = Queue(QUEUE_NAME, connection=connection)
    job = jobs.enqueue(perform, "time:sleep", (0,), {}, retry=Retry(max=retries) if retries else None)
    worker = SimpleWorker([jobs], connection=connection)
    worker.register_birth()
    connection.hset(worker.key, "pid", worker_pid)
    jobs.remove(job)  # the worker took it from the queue
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)
    return job, worker


def _dead_pid():
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def test_the_job_of_a_dead_worker_runs_again_once_or_fails(app, redis_server):
    connection = Redis.from_url(redis_server.url)
    jobs = Queue(QUEUE_NAME, connection=connection)
    with_retry, _ = _started_by(connection, _dead_pid(), retries=1)
    without, _ = _started_by(connection, _dead_pid(), retries=0)
    alive, _ = _started_by(connection, 1, retries=1)  # init: a process that lives
    assert jobs.started_job_registry.count == 3 and jobs.count == 0

    taken_over = SimpleWorker([jobs], connection=connection)
    assert sorted(retry_abandoned(taken_over)) == sorted([with_retry.id, without.id])

    with_retry.refresh()
    assert with_retry.get_status() == JobStatus.QUEUED and with_retry.retries_left == 0
    assert jobs.job_ids == [with_retry.id]  # to be run again, once
    assert without.get_status() == JobStatus.FAILED and without.id in jobs.failed_job_registry.get_job_ids()
    assert jobs.started_job_registry.get_job_ids() == [alive.id]
    assert retry_abandoned(taken_over) == []  # nothing twice

    with app.app_context():  # as in the worker's process
        assert taken_over.work(burst=True)
    with_retry.refresh()
    assert with_retry.get_status() == JobStatus.FINISHED
