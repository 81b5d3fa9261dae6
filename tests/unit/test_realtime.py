"""The Socket.IO face: who may connect, join a conversation's room, type and read; what each member hears."""
import pytest

from tests import factories as f
from tests.conftest import socket_test_client
from vgk.services.accounts import api_tokens
from vgk.services.conversations import messages, threads


def connect(app, user=None, token=None):
    http = app.test_client()
    if user is not None:
        f.sign_in(http, user)
    return socket_test_client(app, http, auth={"token": token} if token else None)


@pytest.fixture
def talk(app):
    seller = f.user(name="Nadège Fotso")
    buyer = f.user(name="Awa Bello")
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    return {"seller": seller, "buyer": buyer, "conversation": threads.open_about_listing(buyer, phone.public_id)}


def events(client, name):
    found = []
    for item in client.get_received():
        if item["name"] == name:
            args = item["args"]
            found.append(args[0] if isinstance(args, list) else args)
    return found


def test_nobody_connects_without_signing_in(app):
    assert not connect(app).is_connected()
    assert not connect(app, token="not-a-token").is_connected()


def test_members_hear_messages_live_and_strangers_cannot_join(app, talk):
    seller = connect(app, talk["seller"])
    buyer = connect(app, token=api_tokens.sign_in(talk["buyer"]).access_token)
    stranger = connect(app, f.user())
    assert seller.is_connected() and buyer.is_connected() and stranger.is_connected()
    for client in (seller, buyer, stranger):
        client.get_received()
    pid = talk["conversation"].public_id
    assert stranger.emit("join", {"conversation": pid}, callback=True)["ok"] is False
    assert seller.emit("join", {"conversation": pid}, callback=True)["ok"] is True
    assert buyer.emit("join", {"conversation": pid}, callback=True)["ok"] is True

    answer = buyer.emit("send", {"conversation": pid, "text": "Toujours disponible ?"}, callback=True)
    assert answer["ok"] is True
    heard = events(seller, "message")
    assert [data["message"]["text"] for data in heard] == ["Toujours disponible ?"] and heard[0]["unread"] == 1
    assert events(stranger, "message") == []

    buyer.emit("typing", {"conversation": pid})
    assert [data["name"] for data in events(seller, "typing")] == ["Awa"]
    assert stranger.emit("typing", {"conversation": pid}, callback=True)["ok"] is False
    assert events(seller, "typing") == []

    assert seller.emit("read", {"conversation": pid}, callback=True)["read"] == answer["id"]
    assert [data["read"] for data in events(buyer, "read")] == [answer["id"]]
    assert stranger.emit("read", {"conversation": pid}, callback=True)["ok"] is False
    assert messages.receipts(talk["buyer"], talk["conversation"])[1] == answer["id"]
