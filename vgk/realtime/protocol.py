"""The plain WebSocket chat protocol: its close codes and limits, reading a client's frame, writing the
server's frames from the live events, and `DOCUMENT`, the description served next to the OpenAPI
document (/mobile/api/docs/websocket.json) — a test holds it to the code (kinds, fields, close codes).

Every frame is one JSON object with a "type". Message kinds are the site's, named as the apps know them:
TEXT, IMAGE (a photo), OFFER, SYSTEM (a line the site writes).
"""
from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from vgk import inputs

# Close codes (4000-4999 are the application's own; 1009 and 1013 are the standard ones).
CLOSE_NORMAL = 1000
CLOSE_NO_PONG = 1008  # the client answered no ping (simple-websocket closes it)
CLOSE_TOO_BIG = 1009
CLOSE_SERVER_ERROR = 1011
CLOSE_TRY_AGAIN = 1013
CLOSE_UNAUTHORISED = 4001
CLOSE_SUSPENDED = 4003
CLOSE_NOT_MEMBER = 4004
CLOSE_RATE_LIMITED = 4008
CLOSE_REASONS = {
    CLOSE_NORMAL: "closed",
    CLOSE_NO_PONG: "Ping/Pong timeout",
    CLOSE_TOO_BIG: "frame too big",
    CLOSE_SERVER_ERROR: "server error",
    CLOSE_TRY_AGAIN: "try again later",
    CLOSE_UNAUTHORISED: "unauthorised",
    CLOSE_SUSPENDED: "account suspended",
    CLOSE_NOT_MEMBER: "not a member",
    CLOSE_RATE_LIMITED: "rate limited",
}

FRAME_MAX = 1024 * 1024  # beyond this the connection closes with 1009 (an IMAGE's base64 fits below)
TEXT_FRAME_MAX = 16 * 1024  # any other frame longer than this gets a too_large error
FRAMES_PER_WINDOW = 30  # more frames than this in FLOOD_WINDOW seconds close the connection (4008)
FLOOD_WINDOW = 10.0
KINDS = {"TEXT": "TEXT", "PHOTO": "IMAGE", "OFFER": "OFFER", "SYSTEM": "SYSTEM"}  # the site's kind: the app's
CLIENT_TYPES = ("message", "typing", "read", "delivered", "offer_action", "sync", "ping", "auth")
SERVER_TYPES = ("connected", "message", "typing", "read", "delivered", "unread", "synced", "ack", "pong", "error")
ERRORS = {
    "invalid_json": _l("Ce message n'est pas du JSON."),
    "invalid_frame": _l("Un message est un objet JSON avec un champ « type »."),
    "unknown_type": _l("Type de message inconnu."),
    "too_large": _l("Message trop long."),
    "invalid_message_type": _l("Type de message invalide : TEXT, IMAGE ou OFFER."),
    "system_only": _l("Seul le site écrit les messages système."),
    "invalid_image": _l("La photo doit être envoyée en base64."),
}


class FrameError(Exception):
    """A frame the protocol refuses: answered with an error frame, the connection stays open."""

    def __init__(self, code: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = ERRORS.get(code, ERRORS["invalid_frame"])
        self.fields = fields or {}


def dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str)


def parse(raw: object) -> dict[str, Any]:
    """The client's frame as an object with a known "type", or FrameError."""
    if not isinstance(raw, str):
        raise FrameError("invalid_frame")
    try:
        frame = inputs.loads(raw)
    except inputs.HostileJSON as error:
        raise FrameError("invalid_frame", error.fields) from None
    except ValueError:
        raise FrameError("invalid_json") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError("invalid_frame")
    if frame["type"] not in CLIENT_TYPES:
        raise FrameError("unknown_type")
    if len(raw) > TEXT_FRAME_MAX and frame.get("message_type") != "IMAGE":
        raise FrameError("too_large")
    return frame


