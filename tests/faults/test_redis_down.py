"""Redis stopped while the site runs: pages, the catalogue, a guest's checkout, a sign-in and a chat message
still answer (no 5xx); the jobs they enqueue run in the web process meanwhile (the SMS still leaves), the rate limits
count in memory, and once Redis is back jobs go to RQ and its worker again."""
import time

import pytest
from rq import Queue

from tests import factories as f
from tests.conftest import make_app, migrate
from tests.jobs_helpers import run_background
from tests.servers import RedisServer
from tests.web.test_auth import location, login, post, text
from tests.web.test_shop import add, checkout
from vgk import jobs
from vgk.extensions import db
from vgk.jobs import background
from vgk.services.conversations import threads


@pytest.fixture
def own_redis(limiter_kept):
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def site(own_redis, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'faults.sqlite3'}", media_root, REDIS_URL=own_redis.url,
                   PAGE_CACHE_SECONDS=10)
    migrate(app)
    with app.app_context():
        yield app
        db.session.remove()


def answers(client, path):
    response = client.get(path)
    assert response.status_code < 500, f"{path}: {response.status_code}"
    return response


def queued(app):
    return Queue(jobs.QUEUE_NAME, connection=jobs.queue().connection).count


def test_with_redis_stopped_the_site_answers_and_jobs_run_in_process_then_go_back_to_rq(site, own_redis,
                                                                                         monkeypatch):
    item, other = f.product("Vélo rouge", price=45_000), f.product("Radio", price=8_000)
    point = f.pickup_point()
    person = f.user(phone="+237690111222")
    conversation = threads.open_about_listing(person, item.public_id)
    client = site.test_client()
    assert answers(client, "/").status_code == 200

    own_redis.stop()
    started = time.monotonic()
    visitor = site.test_client()
    assert answers(visitor, "/").status_code == 200
    assert "Vélo rouge" in text(answers(visitor, "/produits"))
    assert answers(visitor, f"/p/{item.public_id}").status_code == 200
    add(visitor, item)
    response = checkout(visitor, point, phone="6 77 55 51 11")
    assert response.status_code == 303, text(response)
    signing_in = site.test_client()
    response = login(signing_in, person.phone, "secret-pass-1")  # its rate limit counted in memory meanwhile
    assert response.status_code == 302 and location(response) == "/compte"
    assert answers(signing_in, "/compte").status_code == 200
    chatting = site.test_client()
    f.sign_in(chatting, person)
    response = post(chatting, f"/messages/{conversation.public_id}", data={"body": "Toujours disponible ?"})
    assert response.status_code == 303  # the live push has no Redis to go through: the page's poll shows it
    f.sign_in(chatting, item.seller)
    assert "Toujours disponible ?" in text(answers(chatting, f"/messages/{conversation.public_id}"))
    assert time.monotonic() - started < 10  # nothing waited on a dead Redis for long

    kept = background.pending(site)
    assert kept and all(path.startswith("vgk.") for path, _ in kept)
    assert f.outbox("+237677555111") == []  # kept off the request path...
    run_background(site, everything=True)
    assert f.outbox("+237677555111")  # ...and sent from the web process: the order's code by SMS

    own_redis.start()
    monkeypatch.setattr(jobs, "RETRY_SECONDS", 0)  # RQ is asked again at once (5 s in production)
    add(visitor, other)
    assert checkout(visitor, point, phone="6 77 55 51 11").status_code == 303
    assert queued(site) >= 1 and background.pending(site) == []  # back to RQ
    result = site.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert queued(site) == 0


def test_with_redis_stopped_the_sign_in_limit_still_holds_in_memory(own_redis, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'limits.sqlite3'}", media_root, REDIS_URL=own_redis.url,
                   AUTH_RATE_LIMIT="3 per minute")
    migrate(app)
    own_redis.stop()
    with app.app_context():
        client = app.test_client()
        statuses = [login(client, "+237690000000", "wrong-pass-1").status_code for _ in range(4)]
        db.session.remove()
    assert statuses == [400, 400, 400, 429]


def test_with_redis_away_the_web_process_runs_the_sweeps_the_worker_would(tmp_path, media_root, limiter_kept):
    """The worker cannot sweep without Redis: the web process's housekeeping takes over meanwhile."""
    from tests.servers import free_port

    app = make_app(f"sqlite:///{tmp_path / 'sweeps.sqlite3'}", media_root,
                   REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    migrate(app)
    with app.app_context():
        assert answers(app.test_client(), "/").status_code == 200
        swept = {path for path, _ in background.pending(app)}
        db.session.remove()
    assert {"vgk.services.commerce.orders:expire_unpaid", "vgk.services.notifications.delivery:sweep"} <= swept
