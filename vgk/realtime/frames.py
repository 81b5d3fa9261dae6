"""What each client frame of the plain WebSocket chat does (vgk.realtime.plain): reading its fields and
calling the conversation services, which decide; an ack's fields are what a handler returns."""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from vgk.errors import Invalid, NotFound
from vgk.models import Conversation, Offer, User
from vgk.realtime import protocol as p
from vgk.services.conversations import live, messages, offers, safety, threads
from vgk.services.paging import parse_int
from vgk.text import format_xaf

if TYPE_CHECKING:
    from vgk.realtime.plain import Connection

ID_MAX = 2**62
IMAGE_MAX = 750 * 1024


def whole(value: object, name: str, required: bool = False) -> int | None:
    """A message id or amount from a frame or the query: None when absent, Invalid when not 0..2^62."""
    if value is None or value == "":
        if required:
            raise Invalid(_l("Champ obligatoire."), {name: "required"})
        return None
    number = parse_int(value) if not isinstance(value, float) or not value.is_integer() else int(value)
    if number is None or not 0 <= number <= ID_MAX:
        raise Invalid(_l("Nombre entier attendu."), {name: "invalid"})
    return number


def offer_data(offer: Offer, reader: User) -> dict[str, Any]:
    return {"id": offer.public_id, "amount": offer.amount, "amount_display": format_xaf(offer.amount),
            "status": offer.status, "mine": offer.made_by_id == reader.id,
            "valid_until": offer.valid_until.isoformat() + "Z" if offer.valid_until else None}


def _image(content: object) -> bytes:
    if not isinstance(content, str):
        raise p.FrameError("invalid_image", {"content": "invalid"})
    encoded = content.split(",", 1)[1] if content.startswith("data:") else content
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise p.FrameError("invalid_image", {"content": "invalid"}) from None
    if len(data) > IMAGE_MAX:
        raise p.FrameError("too_large", {"content": "too_long"})
    return data


def _message(conn: Connection, user: User, conversation: Conversation, frame: dict[str, Any]) -> dict[str, Any]:
    kind = frame.get("message_type", "TEXT")
    if kind == "TEXT":
        content = frame.get("content")
        if not isinstance(content, str):
            raise Invalid(_l("Écrivez un message."), {"content": "required"})
        return {"id": messages.post_text(user, conversation, content).id}
    if kind == "IMAGE":
        return {"id": safety.post_photo(user, conversation, _image(frame.get("content"))).id}
    if kind == "OFFER":
        amount = frame.get("amount", frame.get("content"))
        offer = offers.make(user, conversation, amount if isinstance(amount, (int, str)) else None)
        return {"offer": offer.public_id}
    if kind == "SYSTEM":
        raise p.FrameError("system_only")
    raise p.FrameError("invalid_message_type", {"message_type": "invalid"})


def _typing(conn: Connection, user: User, conversation: Conversation, frame: dict[str, Any]) -> None:
    threads.writer(user, conversation)  # only someone who may write is "typing"
    live.publish("typing", live.conversation_room(conversation.public_id),
                 {"conversation": conversation.public_id, "name": user.name.split(" ")[0][:40], "user": user.public_id})


def _read(conn: Connection, user: User, conversation: Conversation, frame: dict[str, Any]) -> dict[str, Any]:
    return {"read": messages.mark_read(user, conversation, whole(frame.get("up_to"), "up_to"))}


def _delivered(conn: Connection, user: User, conversation: Conversation, frame: dict[str, Any]) -> dict[str, Any]:
    messages.mark_delivered(user, conversation, whole(frame.get("up_to"), "up_to", required=True) or 0)
    return {}


def _offer_action(conn: Connection, user: User, conversation: Conversation, frame: dict[str, Any]) -> dict[str, Any]:
    offer, where = offers.find(user, frame.get("offer") if isinstance(frame.get("offer"), str) else "")
    if where.id != conversation.id:
        raise NotFound(_l("Offre introuvable."))
    action = frame.get("action")
    if action not in offers.DECISIONS:
        raise Invalid(_l("Choisissez : accepter, refuser ou proposer un autre prix."), {"action": "invalid"})
    amount = whole(frame.get("amount"), "amount")
    return {"offer": offers.answer(user, offer.public_id, action, amount).public_id}


def _sync(conn: Connection, user: User, conversation: Conversation, frame: dict[str, Any]) -> None:
    conn.catch_up(user, conversation, whole(frame.get("last_id"), "last_id", required=True) or 0)


def _auth(conn: Connection, user: User, conversation: Conversation, frame: dict[str, Any]) -> dict[str, Any]:
    return {}  # `member` checked the new token: it names the same person


# (connection, user, conversation, frame) -> the ack's fields, or None when the frame is answered otherwise
HANDLERS: dict[str, Callable[[Connection, User, Conversation, dict[str, Any]], dict[str, Any] | None]] = {
    "message": _message, "typing": _typing, "read": _read, "delivered": _delivered, "offer_action": _offer_action,
    "sync": _sync, "auth": _auth,
}
