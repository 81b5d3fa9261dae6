"""Faults on the production shape (`make up`: nginx, two gunicorn processes, the RQ worker, PostgreSQL, Redis)
under a steady load of visitors and guests buying with Mobile Money, only through nginx. In turn Redis is
stopped and started again, the worker is killed in the middle of a job, PostgreSQL is restarted and one web
process is killed. For each: the catalogue pages answer no 5xx beyond the seconds stated below, /readyz
names the part while it is down and answers 200 once it is back, and the load is all answered again within
RECOVERED seconds, with no help. At the end every order the load placed is in the database, no order was
paid twice and no SMS was sent twice."""
from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
import requests
from redis import Redis
from rq import Queue, Retry, Worker
from rq.job import JobStatus

from tests.faults.load import Load
from tests.ops.shape import brought_up, settings
from vgk.jobs import QUEUE_NAME, perform
from vgk.ops import up
from vgk.ops.servers import PostgresServer, RedisServer, _alive

pytestmark = pytest.mark.faults

# Seconds after a part is back (or, for a killed process, after the kill) during which catalogue pages may
# answer 5xx; none at all outside them.
CATALOGUE_5XX_SECONDS = {"redis": 0.0, "worker": 0.0, "postgres": 5.0, "web": 2.0}
RECOVERED = 10.0  # seconds after which every answer of the load is < 500 again
QUIET = 4.0  # seconds of load watched once recovered


@pytest.fixture(scope="module")
def shape():
    # The load's guests all come from this machine's address: its checkout limit is not what is tested here.
    # Each guest buys a product nobody bought, one every half second or so: 150 last the whole module.
    with brought_up(web=2, demo_products=150, CHECKOUT_RATE_LIMIT="1000 per minute") as started:
        yield started


@pytest.fixture(scope="module")
def env(shape):
    return settings(shape)


def query(env, sql, *params):
    with psycopg2.connect(env["DATABASE_URL"], connect_timeout=5) as connection, connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    connection.close()
    return rows


@pytest.fixture(scope="module")
def load(shape, env):
    on_sale = [row[0] for row in query(env, "SELECT public_id FROM products WHERE status = 'ACTIVE' "
                                            "AND quantity > 0 ORDER BY id")]
    running = Load(shape.url, on_sale).start(browsers=2, buyers=1)
    yield running
    running.stop()


LAST_REPORT: list[dict] = [{}]


def readiness(shape):
    try:
        answer = requests.get(shape.url + "/readyz", timeout=5)
    except requests.RequestException:
        return 0, []
    if answer.status_code not in (200, 503):
        return answer.status_code, []
    LAST_REPORT[0] = answer.json()
    return answer.status_code, LAST_REPORT[0].get("failing", [])


def answers(url):
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def wait_for(condition, timeout, what):
    deadline, found = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last /readyz: {LAST_REPORT[0]})")


def steady(load, seconds=3.0):
    """Let the load run, and check it was answered all along (the state before a fault)."""
    start = time.monotonic()
    time.sleep(seconds)
    answers = load.since(start)
    assert answers and all(0 < answer.status < 500 for answer in answers), bad(answers)


def bad(answers):
    return [(round(answer.at, 1), answer.path, answer.status or answer.error) for answer in answers
            if not 0 < answer.status < 500][:20]


def check_recovery(load, fault, started, back):
    """No 5xx on catalogue pages outside `back` + the fault's allowance; the whole load answered again
    within RECOVERED seconds of `back`. Returns the seconds catalogue pages failed after `back` (measured)."""
    allowed = back + CATALOGUE_5XX_SECONDS[fault]
    time.sleep(max(0.0, back + RECOVERED + QUIET - time.monotonic()))
    catalogue = load.since(started, "catalogue")
    assert catalogue, "the visitors' load stopped"
    assert not [answer for answer in catalogue if answer.at > allowed and not 0 < answer.status < 500], \
        bad([answer for answer in catalogue if answer.at > allowed])
    recovered = load.since(back + RECOVERED)
    assert len(recovered) > 10 and all(0 < answer.status < 500 for answer in recovered), bad(recovered)
    failed = [answer.at - back for answer in catalogue if not 0 < answer.status < 500]
    return max(failed, default=0.0)


def processes(shape, needle, without="vgk.ops.keep"):
    found = []
    for pid, _ in up.process_tree(shape.honcho):
        try:
            line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if needle in line and without not in line:
            found.append(pid)
    return found


def test_redis_stopped_then_started_again(shape, env, load):
    steady(load)
    placed = len(load.orders)
    port = urlsplit(env["REDIS_URL"]).port
    started = time.monotonic()
    os.kill(shape.redis, signal.SIGTERM)
    wait_for(lambda: not _alive(shape.redis), 10, "Redis stopped")
    down = wait_for(lambda: (answer := readiness(shape))[0] == 503 and "redis" in answer[1] and answer, 15,
                    "/readyz names Redis")
    print(f"Redis stopped: /readyz {down}")
    time.sleep(5)  # guests keep buying meanwhile: their jobs run in the web processes
    assert len(load.orders) > placed, "no order placed while Redis was away"
    redis = RedisServer(detached=True)
    redis.port = port
    redis.start()  # empty, as a Redis without persistence comes back
    shape.redis = redis.process.pid
    shape.save()  # `make down` stops this one
    back = time.monotonic()
    wait_for(lambda: readiness(shape) == (200, []), 30, "/readyz 200 with Redis back")
    print(f"Redis: ready again {time.monotonic() - back:.1f} s after its start")
    check_recovery(load, "redis", started, back)
    connection = Redis.from_url(env["REDIS_URL"])
    wait_for(lambda: Worker.all(connection=connection), 30, "the worker on record again")
    assert len(load.orders) > placed