def reference(frame: dict[str, Any]) -> str | int | None:
    """The client's own id for a frame ("ref"), echoed in its ack or error."""
    ref = frame.get("ref")
    if isinstance(ref, bool) or not isinstance(ref, (str, int)):
        return None
    return ref[:64] if isinstance(ref, str) else ref


def message_frame(conversation: str, message: dict[str, Any], offer: dict[str, Any] | None,
                  photo_url: str | None, unread: int | None = None) -> dict[str, Any]:
    """A message (as `messages.as_data` gives it for this reader) in the protocol's words."""
    frame = {"type": "message", "conversation": conversation, "id": message["id"],
             "message_type": KINDS.get(message["kind"], message["kind"]), "content": message["text"],
             "mine": message["mine"], "masked": message["masked"], "warning": message["warning"],
             "sender": message["sender"], "sender_name": message["sender_name"],
             "created_at": message["created_at"], "offer": offer, "photo_url": photo_url}
    if unread is not None:
        frame["unread"] = unread
    return frame


def event_frame(event: str, data: dict[str, Any], conversation: str, me: str) -> dict[str, Any] | None:
    """A live event other than a message, as this connection's client gets it (None: not for it)."""
    if event == "unread":
        return {"type": "unread", "total": data.get("total")}
    if data.get("conversation") != conversation:
        return None
    if event == "typing":
        if data.get("user") == me:
            return None
        return {"type": "typing", "conversation": conversation, "user": data.get("user"), "name": data.get("name")}
    if event in ("read", "delivered"):
        return {"type": event, "conversation": conversation, "reader": data.get("reader"), "up_to": data.get(event)}
    return None


