"""The RQ worker process: one app context for the process, jobs run without forking."""
from redis import Redis
from rq import Queue, SimpleWorker

from vgk.jobs import QUEUE_NAME


def run_worker(app, burst=False):
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        worker = SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
        return worker.work(burst=burst, with_scheduler=False)
