"""The RQ worker process: one app context for the process, jobs run without forking.

The worker's app is the site's own (create_app), so Socket.IO is set up on the same Redis message queue:
a job that publishes (`vgk.integrations.registry.live`, e.g. a conversation's `messages.announce`) reaches
everyone connected to any web process. The worker only writes to that queue; it serves no sockets."""
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker

from vgk.jobs import QUEUE_NAME


def run_worker(app: Flask, burst: bool = False) -> bool:
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        worker = SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
        # The scheduler moves retried jobs back to the queue when their delay is over.
        return worker.work(burst=burst, with_scheduler=not burst)
