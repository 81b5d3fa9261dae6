"""What connected browsers and apps hear, once a change is committed: each person has a room
("user:<id>") where their new messages, read receipts and unread count arrive, already as they may
see them (contacts masked for them or not); a conversation has a room ("conversation:<public id>")
for what is the same for all its members (someone typing).

The publisher is the app's Socket.IO emit (over Redis when several processes serve the site); without
it nothing is published and the pages fetch what is new as they always can. A failure to publish is
logged, never raised: the message is stored and the next fetch shows it."""
import logging
from typing import Any

from vgk.integrations.registry import live as publisher

log = logging.getLogger(__name__)


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def conversation_room(public_id: str) -> str:
    return f"conversation:{public_id}"


def publish(event: str, room: str, data: dict[str, Any]) -> None:
    emit = publisher()
    if emit is None:
        return
    try:
        emit(event, room, data)
    except Exception:  # the socket layer is down: the message is stored, the next fetch shows it
        log.warning("could not publish %s to %s", event, room, exc_info=True)
