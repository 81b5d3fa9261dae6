"""The relay that carries live events to the plain WebSocket connections: at once in one process, through
Redis between processes (two relays on one Redis stand for two web processes), never blocking or failing
the publisher."""
import logging
import threading
from collections import deque

import pytest

from tests.servers import free_port
from vgk.realtime.plain import OUTBOX_MAX, Connection, Refused
from vgk.realtime.relay import Relay


class Inbox:
    def __init__(self):
        self.events = []
        self.arrived = threading.Event()

    def __call__(self, event, room, data):
        self.events.append((event, room, data))
        self.arrived.set()


def test_without_redis_events_reach_the_rooms_subscribers_at_once():
    relay, mine, other = Relay(), Inbox(), Inbox()
    relay.subscribe(["user:1", "conversation:abc"], mine)
    relay.subscribe(["user:2"], other)

    relay.publish("message", "user:1", {"text": "Bonjour"})
    relay.publish("typing", "conversation:abc", {"name": "Awa"})
    relay.publish("message", "user:3", {"text": "pour personne"})

    assert mine.events == [("message", "user:1", {"text": "Bonjour"}), ("typing", "conversation:abc", {"name": "Awa"})]
    assert other.events == []
    relay.unsubscribe(["user:1", "conversation:abc"], mine)
    relay.publish("message", "user:1", {"text": "après"})
    assert len(mine.events) == 2 and relay.subscribers() == 1


def test_a_failing_subscriber_does_not_stop_the_others(caplog):
    relay, fine = Relay(), Inbox()

    def broken(event, room, data):
        raise RuntimeError("socket gone")

    relay.subscribe(["user:1"], broken)
    relay.subscribe(["user:1"], fine)
    with caplog.at_level(logging.WARNING):
        relay.publish("unread", "user:1", {"total": 3})
    assert fine.events == [("unread", "user:1", {"total": 3})]
    assert "a live subscriber failed" in caplog.text


def test_through_redis_an_event_published_by_one_process_reaches_the_other(redis_server):
    publisher, listener, heard = Relay(redis_server.url), Relay(redis_server.url), Inbox()
    listener.subscribe(["user:7"], heard)
    try:
        assert listener.listening.is_set()
        publisher.publish("read", "user:7", {"conversation": "abc", "read": 12})
        assert heard.arrived.wait(5)
        assert heard.events == [("read", "user:7", {"conversation": "abc", "read": 12})]
    finally:
        listener.stop()
    assert not listener._listener.is_alive()


def test_a_redis_that_is_down_never_fails_the_publisher(caplog):
    relay = Relay(f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING):
        relay.publish("message", "user:1", {"text": "stocké quand même"})
    assert "could not relay message to user:1" in caplog.text


def test_a_client_too_slow_for_its_events_is_closed_to_catch_up():
    class Socket:
        event = threading.Event()

    connection = Connection.__new__(Connection)
    connection.ws, connection.outbox, connection.overflow = Socket(), deque(), False
    for n in range(OUTBOX_MAX + 1):
        connection.hear("message", "user:1", {"conversation": "abc", "message": {"id": n}})
    assert len(connection.outbox) == OUTBOX_MAX and connection.overflow and Socket.event.is_set()
    with pytest.raises(Refused) as refused:
        connection._deliver()
    assert refused.value.code == 1013  # try again later: it reconnects with the last id it saw
