"""The plain WebSocket door into the conversations (/ws/chat/<id>/, /ws/group_chat/<id>/), served by the
site on loopback: it talks with Socket.IO clients in the same conversation, refuses whoever may not be
there with a close code that says why, answers hostile frames with an error (never a crash), and a
client reconnecting with the id of the last message it saw gets exactly what it missed."""
import base64
import json
import logging
import urllib.error
import urllib.request

import pytest

from tests import factories as f
from tests.api.websocket_client import Door, LoopbackSite
from tests.conftest import socket_test_client
from tests.security.test_robustness_hostile_inputs import QUERY_VALUES, WEBSOCKET_QUERY_PARAMS
from vgk.extensions import db
from vgk.models import ChatMessage, UserStatus
from vgk.realtime import frames, plain, protocol, quiet
from vgk.services.accounts import api_tokens
from vgk.services.conversations import messages, threads


@pytest.fixture
def site(app):
    loopback = LoopbackSite(app)
    yield loopback
    loopback.stop(app)


@pytest.fixture
def talk(app):
    seller = f.user(name="Nadège Fotso")
    buyer = f.user(name="Awa Bello")
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    conversation = threads.open_about_listing(buyer, phone.public_id)
    return {"seller": seller, "buyer": buyer, "conversation": conversation, "id": conversation.public_id,
            "buyer_token": f.api_token(buyer), "seller_token": f.api_token(seller)}


def heard(client, name):
    found = []
    for item in client.get_received():
        if item["name"] == name:
            args = item["args"]
            found.append(args[0] if isinstance(args, list) else args)
    return found


def stored_texts(conversation):
    db.session.expire_all()
    return [m.body for m in db.session.scalars(db.select(ChatMessage).where(
        ChatMessage.conversation_id == conversation.id).order_by(ChatMessage.id))]


# --- two doors, one conversation ------------------------------------------------------------------

def test_a_websocket_app_and_a_socketio_client_hear_each_other(app, site, talk):
    door = Door(site.base, talk["id"], talk["buyer_token"])
    hello = door.next()
    assert hello["type"] == "connected" and hello["conversation"]["id"] == talk["id"]
    assert hello["user"] == talk["buyer"].public_id and hello["last_id"] == 0
    seller = socket_test_client(app, auth={"token": talk["seller_token"]})
    assert seller.is_connected()
    seller.emit("join", {"conversation": talk["id"]}, callback=True)
    seller.get_received()

    door.send(type="message", content="Hello!", message_type="TEXT", ref="m1")
    ack = door.until("ack")
    assert ack["ref"] == "m1" and ack["id"] > 0
    mine = door.until("message")
    assert (mine["content"], mine["message_type"], mine["mine"], mine["id"]) == ("Hello!", "TEXT", True, ack["id"])
    assert [(data["message"]["text"], data["unread"]) for data in heard(seller, "message")] == [("Hello!", 1)]

    # Read receipts, both ways.
    seller.emit("read", {"conversation": talk["id"]}, callback=True)
    assert door.until("read") == {"type": "read", "conversation": talk["id"],
                                  "reader": talk["seller"].public_id, "up_to": ack["id"]}

    answer = seller.emit("send", {"conversation": talk["id"], "text": "Oui, toujours disponible."}, callback=True)
    theirs = door.until("message")
    assert (theirs["id"], theirs["content"], theirs["mine"]) == (answer["id"], "Oui, toujours disponible.", False)
    assert theirs["sender"] == talk["seller"].public_id and theirs["sender_name"] == "Nadège Fotso"
    # Sent on the socket is received: the seller's ticks say so, and nobody is alerted for it.
    door.send(type="ping")
    door.until("pong")
    assert [(data["reader"], data["delivered"]) for data in heard(seller, "delivered")] == [
        (talk["buyer"].public_id, answer["id"])]
    assert messages.receipts(talk["seller"], talk["conversation"])[0] == answer["id"]
    door.send(type="read", ref=2)
    assert door.until("ack")["read"] == answer["id"]
    assert [(data["reader"], data["read"]) for data in heard(seller, "read")] == [(talk["buyer"].public_id,
                                                                                   answer["id"])]
    # Typing, both ways (nobody hears their own).
    door.send(type="typing")
    door.send(type="ping")
    door.until("pong")
    assert [data["name"] for data in heard(seller, "typing")] == ["Awa"]
    seller.emit("typing", {"conversation": talk["id"]})
    assert door.until("typing")["name"] == "Nadège"

    # Offers: made through the socket door, heard on Socket.IO, answered there through the API.
    door.send(type="message", message_type="OFFER", amount=50_000, ref="o1")
    offer_id = door.until("ack", ref="o1")["offer"]
    made = door.until("message", message_type="OFFER")
    assert made["content"] == "50 000 FCFA" and made["offer"]["id"] == offer_id and made["offer"]["status"] == "OPEN"
    assert [(data["message"]["kind"], data["message"]["offer"]) for data in heard(seller, "message")] == [
        ("OFFER", offer_id)]
    from vgk.services.conversations import offers

    offers.answer(talk["seller"], offer_id, "counter", 58_000)
    counter = door.until("message", message_type="OFFER")
    assert counter["offer"]["amount"] == 58_000 and counter["mine"] is False
    door.send(type="offer_action", offer=counter["offer"]["id"], action="accept", ref="a1")
    assert door.until("ack", ref="a1")["offer"] == counter["offer"]["id"]
    line = door.until("message", message_type="SYSTEM")
    assert line["content"].startswith("Offre acceptée : 58 000 FCFA")
    assert [data["message"]["text"][:30] for data in heard(seller, "message")] == [
        "58 000 FCFA", "Offre acceptée : 58 000 FCFA. "]
    assert stored_texts(talk["conversation"])[:2] == ["Hello!", "Oui, toujours disponible."]
    door.close()
    seller.disconnect()