def error_frame(code: str, message: object, ref: str | int | None = None,
                fields: dict[str, Any] | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": code, "message": str(message)}
    if fields:
        frame["fields"] = {str(key): str(value) for key, value in fields.items()}
    if ref is not None:
        frame["ref"] = ref
    return frame


_S, _I, _B = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
_REF = {"type": ["string", "integer"], "description": "optional: your id for the frame, echoed in its ack or error"}


def _kind(description: str, required: list[str], **properties: Any) -> dict[str, Any]:
    return {"description": description, "required": ["type", *required], "properties": properties}


DOCUMENT: dict[str, Any] = {
    "title": "Vidé-Grenier Kamer — plain WebSocket chat",
    "description": (
        "A second door into the conversations of the API (`/mobile/api/client/conversations/`), for apps "
        "that do not speak Socket.IO: the same messages, read receipts and offers, the same rules (members "
        "only, contact details masked, per-minute limit, notifications). Every frame is one JSON text "
        "object with a `type`."),
    "endpoints": {
        "/ws/chat/{conversation_id}/": "a listing's conversation (buyer and seller) or the support conversation",
        "/ws/group_chat/{group_id}/": "a group an admin gathered",
    },
    "authentication": (
        "The API's access token: `Authorization: Bearer <access_token>` on the upgrade request, or the "
        "`token` query parameter for clients that cannot set headers (it is never logged; prefer the header). "
        "Checked on connect, on every frame and at every heartbeat; send an `auth` frame with a fresh token "
        "before the current one expires to keep the connection."),
    "query": {"token": "the access token (when no Authorization header)",
              "last_id": "the id of the last message the client saw: the messages after it are sent first"},
    "heartbeat": (
        "The server sends WebSocket pings every CHAT_WS_PING_SECONDS (25) and closes a connection that does "
        "not answer the next one; clients that cannot see protocol pings send {\"type\": \"ping\"} and get "
        "{\"type\": \"pong\"}. After any disconnection, reconnect with `last_id`: the missed messages "
        "(100 at most per `synced`; send `sync` for the next ones) come before anything new."),
    "limits": {"frame_bytes": FRAME_MAX, "text_frame_bytes": TEXT_FRAME_MAX,
               "frames_per_10_seconds": FRAMES_PER_WINDOW,
               "messages_per_minute": "CHAT_MESSAGES_PER_MINUTE (an error frame `rate_limited` past it)"},
    "close_codes": {str(code): reason for code, reason in sorted(CLOSE_REASONS.items())},
    "client_frames": {
        "message": _kind("write in the conversation; answered by an `ack` {ref, id} (OFFER: {ref, id, offer})",
                         ["message_type"], type={"const": "message"},
                         message_type={"enum": ["TEXT", "IMAGE", "OFFER"]},
                         content={"type": "string", "description": "TEXT: the text (2000 characters at most); "
                                  "IMAGE: the photo in base64 (or a data: URL), 750 KB at most"},
                         amount={**_I, "description": "OFFER: the price offered, in XAF"}, ref=_REF),
        "typing": _kind("the client is writing (members who may write only)", [], type={"const": "typing"}),
        "read": _kind("read receipt: read up to a message (by default the newest)", [], type={"const": "read"},
                      up_to=_I, ref=_REF),
        "delivered": _kind("the app received the messages up to a message (those sent on this socket count as "
                           "received already)", ["up_to"], type={"const": "delivered"}, up_to=_I, ref=_REF),
        "offer_action": _kind("accept, decline or counter the other side's offer", ["offer", "action"],
                              type={"const": "offer_action"}, offer=_S,
                              action={"enum": ["accept", "decline", "counter"]},
                              amount={**_I, "description": "XAF, for a counter-offer"}, ref=_REF),
        "sync": _kind("send the messages after this id (then a `synced`)", ["last_id"], type={"const": "sync"},
                      last_id=_I),
        "ping": _kind("application-level heartbeat", [], type={"const": "ping"}),
        "auth": _kind("replace the access token (same person) before it expires", ["token"],
                      type={"const": "auth"}, token=_S, ref=_REF),
    },
    "server_frames": {
        "connected": _kind("first frame after the upgrade", ["conversation", "user", "last_id", "heartbeat"],
                           conversation={"type": "object", "description": "{id, kind, title}"}, user=_S,
                           last_id={**_I, "description": "the newest message's id"},
                           heartbeat={**_I, "description": "seconds between the server's pings"}),
        "message": _kind("a message as this reader may see it (sent, received, or caught up)",
                         ["conversation", "id", "message_type", "content", "mine", "created_at"],
                         conversation=_S, id=_I, message_type={"enum": sorted(set(KINDS.values()))},
                         content={"type": "string", "description": "the text (contacts masked before an order; "
                                  "system lines in the reader's language; an offer's amount)"},
                         mine=_B, masked=_B, warning={**_B, "description": "asks for payment off the platform"},
                         sender={"type": ["string", "null"]}, sender_name={"type": ["string", "null"]},
                         created_at=_S, photo_url={"type": ["string", "null"], "description": "IMAGE: fetch it "
                                                   "with the bearer token"},
                         offer={"type": ["object", "null"],
                                "description": "OFFER: {id, amount, amount_display, status, mine, valid_until}"},
                         unread={**_I, "description": "the reader's unread total (not sent to the writer)"}),
        "typing": _kind("another member is writing", ["conversation", "user", "name"], conversation=_S,
                        user=_S, name=_S),
        "read": _kind("read receipt of another member", ["conversation", "reader", "up_to"], conversation=_S,
                      reader=_S, up_to=_I),
        "delivered": _kind("another member's app received up to a message", ["conversation", "reader", "up_to"],
                           conversation=_S, reader=_S, up_to=_I),
        "unread": _kind("the reader's unread total, in all conversations", ["total"], total=_I),
        "synced": _kind("the missed messages were sent", ["last_id", "more"], last_id=_I,
                        more={**_B, "description": "more remain: send `sync` with last_id"}),
        "ack": _kind("a client frame was carried out", [], ref=_REF, id=_I, offer=_S, read=_I),
        "pong": _kind("answer to `ping`", []),
        "error": _kind("a frame was refused; the connection stays open", ["code", "message"],
                       code={"enum": sorted({*ERRORS, "invalid", "not_found", "forbidden", "conflict",
                                             "rate_limited", "unauthenticated"})},
                       message=_S, fields={"type": "object"}, ref=_REF),
    },
}
