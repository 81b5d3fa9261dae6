"""The plain WebSocket door and the Socket.IO one, on two web processes as production runs them (gunicorn
gthread, PostgreSQL, Redis): each client hears the other's messages, read receipts and offers, whichever
process it is connected to; a client reconnecting to the other process gets exactly what it missed; and
what a background job publishes reaches plain WebSocket clients on both processes."""
import json
import threading
import urllib.request

import pytest

from tests import factories as f
from tests.api.websocket_client import Door
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
WAIT = 15


class Heard:
    """What a Socket.IO client receives, per event, with a wait for the first one that matches."""

    def __init__(self, client, *events):
        self.events = {event: [] for event in events}
        self._arrived = threading.Condition()
        for event in events:
            client.on(event, lambda data, event=event: self._add(event, data))

    def _add(self, event, data):
        with self._arrived:
            self.events[event].append(data)
            self._arrived.notify_all()

    def wait_for(self, event, test):
        with self._arrived:
            found = self._arrived.wait_for(lambda: [data for data in self.events[event] if test(data)], WAIT)
        assert found, f"no {event} matching on the Socket.IO client: {self.events[event]}"
        return found[0]


def api_post(process, path, token, body):
    request = urllib.request.Request(f"{process.url}/mobile/api/{path}", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=WAIT) as answer:
        return json.loads(answer.read())


def ws_base(process):
    return process.url.replace("http://", "ws://", 1)


@pytest.fixture(scope="module")
def site(postgres, _redis_process, tmp_path_factory):
    media = tmp_path_factory.mktemp("ws-scale-media")
    env = cluster_env(postgres.create_database("vgk_ws_scale"), _redis_process.url, media)
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
        phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
        conversation = threads.open_about_listing(buyer, phone.public_id)
        found = {"conversation": conversation.public_id, "seller_id": seller.public_id,
                 "buyer_id": buyer.public_id, "seller": api_tokens.sign_in(seller).access_token,
                 "buyer": api_tokens.sign_in(buyer).access_token}
        db.session.remove()
    opened = []
    found["opened"] = opened
    yield found
    for client in opened:
        client.close()


def test_a_websocket_app_and_a_socketio_client_on_two_processes(site, talk):
    door = Door(ws_base(site["a"]), talk["conversation"], talk["buyer"])
    talk["opened"].append(door)
    assert door.next()["type"] == "connected"
    seller = SocketClient(site["b"].url, talk["seller"])
    talk["opened"].append(seller)
    heard = Heard(seller, "message", "read")

    door.send(type="message", message_type="TEXT", content="Toujours disponible ?", ref=1)
    sent = door.until("ack", ref=1)["id"]
    got = heard.wait_for("message", lambda data: data["message"]["id"] == sent)
    assert got["message"]["text"] == "Toujours disponible ?" and got["unread"] == 1

    assert seller.emit("read", {"conversation": talk["conversation"]})["read"] == sent
    assert door.until("read")["reader"] == talk["seller_id"]
    answer = seller.emit("send", {"conversation": talk["conversation"], "text": "Oui, venez demain."})
    assert door.until("message", id=answer["id"])["content"] == "Oui, venez demain."
    door.send(type="read", ref=2)
    assert door.until("ack", ref=2)["read"] == answer["id"]
    heard.wait_for("read", lambda data: data["reader"] == talk["buyer_id"] and data["read"] == answer["id"])

    # Offers: made on the socket (process A), heard on Socket.IO (B), countered through the API (B),
    # accepted on the socket: the Socket.IO client hears the agreement.
    door.send(type="message", message_type="OFFER", amount=50_000, ref=3)
    offer = door.until("ack", ref=3)["offer"]
    heard.wait_for("message", lambda data: data["message"]["offer"] == offer and data["message"]["kind"] == "OFFER")
    counter = api_post(site["b"], f"client/conversations/offers/{offer}/answer/", talk["seller"],
                       {"decision": "counter", "amount": 58_000})["offer"]["id"]
    countered = door.until("message", message_type="OFFER", mine=False)
    assert countered["offer"] == {**countered["offer"], "id": counter, "amount": 58_000, "status": "OPEN",
                                  "mine": False}
    door.send(type="offer_action", offer=counter, action="accept", ref=4)
    assert door.until("ack", ref=4)["offer"] == counter
    line = heard.wait_for("message", lambda data: data["message"]["kind"] == "SYSTEM")
    assert line["message"]["text"].startswith("Offre acceptée : 58 000 FCFA")
    assert door.until("message", message_type="SYSTEM")["content"] == line["message"]["text"]


def test_two_websocket_apps_on_two_processes_and_a_reconnection_to_the_other(site, talk):
    buyer = Door(ws_base(site["a"]), talk["conversation"], talk["buyer"])
    seller = Door(ws_base(site["b"]), talk["conversation"], talk["seller"])
    talk["opened"] += [buyer, seller]
    buyer.next(), seller.next()
    seller.send(type="message", content="Bonjour de B")
    last_seen = buyer.until("message")["id"]
    seller.send(type="typing")
    assert buyer.until("typing")["name"] == "Nadège"
    buyer.close()

    for text in ("Un", "Deux"):
        seller.send(type="message", content=text, ref=text)
        seller.until("ack", ref=text)
    again = Door(ws_base(site["b"]), talk["conversation"], talk["buyer"], last_id=last_seen)
    talk["opened"].append(again)
    assert again.next()["type"] == "connected"
    caught = [again.next() for _ in range(3)]
    assert [frame.get("content") for frame in caught] == ["Un", "Deux", None] and caught[2]["type"] == "synced"
    assert again.quiet() == []


def test_what_a_background_job_publishes_reaches_websocket_apps_on_both_processes(site, talk):
    buyer = Door(ws_base(site["a"]), talk["conversation"], talk["buyer"])
    seller = Door(ws_base(site["b"]), talk["conversation"], talk["seller"])
    talk["opened"] += [buyer, seller]
    buyer.next(), seller.next()
    app = site["app"]
    from redis import Redis
    from rq import Queue

    with app.app_context():
        adapters_of(app).queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(site["redis"]))
        try:
            assert jobs.enqueue(tell_members, talk["conversation"], "Le vendeur a déposé l'article.") is not None
        finally:
            adapters_of(app).queue = None
    assert buyer.quiet(0.2) == seller.quiet(0.2) == []  # queued, not run
    run_worker_burst(site["env"])
    for door in (buyer, seller):
        line = door.until("message")
        assert (line["message_type"], line["content"]) == ("SYSTEM", "Le vendeur a déposé l'article.")