def test_contacts_stay_masked_and_other_conversations_stay_out(app, site, talk):
    door = Door(site.base, talk["id"], talk["buyer_token"])
    door.next()
    messages.post_text(talk["seller"], talk["conversation"], "Appelez-moi au 677 12 34 56")
    masked = door.until("message")
    assert masked["masked"] is True and "677 12 34 56" not in masked["content"]
    elsewhere = threads.open_about_listing(talk["buyer"], f.product("Radio", seller=f.user()).public_id)
    messages.post_text(talk["buyer"], elsewhere, "Autre conversation")
    assert [frame for frame in door.quiet() if frame["type"] == "message"] == []
    door.close()


def test_a_group_has_its_own_door(app, site):
    admin = f.user(role="ADMIN", name="Admin VGK")
    one, two = f.user(name="Jean Kamga"), f.user(name="Paul Ndi")
    group = threads.start_group(admin, "Vendeurs de Bonamoussadi", [one.id, two.id])
    first = Door(site.base, group.public_id, f.api_token(one), group=True)
    second = Door(site.base, group.public_id, f.api_token(two), group=True, query_token=True)
    assert first.next()["conversation"]["kind"] == "GROUP" and second.next()["type"] == "connected"
    first.send(type="message", message_type="TEXT", content="Bonjour à tous")
    assert second.until("message")["content"] == "Bonjour à tous"
    # A group is not a private chat (and the reverse): the other door refuses it.
    assert Door(site.base, group.public_id, f.api_token(one)).close_code() == protocol.CLOSE_NOT_MEMBER
    first.close()
    second.close()


def test_a_photo_sent_through_the_socket(app, site, talk):
    door = Door(site.base, talk["id"], talk["buyer_token"])
    door.next()
    photo = base64.b64encode(f.jpeg_bytes(size=(320, 240))).decode()
    door.send(type="message", message_type="IMAGE", content="data:image/jpeg;base64," + photo, ref="p")
    ack = door.until("ack", ref="p")
    frame = door.until("message", message_type="IMAGE")
    assert frame["id"] == ack["id"] and frame["photo_url"].endswith(f"/conversations/{talk['id']}/photos/{ack['id']}/")
    door.send(type="message", message_type="IMAGE", content="pas une photo", ref="q")
    assert door.until("error", ref="q")["code"] == "invalid_image"
    door.close()


# --- who may come in --------------------------------------------------------------------------------

