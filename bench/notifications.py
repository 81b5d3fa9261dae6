"""Notifications through a crash: PostgreSQL, Redis, the Africa's Talking fake as the SMS provider (so every
real send is counted where it lands), and the app's RQ worker (`flask rq-worker`, the Procfile's worker
line). Queues N "order.ready" SMS to N guests (distinct phones), starts the worker, kills it (SIGKILL) once
about half were received, starts it again, waits for the queue to drain, runs the sweep as it would run
after STUCK_AFTER (the crash rule), then prints:

- throughput (messages received by the provider per second while a worker ran);
- messages received by the provider; duplicates (a phone that got its message more than once);
- losses: messages logged but never received (rows marked sent, rows left unsent);
- rows marked "outcome unknown" by the crash rule, and how many of those were in fact received.

Targets (a PASS/FAIL line each, exit 1 if one is missed): 0 duplicates, 0 losses. A message the crash rule
marks "outcome unknown" is never resent (better one lost message than two paid ones): it is counted apart,
with whether the provider in fact received it. tests/scale/test_notify_worker.py runs it small.

    .venv/bin/python bench/notifications.py                 # 10 000 messages
    .venv/bin/python bench/notifications.py --count 500     # quick
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from tests.conftest import make_app, migrate  # noqa: E402
from tests.fakes.africastalking import AfricasTalkingFake  # noqa: E402
from tests.scale.cluster import BIN, cluster_env, run_worker_burst  # noqa: E402
from tests.servers import PostgresServer, RedisServer  # noqa: E402
from vgk.extensions import db  # noqa: E402
from vgk.integrations.registry import adapters_of  # noqa: E402
from vgk.models import NotificationDelivery  # noqa: E402
from vgk.models.base import utcnow  # noqa: E402
from vgk.services.notifications import Guest, notify  # noqa: E402
from vgk.services.notifications.delivery import STUCK_AFTER, sweep  # noqa: E402

BATCH = 500


def phone(n):
    return f"+2376{n:08d}"


def queue_messages(count):
    """`count` order.ready SMS to as many guests, committed (and so queued) by batches."""
    for n in range(count):
        notify(Guest(phone=phone(n), language="fr"), "order.ready",
               {"ref": f"VGK-{n:05d}", "point": "Akwa", "code": "204518"},
               dedup_key=f"bench:{n}")
        if n % BATCH == BATCH - 1:
            db.session.commit()
    db.session.commit()


class Worker:
    """`flask --app wsgi rq-worker` in its own process group (the worker and its scheduler)."""

    def __init__(self, env):
        self.process = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "rq-worker"], cwd=ROOT, env=env,
                                        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)


def wait_until(condition, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        time.sleep(step)


def statuses():
    db.session.remove()
    return dict(db.session.execute(select(NotificationDelivery.status, func.count())
                                   .group_by(NotificationDelivery.status)).all())


def settled(queue, provider):
    """Nothing left to do: no job waiting, no row queued, and nothing moving for a second (a row stuck
    "sending" by the crash waits for the sweep; one being sent finishes within that second)."""
    def snapshot():
        return queue.count, statuses(), len(provider.messages)

    before = snapshot()
    if before[0]:
        return False
    if before[1].get("queued", 0):
        # Rows whose job died with the killed worker: what the worker's minute sweep does, without waiting
        # for its minute (or for the lock a killed sweep may still hold).
        sweep()
        return False
    time.sleep(1)
    return snapshot() == before


def run(count, env, app, provider):
    queue = adapters_of(app).queue
    started = time.perf_counter()
    queue_messages(count)
    queued_in = time.perf_counter() - started
    first = Worker(env)
    began = time.perf_counter()
    wait_until(lambda: provider.messages, timeout=120)
    steady = time.perf_counter()  # the worker has started: from here on it only sends
    wait_until(lambda: len(provider.messages) >= count // 2, timeout=max(120, count))
    first.kill()
    first_run, at_kill = time.perf_counter() - began, len(provider.messages)
    steady_rate = (at_kill - 1) / (time.perf_counter() - steady)
    second = Worker(env)
    began = time.perf_counter()
    try:
        wait_until(lambda: settled(queue, provider), timeout=max(120, count), step=0.2)
        second_run = time.perf_counter() - began - 1  # the last quiet second was waiting, not working
    finally:
        second.kill(signal.SIGTERM)  # a warm shutdown: the job in hand finishes first
    # The crash rule, as the sweep applies it once STUCK_AFTER has passed; jobs it finds lost run in a burst.
    while sweep(now=utcnow() + STUCK_AFTER + timedelta(minutes=1)):
        run_worker_burst(env, timeout=max(120, count))
    return {"queued_in": queued_in, "first_run": first_run, "second_run": second_run, "at_kill": at_kill,
            "steady_rate": steady_rate}


def report(count, timing, provider):
    received = Counter(message["to"] for message in provider.messages)
    db.session.remove()
    rows = db.session.execute(select(NotificationDelivery.address, NotificationDelivery.status,
                                     NotificationDelivery.error)
                              .where(NotificationDelivery.channel == "sms")).all()
    unknown = [row.address for row in rows if row.error == "outcome unknown"]
    sent_not_received = sum(1 for row in rows if row.status == "sent" and row.address not in received)
    unsent = sum(1 for row in rows if row.status != "sent" and row.error != "outcome unknown")
    unknown_lost = sum(1 for address in unknown if address not in received)
    seconds = timing["first_run"] + timing["second_run"]
    total = sum(received.values())
    found = {"count": count, "rows": len(rows), "rate": timing["steady_rate"], "received": total,
             "duplicates": total - len(received), "losses": sent_not_received + unsent,
             "unknown": len(unknown), "unknown_received": len(unknown) - unknown_lost}
    print(f"{count} messages queued in {timing['queued_in']:.1f} s; worker killed (SIGKILL) after "
          f"{timing['at_kill']} received, restarted")
    print(f"  throughput: {found['rate']:.0f} messages/s once the worker runs; {total / seconds:.0f} "
          f"messages/s overall ({total} in {seconds:.1f} s of worker time, two starts included)")
    print(f"  received by the provider: {total} ({len(received)} distinct phones)")
    print(f"  duplicates: {found['duplicates']}")
    print(f"  losses: {found['losses']} (marked sent but never received: {sent_not_received}; "
          f"left unsent: {unsent})")
    print(f"  outcome unknown (crash rule, never resent): {len(unknown)}, of which received: "
          f"{found['unknown_received']}, not received: {unknown_lost}")
    return found


def measure(count, database_url, redis_url):
    """The whole run on a database and a Redis (emptied of nothing: give it fresh ones); returns the numbers."""
    provider = AfricasTalkingFake().start()
    media = tempfile.mkdtemp(prefix="vgk-bench-notify-")
    try:
        settings = {"AFRICASTALKING_USERNAME": provider.username, "AFRICASTALKING_API_KEY": provider.api_key,
                    "AFRICASTALKING_BASE_URL": provider.url}
        env = cluster_env(database_url, redis_url, media, **settings)
        app = make_app(database_url, media, REDIS_URL=redis_url, **settings)
        migrate(app)
        with app.app_context():
            timing = run(count, env, app, provider)
            found = report(count, timing, provider)
            db.session.remove()
            return found
    finally:
        provider.stop()
        shutil.rmtree(media, ignore_errors=True)


def main(count):
    postgres, redis = PostgresServer().start(), RedisServer().start()
    try:
        found = measure(count, postgres.create_database("vgk_notify"), redis.url)
    finally:
        redis.stop()
        postgres.stop()
    targets = [("every message received once (0 duplicates)", found["duplicates"] == 0),
               ("no message lost (0 losses; outcome unknown counted apart)", found["losses"] == 0)]
    for name, met in targets:
        print(f"{'PASS' if met else 'FAIL'}  {name}")
    return all(met for _, met in targets)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="how many messages to queue")
    sys.exit(0 if main(parser.parse_args().count) else 1)
