"""Plain WebSocket conversations, for apps that do not speak Socket.IO: `/ws/chat/<id>/` (a listing's
conversation or the support one) and `/ws/group_chat/<id>/` (a group), ids being the conversations'
public ids. A second door into the same conversations: every frame goes through the conversation
services (the same checks, masking, limits and notifications as the API and Socket.IO), and what they
publish reaches these connections through the relay (vgk.realtime.relay), in every process.
The protocol is vgk.realtime.protocol.

Access: the API's access token (Authorization header, or `?token=`, never logged), checked on connect,
on every frame, at every heartbeat and before events are delivered, with the membership; a refusal
closes the connection with a code that says why. No cookie counts here (only a token sent on purpose),
so a page of another site opening a socket gains nothing: there is no Origin check to make.

Threads: an open connection holds one server thread (gunicorn gthread or the Werkzeug development
server) for as long as it stays open, asleep on one event — a frame from the client, an event for it or
the heartbeat — plus simple-websocket's reading thread: two threads, no CPU while idle, and no database
connection between frames. CHAT_WS_MAX_CONNECTIONS caps them per process (1013 past it), so page
requests keep threads.
"""
from __future__ import annotations

import logging
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import simple_websocket
from flask import Blueprint, Flask, Response, abort, current_app, g, jsonify, request
from flask_babel import force_locale
from wsproto.connection import ConnectionState

from vgk.database import release_connection
from vgk.errors import DomainError, Invalid, NotFound, Unauthenticated
from vgk.models import Conversation, ConversationKind, MessageKind, User
from vgk.realtime import frames, quiet
from vgk.realtime import protocol as p
from vgk.realtime.relay import relay_of
from vgk.security import public
from vgk.services.accounts import api_tokens
from vgk.services.conversations import live, messages, offers, threads
from vgk.urls import public_url

log = logging.getLogger(__name__)
bp = Blueprint("ws", __name__)
SLOTS = "vgk_ws_slots"
OUTBOX_MAX = 500  # events waiting for a client too slow to take them: it is closed (1013) and catches up
CLOSE_WAIT = 2.0  # seconds a client has to answer the server's close


