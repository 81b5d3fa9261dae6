"""/readyz and the mobile API's health tell the same: 200 while every required part answers, 503 naming
the failing one while it is down (Redis stopped, PostgreSQL stopped or frozen, the worker's scheduler
silent, the schema behind the migrations), and 200 again once it is back — each within about 2 s."""
import os
import signal
import subprocess
import time

import pytest
from sqlalchemy import text

from tests.conftest import make_app, migrate
from tests.servers import PostgresServer, RedisServer
from vgk import jobs
from vgk.extensions import db
from vgk.services.operations import health, work

PARTS = ["database", "redis", "queue", "scheduler", "migrations"]


def ready(client):
    started = time.monotonic()
    response = client.get("/readyz")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json(), time.monotonic() - started


def api_health(client):
    response = client.get("/mobile/api/health/")
    return response.status_code, response.get_json()


def until_ready(client, seconds=15.0):
    """Ask /readyz until it says 200 (a part coming back); how long it took."""
    started = time.monotonic()
    while True:
        status, report, _ = ready(client)
        if status == 200:
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, report
        time.sleep(0.2)


def test_ready_on_each_database_without_redis(app, client):
    status, report, _ = ready(client)
    assert status == 200 and report["status"] == "ok" and report["failing"] == []
    assert sorted(report["checks"]) == sorted(PARTS)
    migrations = report["checks"]["migrations"]
    assert migrations["ok"] and migrations["current"] == migrations["head"] == health.heads(app)
    assert report["checks"]["redis"] == {"ok": True, "configured": False}
    assert report["checks"]["queue"]["mode"] == "inline"  # jobs run in the web process
    code, body = api_health(client)
    assert code == 200 and body["status"] == "healthy" and body["checks"] == report["checks"]


# --- Redis ------------------------------------------------------------------------------------------

@pytest.fixture
def own_redis(limiter_kept):
    """A Redis of its own: stopping it leaves the other tests' alone."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_site(own_redis, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'ready.sqlite3'}", media_root, REDIS_URL=own_redis.url)
    migrate(app)
    with app.app_context():
        yield app


def test_redis_stopped_is_a_503_naming_it_and_its_return_a_200(redis_site, own_redis):
    client = redis_site.test_client()
    status, report, _ = ready(client)
    assert status == 503 and report["failing"] == ["scheduler"]  # no worker has beaten yet
    work.beat(work.probe())
    status, report, _ = ready(client)
    assert status == 200 and report["checks"]["queue"] == {"ok": True, "mode": "redis", "depth": 0, "failed": 0}
    assert report["checks"]["scheduler"]["ok"] and report["checks"]["scheduler"]["last_beat"].endswith("Z")

    own_redis.stop()
    status, report, took = ready(client)
    assert status == 503 and report["status"] == "failing" and "redis" in report["failing"]
    assert report["checks"]["redis"]["ok"] is False and report["checks"]["database"]["ok"] is True
    assert took < 2.5
    code, body = api_health(client)
    assert code == 503 and body["success"] is False and "redis" in body["error"]["fields"]

    own_redis.start()  # the same port, empty: the worker beats again at its next sweep
    work.beat(work.probe())
    assert until_ready(client) < 5
    assert api_health(client)[0] == 200


def test_a_frozen_redis_is_reported_within_two_seconds(redis_site, own_redis):
    client = redis_site.test_client()
    work.beat(work.probe())
    assert ready(client)[0] == 200
    own_redis.process.send_signal(signal.SIGSTOP)
    try:
        status, report, took = ready(client)
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    assert status == 503 and report["failing"] == ["redis", "queue", "scheduler"] and took < 2.5
    assert until_ready(client) < 5


def test_a_scheduler_silent_for_three_minutes_and_a_long_queue_are_failing(redis_site, monkeypatch):
    client = redis_site.test_client()
    work.beat(work.probe(), now=time.time() - work.STALE_AFTER - 5)
    status, report, _ = ready(client)
    assert status == 503 and report["failing"] == ["scheduler"]
    assert report["checks"]["scheduler"]["age_seconds"] > work.STALE_AFTER
    work.beat(work.probe())
    monkeypatch.setattr(health, "QUEUE_DEPTH_LIMIT", 1)
    jobs.enqueue(time.sleep, 0)
    assert ready(client)[0] == 200
    jobs.enqueue(time.sleep, 0)
    status, report, _ = ready(client)
    assert status == 503 and report["failing"] == ["queue"] and report["checks"]["queue"]["depth"] == 2


# --- PostgreSQL ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def own_postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_site(own_postgres, media_root):
    name = f"vgk_ready_{time.monotonic_ns()}"
    app = make_app(own_postgres.create_database(name), media_root)
    migrate(app)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_postgresql_stopped_is_a_503_naming_it_and_connections_recover_by_themselves(pg_site, own_postgres):
    client = pg_site.test_client()
    assert ready(client)[0] == 200 and client.get("/").status_code == 200  # the pool holds connections

    own_postgres.halt()
    try:
        status, report, took = ready(client)
        assert status == 503 and report["failing"] == ["database", "migrations"]
        assert report["checks"]["database"]["ok"] is False and took < 2.5
        assert api_health(client)[0] == 503
    finally:
        own_postgres.resume()
    recovered = until_ready(client)
    assert recovered < 5, f"the pool took {recovered:.1f} s to recover"
    assert client.get("/").status_code == 200


def _cluster_pids(server):
    """The postmaster and its children (the backends, the background processes)."""
    with open(os.path.join(server.datadir, "postmaster.pid")) as handle:
        postmaster = int(handle.readline())
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    return [postmaster, *map(int, children)]


def test_a_frozen_postgresql_is_reported_within_two_seconds(pg_site, own_postgres):
    client = pg_site.test_client()
    assert ready(client)[0] == 200
    pids = _cluster_pids(own_postgres)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        status, report, took = ready(client)
        assert status == 503 and report["checks"]["database"] == {"ok": False, "error": "timeout"}
        assert took < 2.5
        status, _, took = ready(client)  # the check still stuck is not started twice
        assert status == 503 and took < 2.5
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    assert until_ready(client) < 5


def test_a_schema_behind_the_migrations_is_failing(pg_site):
    client = pg_site.test_client()
    head = health.heads(pg_site)
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        status, report, _ = ready(client)
        assert status == 503 and report["failing"] == ["migrations"]
        assert report["checks"]["migrations"] == {"ok": False, "current": "0001", "head": head}
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        db.session.commit()
    assert ready(client)[0] == 200
