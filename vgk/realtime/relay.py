"""The live events for the plain WebSocket connections (vgk.realtime.plain): every event the site
publishes to a room ("user:<id>", "conversation:<public id>") — the same ones Socket.IO emits — reaches the
connections of this process that listen to that room.

With REDIS_URL, an event goes through one Redis pub/sub channel (`CHANNEL`) and each web process delivers
it to its own connections, whichever process (or RQ worker) published it; a process starts listening to
the channel with its first connection. Without Redis (one process) it is delivered at once. Delivering
never blocks the publisher: a subscriber only queues the event and wakes its connection's thread.
A publish that fails is logged, never raised (the message is stored: a client reconnecting with the id
of the last message it saw gets it).
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

CHANNEL = "vgk:live"
EXTENSION = "vgk_relay"
Subscriber = Callable[[str, str, dict[str, Any]], None]  # (event, room, data); must not block


class Relay:
    def __init__(self, redis_url: str | None = None) -> None:
        self.redis_url = redis_url
        self._rooms: dict[str, set[Subscriber]] = {}
        self._lock = threading.Lock()
        self._redis: Any = None
        self._listener: threading.Thread | None = None
        self.listening = threading.Event()  # set once the channel is subscribed (events published before are not heard)
        self._stopping = threading.Event()
        self._pubsub: Any = None

    # --- publishing ---------------------------------------------------------------------------------

    def publish(self, event: str, room: str, data: dict[str, Any]) -> None:
        if not self.redis_url:
            self.deliver(event, room, data)
            return
        try:
            self._connection().publish(CHANNEL, json.dumps({"event": event, "room": room, "data": data},
                                                           separators=(",", ":"), default=str))
        except Exception:  # Redis is down: the message is stored, a reconnecting client catches up
            log.warning("could not relay %s to %s", event, room, exc_info=True)

    def _connection(self) -> Any:
        if self._redis is None:
            from redis import Redis

            self._redis = Redis.from_url(str(self.redis_url), socket_timeout=5, health_check_interval=30)
        return self._redis

    # --- listening ----------------------------------------------------------------------------------

    def subscribe(self, rooms: Iterable[str], subscriber: Subscriber) -> None:
        with self._lock:
            for room in rooms:
                self._rooms.setdefault(room, set()).add(subscriber)
            if self.redis_url and self._listener is None:
                self._listener = threading.Thread(target=self._listen, name="vgk-relay", daemon=True)
                self._listener.start()
        if self.redis_url:
            self.listening.wait(5)

    def unsubscribe(self, rooms: Iterable[str], subscriber: Subscriber) -> None:
        with self._lock:
            for room in rooms:
                listeners = self._rooms.get(room)
                if listeners is not None:
                    listeners.discard(subscriber)
                    if not listeners:
                        del self._rooms[room]

    def subscribers(self) -> int:
        with self._lock:
            return len({subscriber for listeners in self._rooms.values() for subscriber in listeners})

    def deliver(self, event: str, room: str, data: dict[str, Any]) -> None:
        with self._lock:
            listeners = list(self._rooms.get(room, ()))
        for subscriber in listeners:
            try:
                subscriber(event, room, data)
            except Exception:  # one broken connection never stops the others
                log.warning("a live subscriber failed on %s", event, exc_info=True)

    def _listen(self) -> None:
        """The process's one reader of the channel, for as long as the process lives (it reconnects after
        Redis restarts; what was published meanwhile is caught up by the clients' last_id)."""
        from redis import Redis

        pause = 0.5
        while not self._stopping.is_set():
            try:
                connection = Redis.from_url(str(self.redis_url))
                self._pubsub = pubsub = connection.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                pubsub.get_message(timeout=5)  # the subscription's confirmation
                self.listening.set()
                pause = 0.5
                for item in pubsub.listen():
                    self._received(item)
            except Exception as error:
                self.listening.clear()
                if self._stopping.is_set():
                    return
                log.warning("live relay lost Redis (%s); reconnecting in %.1f s", type(error).__name__, pause)
                self._stopping.wait(pause)
                pause = min(pause * 2, 10.0)

    def stop(self) -> None:
        """Stop listening (the listener otherwise lives as long as the process)."""
        self._stopping.set()
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except Exception:  # already closed
                pass
        if self._listener is not None:
            self._listener.join(5)

    def _received(self, item: Any) -> None:
        if item.get("type") != "message":
            return
        try:
            packet = json.loads(item["data"])
            event, room, data = str(packet["event"]), str(packet["room"]), packet["data"]
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable live relay packet ignored")
            return
        if isinstance(data, dict):
            self.deliver(event, room, data)


def install(app: Flask) -> Relay:
    """The app's relay (one per app: registering the real-time faces again keeps it and its listeners)."""
    relay = app.extensions.get(EXTENSION)
    if relay is None:
        relay = app.extensions[EXTENSION] = Relay(app.config.get("REDIS_URL") or None)
    return relay


def relay_of(app: Flask) -> Relay:
    return app.extensions[EXTENSION]