class Refused(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Admitted:
    user_id: int
    user: str
    locale: str
    conversation: str


class Socket(simple_websocket.Server):
    """simple-websocket's server end, which also wakes the connection's thread when its reading thread
    ends (it sets the event before it marks the socket closed: the thread could sleep on through it)."""

    def _thread(self) -> None:
        try:
            super()._thread()
        finally:
            self.connected = False
            self.event.set()


class Slots:
    """How many plain WebSocket connections this process holds, at most `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit, self.open = limit, 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.open >= self.limit:
                return False
            self.open += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.open -= 1


# The upgrade is open to every caller: the socket then checks the token and the membership itself and
# refuses with a close code that says why (an HTTP 401 would tell a browser's WebSocket nothing).
@bp.route("/ws/chat/<conversation_id>/", websocket=True)
@public
def private_chat(conversation_id: str) -> Response:
    return _serve(conversation_id, group=False)


@bp.route("/ws/group_chat/<group_id>/", websocket=True)
@public
def group_chat(group_id: str) -> Response:
    return _serve(group_id, group=True)


@bp.get("/mobile/api/docs/websocket.json")
@public
def protocol_document() -> Response:
    """The protocol, next to the OpenAPI document (/mobile/api/openapi.json)."""
    return jsonify(p.DOCUMENT)


def _token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.args.get("token") or None


def _admit(token: str | None, public_id: str, group: bool) -> Admitted | int:
    if not token:
        return p.CLOSE_UNAUTHORISED
    try:
        user = api_tokens.user_for_access_token(token)
    except Unauthenticated:
        return p.CLOSE_SUSPENDED if api_tokens.held_by_inactive_account(token) else p.CLOSE_UNAUTHORISED
    try:
        conversation = threads.find(user, public_id)
    except NotFound:
        return p.CLOSE_NOT_MEMBER
    if (conversation.kind == ConversationKind.GROUP) != group:
        return p.CLOSE_NOT_MEMBER
    return Admitted(user.id, user.public_id, user.locale or "fr", conversation.public_id)


def _serve(public_id: str, group: bool) -> Response:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    token = _token()
    last_id = request.args.get("last_id")
    with app.app_context():
        verdict = _admit(token, public_id, group)
    release_connection()  # nothing the request's hooks read stays checked out while the socket is open
    try:
        ws = Socket.accept(request.environ, ping_interval=app.config["CHAT_WS_PING_SECONDS"],
                           max_message_size=p.FRAME_MAX)
    except Exception:  # not a WebSocket handshake this server can take over
        abort(400)
    slots: Slots = app.extensions[SLOTS]
    if isinstance(verdict, int):
        _close(ws, verdict)
    elif not slots.take():
        _close(ws, p.CLOSE_TRY_AGAIN)
    else:
        try:
            Connection(app, ws, token or "", verdict).run(last_id)
        except Refused as refusal:
            _close(ws, refusal.code)
        except simple_websocket.ConnectionClosed:
            pass
        except Exception:
            log.exception("plain WebSocket connection failed (user %s, conversation %s)", verdict.user_id,
                          verdict.conversation)
            _close(ws, p.CLOSE_SERVER_ERROR)
        finally:
            slots.give_back()
    return _taken_over(ws)


def _close(ws: simple_websocket.Server, code: int) -> None:
    try:
        ws.close(code, p.CLOSE_REASONS[code])
    except (simple_websocket.ConnectionClosed, OSError):
        pass


def _taken_over(ws: simple_websocket.Server) -> Response:
    """What the view returns once the WebSocket is closed: the TCP connection ends (after the client's
    answer to a close, or CLOSE_WAIT seconds), and the server must not write an HTTP answer on it."""
    ws.thread.join(CLOSE_WAIT)
    try:
        if ws.ws.state == ConnectionState.LOCAL_CLOSING:  # the reading thread ended before the client's close
            if select.select([ws.sock], [], [], CLOSE_WAIT)[0]:
                ws.sock.recv(4096)  # taken here, not read by the development server as a next request
        ws.sock.shutdown(socket.SHUT_RDWR)  # which it would otherwise wait for
    except (OSError, ValueError):  # already closed
        pass
    mode = ws.mode

    class TakenOver(Response):
        def __call__(self, environ: Any, start_response: Any) -> Any:
            if mode == "gunicorn":
                raise StopIteration()  # gthread closes the connection quietly
            if mode == "werkzeug":
                raise ConnectionError()  # the development server drops it quietly
            return []

    return TakenOver()


class Connection:
    def __init__(self, app: Flask, ws: simple_websocket.Server, token: str, admitted: Admitted) -> None:
        self.app, self.ws, self.token = app, ws, token
        self.user_id, self.me, self.locale = admitted.user_id, admitted.user, admitted.locale
        self.conversation = admitted.conversation
        self.rooms = (live.user_room(admitted.user_id), live.conversation_room(admitted.conversation))
        self.outbox: deque[tuple[str, dict[str, Any]]] = deque()
        self.overflow = False
        self.caught_up: set[int] = set()
        self.arrivals: deque[float] = deque()
        self.beat = float(app.config["CHAT_WS_PING_SECONDS"])

    # --- the connection's life ----------------------------------------------------------------------

    def hear(self, event: str, room: str, data: dict[str, Any]) -> None:
        """From the relay, in any thread: queue the event and wake the connection's thread."""
        if len(self.outbox) >= OUTBOX_MAX:
            self.overflow = True
        else:
            self.outbox.append((event, data))
        self.ws.event.set()

    def run(self, last_id: str | None) -> None:
        """Say hello, send what came after `last_id` (the query's value) and serve until the end."""
        relay = relay_of(self.app)
        relay.subscribe(self.rooms, self.hear)
        try:
            with self.member() as (user, conversation):
                about = {"id": conversation.public_id, "kind": conversation.kind, "title": conversation.title}
                self.send({"type": "connected", "conversation": about, "user": self.me,
                           "last_id": messages.newest_id(conversation), "heartbeat": int(self.beat)})
                try:
                    after = frames.whole(last_id, "last_id")
                except Invalid as error:
                    self.send(p.error_frame(error.code, error.message, fields=error.fields))
                else:
                    if after is not None:
                        self.catch_up(user, conversation, after)
            self._loop()
        finally:
            relay.unsubscribe(self.rooms, self.hear)

    def _loop(self) -> None:
        check_at = time.monotonic() + self.beat
        while True:
            self.ws.event.wait(max(0.0, check_at - time.monotonic()))
            self.ws.event.clear()
            while (raw := self.ws.receive(timeout=0)) is not None:  # ConnectionClosed once the client left
                self._frame(raw)
            self._deliver()
            if time.monotonic() >= check_at:
                with self.member():  # access checked at every heartbeat: an ended session closes here
                    pass
                check_at = time.monotonic() + self.beat

    @contextmanager
    def member(self) -> Iterator[tuple[User, Conversation]]:
        """An app context in which the token still names an active member of the conversation (Refused
        otherwise); its database session ends with it."""
        with self.app.app_context():
            try:
                user = api_tokens.user_for_access_token(self.token)
            except Unauthenticated:
                raise Refused(p.CLOSE_SUSPENDED if api_tokens.held_by_inactive_account(self.token)
                              else p.CLOSE_UNAUTHORISED) from None
            if user.id != self.user_id:
                raise Refused(p.CLOSE_UNAUTHORISED)
            g.api_user = user  # the language of system lines and error messages
            try:
                conversation = threads.find(user, self.conversation)
            except NotFound:
                raise Refused(p.CLOSE_NOT_MEMBER) from None
            yield user, conversation

    def send(self, frame: dict[str, Any]) -> None:
        self.ws.send(p.dumps(frame))

    # --- from the client ----------------------------------------------------------------------------

    def _frame(self, raw: object) -> None:
        now = time.monotonic()
        self.arrivals.append(now)
        while self.arrivals[0] < now - p.FLOOD_WINDOW:
            self.arrivals.popleft()
        if len(self.arrivals) > p.FRAMES_PER_WINDOW:
            raise Refused(p.CLOSE_RATE_LIMITED)
        try:
            frame = p.parse(raw)
        except p.FrameError as error:
            with self.app.app_context(), force_locale(self.locale):
                self.send(p.error_frame(error.code, error.message, fields=error.fields))
            return
        ref = p.reference(frame)
        if frame["type"] == "ping":
            self.send({"type": "pong"})
            return
        if frame["type"] == "auth":
            self.token = str(frame.get("token") or "")[:4096]
        with self.member() as (user, conversation):
            try:
                done = frames.HANDLERS[frame["type"]](self, user, conversation, frame)
            except (DomainError, p.FrameError) as error:
                self.send(p.error_frame(error.code, error.message, ref, error.fields))
                return
            if done is not None:
                self.send({"type": "ack", **({"ref": ref} if ref is not None else {}), **done})

    # --- to the client ------------------------------------------------------------------------------

    def _deliver(self) -> None:
        """The events heard since the last time, in their order; messages as this reader may see them (the
        access checked again first)."""
        if self.overflow:
            raise Refused(p.CLOSE_TRY_AGAIN)
        pending = []
        while self.outbox:
            pending.append(self.outbox.popleft())
        news = any(event == "message" and data.get("conversation") == self.conversation for event, data in pending)
        if news:
            with self.member() as (user, conversation):
                self._send_all(pending, user, conversation)
        else:
            self._send_all(pending, None, None)

    def _send_all(self, pending: list[tuple[str, dict[str, Any]]], user: User | None,
                  conversation: Conversation | None) -> None:
        received = 0
        for event, data in pending:
            frame = None
            if event != "message":
                frame = p.event_frame(event, data, self.conversation, self.me)
            elif (user is not None and conversation is not None and data.get("conversation") == self.conversation
                  and data["message"]["id"] not in self.caught_up):
                frame = self.message_frame(user, conversation, data["message"], data.get("unread"))
                received = max(received, 0 if frame["mine"] else frame["id"])
            if frame is not None:
                self.send(frame)
        if received and user is not None and conversation is not None:
            messages.mark_delivered(user, conversation, received)  # the writer's ticks; no alert for it

    def message_frame(self, user: User, conversation: Conversation, data: dict[str, Any],
                      unread: int | None = None) -> dict[str, Any]:
        offer = None
        if data.get("offer"):
            try:
                offer = frames.offer_data(offers.find(user, data["offer"])[0], user)
            except NotFound:
                offer = None
        photo = None
        if data["kind"] == MessageKind.PHOTO:
            photo = public_url("api.conversation_photo", conversation_id=conversation.public_id, message_id=data["id"])
        return p.message_frame(conversation.public_id, data, offer, photo, unread)

    def catch_up(self, user: User, conversation: Conversation, after: int) -> None:
        """The messages after `after` (SINCE_MAX at most), then `synced`."""
        shown = messages.since(user, conversation, after)
        for seen in shown:
            self.caught_up.add(seen.id)
            self.send(self.message_frame(user, conversation, messages.as_data(seen)))
        if shown:
            messages.mark_delivered(user, conversation, shown[-1].id)
        if len(self.caught_up) > 4 * messages.SINCE_MAX:  # only the latest may still come live as well
            self.caught_up = set(sorted(self.caught_up)[-2 * messages.SINCE_MAX:])
        self.send({"type": "synced", "last_id": shown[-1].id if shown else after,
                   "more": len(shown) >= messages.SINCE_MAX})


def connection_limit(app: Flask) -> int:
    """CHAT_WS_MAX_CONNECTIONS, or three quarters of the web process's threads (gunicorn's, as
    vgk.gunicorn_conf chooses them): page requests keep the other quarter."""
    from vgk import gunicorn_conf

    return int(app.config["CHAT_WS_MAX_CONNECTIONS"] or max(1, gunicorn_conf.threads * 3 // 4))


def register(app: Flask) -> None:
    """The two routes, once per app (a test may register the real-time faces again)."""
    app.extensions.setdefault(SLOTS, Slots(connection_limit(app)))
    quiet.install()
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
