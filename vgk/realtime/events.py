"""Socket.IO events. A connection is refused without a signed-in user; each person joins their own room
("user:<id>"), and a conversation's room only after the membership check.

Client → server: "join" {conversation}, "leave" {conversation}, "typing" {conversation},
"read" {conversation, up_to?}, "delivered" {conversation, up_to}, "send" {conversation, text}.
Server → client: "message", "read", "delivered", "unread", "typing" {conversation, name, user}, "error"
{event, error}. What the services publish (and "typing") also reaches the plain WebSocket clients (plain).
"""
from typing import Any

from flask import current_app, session
from flask_socketio import SocketIO, emit, join_room, leave_room

from vgk.errors import DomainError, Unauthenticated
from vgk.models import User, UserStatus
from vgk.realtime.relay import relay_of
from vgk.services.accounts import api_tokens, sessions
from vgk.services.conversations import live, messages, threads
from vgk.services.paging import parse_int

TOKEN_KEY = "realtime_token"


def _user() -> User | None:
    """The person behind this connection, checked again now (a revoked session or token, or a suspended
    account, ends their access at the next event)."""
    token = session.get(TOKEN_KEY)
    if token:
        try:
            user = api_tokens.user_for_access_token(token)
        except DomainError:
            return None
    else:  # the browser's sign-in session, loaded afresh (Flask-Login's per-request cache would not be)
        signed_in = session.get("_user_id")
        user = sessions.load(signed_in) if signed_in else None
    return user if user is not None and user.status == UserStatus.ACTIVE else None


def _conversation(data: Any, user: User):  # type: ignore[no-untyped-def]
    public_id = data.get("conversation") if isinstance(data, dict) else None
    return threads.find(user, public_id)


def _refusal(event: str, error: DomainError) -> dict[str, Any]:
    return {"event": event, "error": str(error.message), "code": error.code}


def on_connect(auth: Any = None) -> bool:
    session.pop(TOKEN_KEY, None)
    token = auth.get("token") if isinstance(auth, dict) else None
    if token:
        try:
            api_tokens.user_for_access_token(token)
        except (DomainError, Unauthenticated):
            return False
        session[TOKEN_KEY] = str(token)[:4096]
    user = _user()
    if user is None:
        return False
    join_room(live.user_room(user.id))
    emit("unread", {"total": threads.unread_total(user)})
    return True


def _handler(name: str, action):  # type: ignore[no-untyped-def]
    def handle(data: Any = None) -> dict[str, Any]:
        user = _user()
        if user is None:
            return {"ok": False, "error": "unauthenticated"}
        try:
            result = action(user, data if isinstance(data, dict) else {})
        except DomainError as error:
            return {"ok": False, **_refusal(name, error)}
        return {"ok": True, **(result or {})}
    handle.__name__ = f"on_{name}"
    return handle


def _join(user: User, data: dict[str, Any]) -> dict[str, Any]:
    conversation = _conversation(data, user)
    join_room(live.conversation_room(conversation.public_id))
    return {"conversation": conversation.public_id}


def _leave(user: User, data: dict[str, Any]) -> None:
    conversation = _conversation(data, user)
    leave_room(live.conversation_room(conversation.public_id))


def _typing(user: User, data: dict[str, Any]) -> None:
    conversation = _conversation(data, user)
    threads.writer(user, conversation)  # only someone who may write is "typing"
    room = live.conversation_room(conversation.public_id)
    data = {"conversation": conversation.public_id, "name": user.name.split(" ")[0][:40], "user": user.public_id}
    emit("typing", data, to=room, include_self=False)
    relay_of(current_app).publish("typing", room, data)  # the plain WebSocket clients hear it too


def _read(user: User, data: dict[str, Any]) -> dict[str, Any]:
    conversation = _conversation(data, user)
    return {"read": messages.mark_read(user, conversation, parse_int(data.get("up_to")))}


def _delivered(user: User, data: dict[str, Any]) -> None:
    conversation = _conversation(data, user)
    messages.mark_delivered(user, conversation, parse_int(data.get("up_to")) or 0)


def _send(user: User, data: dict[str, Any]) -> dict[str, Any]:
    conversation = _conversation(data, user)
    return {"id": messages.post_text(user, conversation, data.get("text")).id}


ACTIONS = {"join": _join, "leave": _leave, "typing": _typing, "read": _read, "delivered": _delivered, "send": _send}


def register(socketio: SocketIO) -> None:
    socketio.on_event("connect", on_connect)
    for name, action in ACTIONS.items():
        socketio.on_event(name, _handler(name, action))
