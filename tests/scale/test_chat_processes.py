"""Two web processes and an RQ worker, as production runs them: a message sent through one process reaches
a person connected to the other, and what a background job publishes reaches both."""
import threading

import pytest

from tests import factories as f
from tests.conftest import make_app, migrate
from tests.scale.client import SocketClient
from tests.scale.cluster import WebProcess, cluster_env, run_worker_burst
from tests.scale.jobs import tell_members
from vgk import jobs
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.services.accounts import api_tokens
from vgk.services.conversations import threads

pytestmark = pytest.mark.scale
WAIT = 15  # seconds; each wait ends as soon as the event arrives


class Heard:
    """The "message" events one connected person receives, with an Event per expected text."""

    def __init__(self, client):
        self.texts = []
        self._waiting = {}
        self._lock = threading.Lock()
        client.on("message", self._message)

    def _message(self, data):
        text = data["message"]["text"]
        with self._lock:
            self.texts.append(text)
            self._waiting.setdefault(text, threading.Event()).set()

    def wait_for(self, text):
        with self._lock:
            arrived = self._waiting.setdefault(text, threading.Event())
        return arrived.wait(WAIT)


@pytest.fixture(scope="module")
def site(postgres, _redis_process, tmp_path_factory):
    media = tmp_path_factory.mktemp("scale-media")
    env = cluster_env(postgres.create_database("vgk_scale"), _redis_process.url, media)
    app = make_app(env["DATABASE_URL"], str(media), SECRET_KEY=env["SECRET_KEY"], JWT_SECRET_KEY=env["JWT_SECRET_KEY"])
    migrate(app)
    processes = []
    try:
        processes.append(WebProcess(env))
        processes.append(WebProcess(env))
        yield {"app": app, "env": env, "a": processes[0], "b": processes[1], "redis": _redis_process.url}
    finally:
        for process in processes:
            process.stop()


@pytest.fixture
def talk(site, redis_server):
    with site["app"].app_context():
        seller = f.user(name="Nadège Fotso")
        buyer = f.user(name="Awa Bello")
        phone = f.product("Tecno Spark 10", seller=seller, price=65_000)
        conversation = threads.open_about_listing(buyer, phone.public_id)
        tokens = {"seller": api_tokens.sign_in(seller).access_token, "buyer": api_tokens.sign_in(buyer).access_token}
        public_id = conversation.public_id
        db.session.remove()
    clients = []
    try:
        buyer_client = SocketClient(site["a"].url, tokens["buyer"])
        clients.append(buyer_client)
        seller_client = SocketClient(site["b"].url, tokens["seller"])
        clients.append(seller_client)
        yield {"conversation": public_id, "buyer": buyer_client, "seller": seller_client}
    finally:
        for client in clients:
            client.close()


def test_a_message_sent_through_one_process_reaches_the_other(talk):
    seller_hears, buyer_hears = Heard(talk["seller"]), Heard(talk["buyer"])

    answer = talk["buyer"].emit("send", {"conversation": talk["conversation"], "text": "Toujours disponible ?"})

    assert answer["ok"] is True
    assert seller_hears.wait_for("Toujours disponible ?"), "the seller, on the other process, heard nothing"
    assert buyer_hears.wait_for("Toujours disponible ?")
    assert seller_hears.texts == ["Toujours disponible ?"]


def test_what_a_background_job_publishes_reaches_both_processes(site, talk):
    seller_hears, buyer_hears = Heard(talk["seller"]), Heard(talk["buyer"])
    app = site["app"]
    from redis import Redis
    from rq import Queue

    with app.app_context():
        adapters_of(app).queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(site["redis"]))
        try:
            assert jobs.enqueue(tell_members, talk["conversation"], "Le vendeur a déposé l'article.") is not None
        finally:
            adapters_of(app).queue = None
    assert seller_hears.texts == buyer_hears.texts == []  # queued, not run: nobody has heard it yet

    run_worker_burst(site["env"])

    assert buyer_hears.wait_for("Le vendeur a déposé l'article."), "the buyer on process A heard nothing"
    assert seller_hears.wait_for("Le vendeur a déposé l'article."), "the seller on process B heard nothing"