def test_whoever_may_not_be_there_is_refused_with_a_code_that_says_why(app, site, talk, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    stranger = f.user()
    assert Door(site.base, talk["id"]).close_code() == protocol.CLOSE_UNAUTHORISED
    assert Door(site.base, talk["id"], "not-a-token").close_code() == protocol.CLOSE_UNAUTHORISED
    monkeypatch.setitem(app.config, "JWT_ACCESS_SECONDS", -3600)
    expired = f.api_token(talk["buyer"])
    monkeypatch.undo()
    assert Door(site.base, talk["id"], expired).close_code() == protocol.CLOSE_UNAUTHORISED
    assert Door(site.base, talk["id"], f.api_token(stranger)).close_code() == protocol.CLOSE_NOT_MEMBER
    for unknown in ("nothere12345", "ab%00cd", "x" * 300, "%F0%9F%98%80"):
        assert Door(site.base, unknown, talk["buyer_token"]).close_code() == protocol.CLOSE_NOT_MEMBER
    talk["seller"].status = UserStatus.SUSPENDED
    db.session.commit()
    assert Door(site.base, talk["id"], talk["seller_token"]).close_code() == protocol.CLOSE_SUSPENDED
    # The token in the query works as well as the header.
    door = Door(site.base, talk["id"], talk["buyer_token"], query_token=True)
    assert door.next()["type"] == "connected"
    door.close()
    # Each refusal ended its connection cleanly: the server read no close frame as a next HTTP request.
    assert [record.getMessage() for record in caplog.records if record.name == "werkzeug"] == []


def test_an_ended_session_or_a_suspension_closes_an_open_connection(app, site, talk):
    door = Door(site.base, talk["id"], talk["buyer_token"])
    door.next()
    api_tokens.sign_out(api_tokens.user_for_access_token(talk["buyer_token"]))
    door.send(type="message", message_type="TEXT", content="Encore là ?")
    assert door.close_code() == protocol.CLOSE_UNAUTHORISED
    assert "Encore là ?" not in stored_texts(talk["conversation"])

    other = Door(site.base, talk["id"], talk["seller_token"])
    other.next()
    talk["seller"].status = UserStatus.SUSPENDED
    db.session.commit()
    other.send(type="typing")
    assert other.close_code() == protocol.CLOSE_SUSPENDED


def test_the_heartbeat_checks_access_without_any_frame(app, site, talk, monkeypatch):
    monkeypatch.setitem(app.config, "CHAT_WS_PING_SECONDS", 1)
    door = Door(site.base, talk["id"], talk["buyer_token"])
    assert door.next()["heartbeat"] == 1
    api_tokens.sign_out(api_tokens.user_for_access_token(talk["buyer_token"]))
    assert door.close_code(timeout=5) == protocol.CLOSE_UNAUTHORISED


def test_a_client_that_stops_answering_pings_is_let_go(app, site, talk, monkeypatch):
    """A phone gone without closing (no signal) answers no ping: the server closes within two intervals
    and its thread is free again."""
    import socket
    import time

    monkeypatch.setitem(app.config, "CHAT_WS_PING_SECONDS", 1)
    port = int(site.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall((f"GET /ws/chat/{talk['id']}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {talk['buyer_token']}\r\n\r\n").encode())
        received, started = b"", time.monotonic()
        while b"\x88" not in received.split(b"\r\n\r\n", 1)[-1]:  # a close frame, after pings left unanswered
            chunk = raw.recv(4096)
            assert chunk, "the server hung up without a close frame"
            received += chunk
    assert time.monotonic() - started < 5
    assert b"\x03\xf0Ping/Pong timeout" in received and b"\"type\":\"connected\"" in received  # 1008
    deadline = time.monotonic() + 5
    while app.extensions[plain.SLOTS].open and time.monotonic() < deadline:
        time.sleep(0.05)
    assert app.extensions[plain.SLOTS].open == 0


def test_a_fresh_token_keeps_the_connection(app, site, talk):
    door = Door(site.base, talk["id"], talk["buyer_token"])
    door.next()
    door.send(type="auth", token=f.api_token(talk["buyer"]), ref="t")
    assert door.until("ack", ref="t") == {"type": "ack", "ref": "t"}
    door.send(type="auth", token=talk["seller_token"])  # somebody else's token
    assert door.close_code() == protocol.CLOSE_UNAUTHORISED


# --- limits and hostile frames ----------------------------------------------------------------------

def test_hostile_frames_get_an_error_and_the_connection_goes_on(app, site, talk, caplog):
    door = Door(site.base, talk["id"], talk["buyer_token"])
    door.next()
    hostile = {
        "not json": "invalid_json", "[1, 2]": "invalid_frame", '{"no": "type"}': "invalid_frame",
        '{"type": 5}': "invalid_frame", '{"type": "dance"}': "unknown_type",
        "[" * 5000 + "]" * 5000: "invalid_frame", '{"type": "message", "content": "a\\u0000b"}': "invalid_frame",
        '{"type": "message", "content": "x", "message_type": "SYSTEM"}': "system_only",
        '{"type": "message", "content": "x", "message_type": "VIDEO"}': "invalid_message_type",
        '{"type": "message", "content": ["a"]}': "invalid",
        '{"type": "message", "content": "   "}': "invalid",
        json.dumps({"type": "message", "content": "x" * 100_000}): "too_large",
        '{"type": "read", "up_to": "１２"}': "invalid", '{"type": "read", "up_to": 1e400}': "invalid_frame",
        '{"type": "delivered"}': "invalid", '{"type": "sync", "last_id": -1}': "invalid",
        '{"type": "offer_action", "offer": {"a": 1}, "action": "accept"}': "not_found",
        '{"type": "message", "message_type": "OFFER", "amount": 99999999999}': "invalid",
    }
    with caplog.at_level(logging.WARNING):
        for raw, code in hostile.items():
            door.send_raw(raw)
            error = door.until("error")
            assert error["code"] == code, raw[:60]
            assert error["message"]
        door.send_raw(b"\x00\x01binary")
        assert door.until("error")["code"] == "invalid_frame"
        door.send(type="ping")
        assert door.until("pong") == {"type": "pong"}
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert stored_texts(talk["conversation"]) == []
    # Beyond FRAME_MAX the connection closes with the standard "message too big".
    door.send_raw("x" * (protocol.FRAME_MAX + 1))
    assert door.close_code() == protocol.CLOSE_TOO_BIG


def test_errors_speak_the_persons_language(app, site, talk):
    talk["buyer"].locale = "en"
    db.session.commit()
    door = Door(site.base, talk["id"], talk["buyer_token"])
    door.next()
    door.send_raw("not json")
    assert door.until("error")["message"] == "This message is not JSON."
    door.send(type="message", content="   ", ref=1)
    assert door.until("error", ref=1)["message"] == "Write a message."
    door.close()


def test_hostile_query_values_are_answered_never_a_crash(app, site, talk):
    assert WEBSOCKET_QUERY_PARAMS["ws.private_chat"] == {"token", "last_id"}  # each is tried below
    for value in QUERY_VALUES:
        door = Door(site.base, talk["id"], talk["buyer_token"], query={"last_id": value})
        assert door.next()["type"] == "connected"
        after = door.quiet(0.2)
        expected = [] if value == "\x00" else [("error", {"last_id": "invalid"})]  # NUL is dropped from queries
        assert [(frame["type"], frame.get("fields")) for frame in after] == expected, value
        door.close()
        assert Door(site.base, talk["id"], query={"token": value}).close_code() == protocol.CLOSE_UNAUTHORISED
    with pytest.raises(urllib.error.HTTPError) as refused:  # not a WebSocket upgrade: a clear 400
        urllib.request.urlopen(f"{site.http}/ws/chat/{talk['id']}/", timeout=5)
    refused.value.close()
    assert refused.value.code == 400


def test_the_message_limit_and_the_frame_flood_limit(app, site, talk, monkeypatch):
    monkeypatch.setitem(app.config, "CHAT_MESSAGES_PER_MINUTE", 2)
    door = Door(site.base, talk["id"], talk["buyer_token"])
    door.next()
    for text in ("Un", "Deux", "Trois"):
        door.send(type="message", content=text, ref=text)
    assert door.until("ack", ref="Deux")["id"]
    refused = door.until("error", ref="Trois")
    assert refused["code"] == "rate_limited" and "attendez une minute" in refused["message"]
    assert stored_texts(talk["conversation"]) == ["Un", "Deux"]
    for _ in range(protocol.FRAMES_PER_WINDOW + 1):
        door.send(type="ping")
    assert door.close_code() == protocol.CLOSE_RATE_LIMITED


def test_the_connection_limit_leaves_threads_for_pages(app, monkeypatch):
    from vgk import gunicorn_conf

    monkeypatch.setattr(gunicorn_conf, "threads", 64)  # several workers
    assert plain.connection_limit(app) == 48
    monkeypatch.setitem(app.config, "CHAT_WS_MAX_CONNECTIONS", 10)
    assert plain.connection_limit(app) == 10


def test_the_server_says_when_it_is_full(app, site, talk):
    app.extensions[plain.SLOTS].limit = 1
    try:
        first = Door(site.base, talk["id"], talk["buyer_token"])
        first.next()
        assert Door(site.base, talk["id"], talk["seller_token"]).close_code() == protocol.CLOSE_TRY_AGAIN
        first.close()
    finally:
        app.extensions[plain.SLOTS].limit = plain.connection_limit(app)


# --- reconnecting -------------------------------------------------------------------------------------

def test_a_reconnecting_client_gets_exactly_what_it_missed(app, site, talk, monkeypatch):
    door = Door(site.base, talk["id"], talk["buyer_token"])
    door.next()
    seen = messages.post_text(talk["seller"], talk["conversation"], "Bonjour").id
    assert door.until("message")["id"] == seen
    door.close()

    missed = [messages.post_text(talk["seller"], talk["conversation"], text).id for text in ("Un", "Deux", "Trois")]
    again = Door(site.base, talk["id"], talk["buyer_token"], last_id=seen)
    assert again.next()["last_id"] == missed[-1]
    caught = [again.next() for _ in range(4)]
    assert [(frame["type"], frame.get("id"), frame.get("content")) for frame in caught[:3]] == [
        ("message", missed[0], "Un"), ("message", missed[1], "Deux"), ("message", missed[2], "Trois")]
    assert caught[3] == {"type": "synced", "last_id": missed[-1], "more": False}
    assert again.quiet() == []  # nothing twice, nothing else

    # More than a batch: the rest on request.
    monkeypatch.setattr(messages, "SINCE_MAX", 2)
    again.send(type="sync", last_id=seen)
    batch = [again.next() for _ in range(3)]
    assert [frame.get("id") for frame in batch[:2]] == missed[:2] and batch[2]["more"] is True
    again.send(type="sync", last_id=batch[2]["last_id"])
    assert [frame.get("id") for frame in [again.next(), again.next()]] == [missed[2], None]
    # A message written while the client catches up arrives once, live.
    messages.post_text(talk["seller"], talk["conversation"], "Quatre")
    assert [frame["content"] for frame in again.quiet() if frame["type"] == "message"] == ["Quatre"]
    again.close()


# --- the protocol, written down -----------------------------------------------------------------------

def test_the_protocol_document_is_served_and_true_to_the_code(app):
    document = app.test_client().get("/mobile/api/docs/websocket.json").get_json()
    assert set(document["client_frames"]) == set(protocol.CLIENT_TYPES) == {*frames.HANDLERS, "ping"}
    assert set(document["server_frames"]) == set(protocol.SERVER_TYPES)
    assert document["close_codes"] == {str(code): reason for code, reason in protocol.CLOSE_REASONS.items()}
    assert set(protocol.ERRORS) <= set(document["server_frames"]["error"]["properties"]["code"]["enum"])
    assert set(document["endpoints"]) == {rule.rule.replace("<conversation_id>", "{conversation_id}")
                                          .replace("<group_id>", "{group_id}")
                                          for rule in app.url_map.iter_rules() if rule.endpoint in
                                          ("ws.private_chat", "ws.group_chat")}
    spec = app.test_client().get("/mobile/api/openapi.json").get_json()
    assert "/mobile/api/docs/websocket.json" in spec["info"]["description"]


def test_the_token_never_reaches_the_logs(app, site, talk, caplog):
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{site.http}/ws/chat/{talk['id']}/?token=SECRET-VALUE&last_id=3", timeout=5)
        refused.value.close()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("token=[hidden]&last_id=3" in line for line in lines), lines
    assert not any("SECRET-VALUE" in line for line in lines)
    # gunicorn's access log, when one is configured, gets its atoms as a dict.
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(r)s", None, None)
    record.args = {"r": "GET /ws/chat/x/?token=abc.def HTTP/1.1", "q": "token=abc.def"}
    quiet.HideTokens().filter(record)
    assert record.getMessage() == "GET /ws/chat/x/?token=[hidden] HTTP/1.1" and record.args["q"] == "token=[hidden]"


# The values a replay cannot reproduce (ids, times); everything else in the README's frames must match.
VOLATILE = {"conversation", "user", "sender", "created_at", "id", "offer", "last_id", "read"}


def _same_shape(expected, got):
    return set(expected) == set(got) and all(value == got[key] for key, value in expected.items()
                                             if key not in VOLATILE)


def test_the_readme_session_is_true(app, site, talk):
    import pathlib
    import re

    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = re.search(r"<!-- websocket-session -->\s*```text\n(.*?)```\s*<!-- /websocket-session -->", readme, re.S)
    lines = [line for line in block.group(1).splitlines() if line[:3] in ("→ {", "← {")]
    assert len(lines) > 10
    first = messages.post_text(talk["buyer"], talk["conversation"], "Bonjour, toujours disponible ?").id
    messages.post_text(talk["seller"], talk["conversation"], "Oui, à Bonamoussadi.")
    door = Door(site.base, talk["id"], talk["buyer_token"], last_id=first)
    for line in lines:
        frame = json.loads(line[2:])
        if line.startswith("→"):
            door.send(**frame)
            continue
        got = door.next()
        if isinstance(frame.get("offer"), dict):
            assert set(frame["offer"]) == set(got["offer"]) and frame["offer"]["amount"] == got["offer"]["amount"]
        assert _same_shape(frame, got), (frame, got)
    door.close()
