"""The admin dashboard's "Travaux en arrière-plan": jobs waiting and failed, the workers and their last
heartbeat, the scheduler — in words; without Redis it says jobs run in the web process, and with Redis
not answering it says so instead of failing."""
import time

import pytest
from rq import SimpleWorker

from tests import factories as f
from tests.conftest import make_app, migrate
from tests.jobs_helpers import write_marker
from tests.servers import free_port
from vgk import jobs
from vgk.extensions import db
from vgk.models import Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.operations import work

TITLE = "Travaux en arrière-plan"


def admin_client(app):
    client = app.test_client()
    f.sign_in(client, f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow()))
    return client


def panel(client):
    response = client.get("/admin")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index(TITLE):html.index("</section>", html.index(TITLE))]


def test_without_redis_the_panel_says_jobs_run_in_the_web_process(app):
    shown = panel(admin_client(app))
    assert "s’exécutent dans le processus du site web" in shown
    assert "redis" not in shown.replace("Redis", "")  # no code or key name shown


@pytest.fixture
def redis_site(redis_server, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'work.sqlite3'}", media_root, REDIS_URL=redis_server.url)
    migrate(app)
    with app.app_context():
        yield app
        db.session.remove()


def test_the_panel_counts_the_queue_and_names_the_workers_and_the_scheduler(redis_site, tmp_path):
    client = admin_client(redis_site)
    shown = panel(client)
    assert "<dd>0</dd>" in shown and "Aucun processus de travail ne tourne" in shown
    assert "Planificateur : jamais vu en marche." in shown

    for number in range(3):
        jobs.enqueue(write_marker, str(tmp_path / f"m{number}.txt"), "x")
    worker = SimpleWorker([jobs.queue()], connection=jobs.queue().connection, name="worker-douala-1")
    worker.register_birth()
    worker.heartbeat()
    work.beat(work.probe())
    try:
        shown = panel(client)
    finally:
        worker.register_death()
    assert "<dt>En attente</dt><dd>3</dd>" in shown and "<dt>En échec</dt><dd>0</dd>" in shown
    assert "<dt>Processus de travail actifs</dt><dd>1</dd>" in shown
    assert "worker-douala-1 · en attente de travail · dernier signe de vie il y a 1\u00a0min" in shown
    assert "Planificateur : en marche, dernier passage il y a 1\u00a0min." in shown

    work.beat(work.probe(), now=time.time() - 600)
    assert "Planificateur : arrêté, dernier passage il y a 10\u00a0min." in panel(client)


def test_redis_not_answering_is_said_in_words(tmp_path, media_root, limiter_kept):
    app = make_app(f"sqlite:///{tmp_path / 'down.sqlite3'}", media_root,
                   REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    migrate(app)
    with app.app_context():
        shown = panel(admin_client(app))
        db.session.remove()
    assert "Redis ne répond pas : les travaux s’exécutent dans le processus du site web" in shown