def test_worker_killed_in_the_middle_of_a_job_is_started_again(shape, env, load):
    steady(load)
    connection = Redis.from_url(env["REDIS_URL"])
    jobs = Queue(QUEUE_NAME, connection=connection)
    worker = wait_for(lambda: processes(shape, "rq-worker"), 30, "the worker runs")[0]
    started = time.monotonic()
    slow = jobs.enqueue(perform, "time:sleep", (5,), {}, retry=Retry(max=1), job_timeout=60)
    wait_for(lambda: slow.id in jobs.started_job_registry.get_job_ids(), 30, "the worker runs the slow job")
    before = {one.name for one in Worker.all(connection=connection)}
    os.kill(worker, signal.SIGKILL)  # in the middle of it
    back = time.monotonic()
    wait_for(lambda: [pid for pid in processes(shape, "rq-worker") if pid != worker], 30, "the worker again")
    wait_for(lambda: {one.name for one in Worker.all(connection=connection)} - before, 30, "the new worker on record")
    print(f"worker: on record again {time.monotonic() - back:.1f} s after the kill")
    # The job it was running is run again, once, by the new worker (not at RQ's time-out minutes later).
    wait_for(lambda: slow.get_status(refresh=True) == JobStatus.FINISHED, 60, "the killed job run again")
    slow.refresh()
    assert slow.retries_left == 0 and slow.worker_name not in before
    print(f"worker: the killed job finished again {time.monotonic() - back:.1f} s after the kill")
    placed = len(load.orders)
    check_recovery(load, "worker", started, back)
    assert len(load.orders) > placed
    wait_for(lambda: readiness(shape) == (200, []), 30, "/readyz 200 with the worker back")


def test_postgresql_restarted(shape, env, load):
    steady(load)
    postgres = PostgresServer(root=shape.postgres_root)
    postgres.port = urlsplit(env["DATABASE_URL"]).port
    started = time.monotonic()
    postgres.halt()
    down = wait_for(lambda: (answer := readiness(shape))[0] == 503 and "database" in answer[1] and answer, 15,
                    "/readyz names the database")
    print(f"PostgreSQL stopped: /readyz {down}")
    time.sleep(2)
    postgres.resume()
    back = time.monotonic()
    wait_for(lambda: readiness(shape) == (200, []), 30, "/readyz 200 with PostgreSQL back")
    print(f"PostgreSQL: ready again {time.monotonic() - back:.1f} s after its start")
    placed = len(load.orders)
    failed = check_recovery(load, "postgres", started, back)
    assert len(load.orders) > placed
    print(f"PostgreSQL: catalogue 5xx up to {failed:.1f} s after its restart")


def test_a_killed_web_process_leaves_the_others_to_answer(shape, load):
    steady(load)
    port = shape.web_ports[0]
    master = processes(shape, f"--bind 127.0.0.1:{port}")
    assert master, "the web process runs"
    started, placed = time.monotonic(), len(load.orders)
    for pid in sorted(master, reverse=True):  # its worker, then the master
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: [pid for pid in processes(shape, f"--bind 127.0.0.1:{port}") if pid not in master], 30,
             "the web process again")
    wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), 30, "it answers again")
    print(f"web process: answering again {time.monotonic() - started:.1f} s after the kill")
    failed = check_recovery(load, "web", started, started)
    assert len(load.orders) > placed
    print(f"web process killed: catalogue 5xx up to {failed:.1f} s after the kill")
    assert readiness(shape) == (200, [])


def test_every_order_kept_none_paid_twice_no_sms_sent_twice(shape, env, load):
    wait_for(lambda: len(load.orders) >= 10, 120, "ten orders placed")  # already so after the faults
    load.stop()
    time.sleep(3)  # the last jobs
    placed, paid = list(load.orders), list(load.paid)
    assert len(placed) >= 10 and paid, (len(placed), len(paid))
    kept = {row[0] for row in query(env, "SELECT reference FROM orders")}
    assert set(placed) <= kept, sorted(set(placed) - kept)
    payments = dict(query(env, "SELECT o.reference, count(*) FROM payments p JOIN orders o ON o.id = p.order_id "
                               "WHERE p.status = 'SUCCESSFUL' GROUP BY o.reference"))
    assert all(count == 1 for count in payments.values()), {ref: n for ref, n in payments.items() if n > 1}
    assert set(paid) <= set(payments), sorted(set(paid) - set(payments))
    sms = query(env, "SELECT recipient, body, count(*) FROM outbox_messages WHERE channel = 'SMS' "
                     "GROUP BY recipient, body")
    guests = [row for row in sms if "670" in row[0]]
    assert len(guests) >= len(paid), (len(guests), len(paid))
    assert [row for row in sms if row[2] > 1] == []
    print(f"orders placed {len(placed)}, paid {len(paid)}, SMS to the guests {len(guests)}, "
          f"answers {len(load.answers)}")
    print("answers by status:", dict(Counter(answer.status for answer in load.answers)))
