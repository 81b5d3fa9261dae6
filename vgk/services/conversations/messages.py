"""Messages in a conversation: writing one (text, or a system line the site adds), reading a page of
them backwards or what came after a message, and how far each member has received and read.

Safety: the text of a message is checked with the listings' moderation rules (contact details, payment
outside the platform, prohibited items) and its flags stored. While no order exists between the writer
and the reader (and CHAT_MASK_CONTACTS is on), phone numbers and emails are masked for the reader; a
message asking for payment outside the platform carries a warning. People write at most
CHAT_MESSAGES_PER_MINUTE messages a minute.

System messages are stored as a French msgid and its values, written out in the reader's language.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, case, func, insert, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from vgk.database import commit_as_written
from vgk.errors import Invalid, RateLimited
from vgk.extensions import db
from vgk.models import (
    ChatMessage,
    Conversation,
    ConversationKind,
    ConversationMember,
    MessageKind,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    User,
)
from vgk.models.base import utcnow
from vgk.services.conversations import alerts, live, threads
from vgk.services.selling import moderation
from vgk.text import Message

TEXT_MAX = 2000
PAGE_SIZE = 30
SINCE_MAX = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Orders that make two people trading partners (contacts are then shown): placed and not abandoned.
_TRADED = tuple(status for status in OrderStatus.ALL
                if status not in (OrderStatus.CANCELLED, OrderStatus.EXPIRED))


@dataclass(frozen=True)
class Seen:
    """A message as one reader sees it."""

    message: ChatMessage
    mine: bool
    text: str
    masked: bool      # contact details were hidden from this reader
    warning: bool     # it asks for payment outside the platform

    @property
    def id(self) -> int:
        return self.message.id


def clean(text: object) -> str:
    body = _CONTROL.sub("", str(text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not body:
        raise Invalid(_l("Écrivez un message."), fields={"body": _l("Écrivez un message.")})
    if len(body) > TEXT_MAX:
        message = _l("Un message fait au plus %(max)s caractères.", max=TEXT_MAX)
        raise Invalid(message, fields={"body": message})
    return body


def within_rate(user: User) -> None:
    limit = int(current_app.config["CHAT_MESSAGES_PER_MINUTE"])
    recent = threads.written_lately(user)
    if recent >= limit:
        raise RateLimited(_l("Vous écrivez très vite : attendez une minute avant le prochain message."))


def _marks_to(message_id: Any) -> dict[Any, Any]:
    """A member's received and read marks moved up to `message_id` (never back)."""
    return {column: case((column < message_id, message_id), else_=column)
            for column in (ConversationMember.last_read_id, ConversationMember.last_delivered_id)}


_TOUCH = (update(Conversation).where(Conversation.id == bindparam("b_conversation"))
          .values(last_message_at=bindparam("b_at")).execution_options(synchronize_session=False))
_WRITER_HAS_IT = (update(ConversationMember)
                  .where(ConversationMember.conversation_id == bindparam("b_conversation"),
                         ConversationMember.user_id == bindparam("b_user"))
                  .values(_marks_to(bindparam("b_message"))).execution_options(synchronize_session=False))


_COLUMNS = [column for column in ChatMessage.__table__.columns if column.key != "id"]


@cache
def _store_in_one() -> Select:
    """PostgreSQL: the message, the conversation's last activity and the writer's marks in one statement
    (data-modifying WITH clauses), the new message's id in return."""
    table = ChatMessage.__table__
    stored = insert(table).values({column.key: bindparam(f"v_{column.key}", type_=column.type)
                                   for column in _COLUMNS}).returning(table.c.id).cte("stored")
    new_id = select(stored.c.id).scalar_subquery()
    touched = update(Conversation.__table__).where(Conversation.__table__.c.id == bindparam("b_conversation")) \
        .values(last_message_at=bindparam("v_created_at")).cte("touched")
    members = ConversationMember.__table__
    marked = update(members).where(members.c.conversation_id == bindparam("b_conversation"),
                                   members.c.user_id == bindparam("b_writer")) \
        .values({members.c.last_read_id: case((members.c.last_read_id < new_id, new_id),
                                              else_=members.c.last_read_id),
                 members.c.last_delivered_id: case((members.c.last_delivered_id < new_id, new_id),
                                                   else_=members.c.last_delivered_id)}).cte("marked")
    return select(stored.c.id).add_cte(touched).add_cte(marked)


def _stored_in_one(conversation: Conversation, message: ChatMessage, writer: ConversationMember | None) -> None:
    values = {}
    for column in _COLUMNS:  # every column set on the object: none is left to load afterwards
        value = message.__dict__.get(column.key)
        if value is None and column.default is not None:
            value = column.default.arg(None) if callable(column.default.arg) else column.default.arg
        setattr(message, column.key, value)
        values[f"v_{column.key}"] = value
    values.update(b_conversation=conversation.id, b_writer=writer.user_id if writer is not None else 0)
    message.id = db.session.connection().execute(_store_in_one(), values).scalar_one()
    make_transient_to_detached(message)
    db.session.add(message)


def added(conversation: Conversation, message: ChatMessage, writer: ConversationMember | None) -> ChatMessage:
    """Add the message (no commit); the writer has received and read their own message. The two marks
    are plain UPDATEs (statements built once: this is the path of every message)."""
    db.session.add(message)
    db.session.flush()
    db.session.connection().execute(_TOUCH, {"b_conversation": conversation.id, "b_at": message.created_at})
    if writer is not None:
        db.session.connection().execute(_WRITER_HAS_IT, {"b_conversation": writer.conversation_id,
                                                         "b_user": writer.user_id, "b_message": message.id})
    _told(conversation, message, writer)
    return message


def _told(conversation: Conversation, message: ChatMessage, writer: ConversationMember | None) -> None:
    """The objects in hand learn the values written."""
    set_committed_value(conversation, "last_message_at", message.created_at)
    if writer is not None:
        for mark in ("last_read_id", "last_delivered_id"):
            set_committed_value(writer, mark, max(getattr(writer, mark), message.id))


def _stored_and_committed(conversation: Conversation, message: ChatMessage,
                          writer: ConversationMember) -> list[tuple[int, int]]:
    """`added` and the commit, for a text (given by ids alone, told at once): on PostgreSQL its three
    writes go as one statement. Returns the members and their unread counts, read in the same transaction
    (no second one to end)."""
    if db.session.get_bind().dialect.name == "postgresql":
        _stored_in_one(conversation, message, writer)
        _told(conversation, message, writer)
    else:
        added(conversation, message, writer)
    members = threads.members_with_unread(conversation)
    commit_as_written()
    return members


def post_text(sender: User | None, conversation: Conversation, text: object) -> ChatMessage:
    writer = threads.writer(sender, conversation)
    body = clean(text)
    author = writer.user
    within_rate(author)
    message = ChatMessage(conversation_id=conversation.id, sender_id=author.id, kind=MessageKind.TEXT, body=body,
                          flags=" ".join(moderation.text_flags(body))[:64], created_at=utcnow())
    members = _stored_and_committed(conversation, message, writer)
    announce(conversation, message, members)
    return message


def add_system(conversation: Conversation, key: Message, **values: object) -> ChatMessage:
    """A line the site writes in the conversation ("Offre acceptée : 20 000 FCFA"). No commit: it is
    stored with the change it tells about; call `announce` after the commit."""
    msgid = getattr(key, "_args", (str(key),))[0]
    params = {name: value if isinstance(value, int) else str(value) for name, value in values.items()}
    message = ChatMessage(conversation_id=conversation.id, kind=MessageKind.SYSTEM, system_key=str(msgid),
                          system_params=json.dumps(params, ensure_ascii=False), created_at=utcnow())
    return added(conversation, message, None)


def system_text(message: ChatMessage) -> str:
    """A system message in the reader's language (its stored values, formatted)."""
    try:
        params = json.loads(message.system_params or "{}")
        return gettext(message.system_key or "") % params if params else gettext(message.system_key or "")
    except (ValueError, KeyError, TypeError):
        return gettext(message.system_key or "")


def _traded(one: int | None, other: int | None) -> bool:
    """An order exists between the two people, either way round (placed, not abandoned)."""
    if one is None or other is None:
        return False
    pairs = ((one, other), (other, one))
    for buyer_id, seller_id in pairs:
        found = db.session.scalar(
            select(Order.id).join(OrderItem, OrderItem.order_id == Order.id)
            .join(Product, Product.id == OrderItem.product_id)
            .where(Order.buyer_id == buyer_id, Product.seller_id == seller_id, Order.status.in_(_TRADED)).limit(1))
        if found is not None:
            return True
    return False


def view(message: ChatMessage, reader: User | None, conversation: Conversation,
         traded: dict[int, bool] | None = None) -> Seen:
    """How `reader` sees the message. `traded` caches, per writer, whether an order links them."""
    return view_by_id(message, getattr(reader, "id", None), conversation, traded)


def view_by_id(message: ChatMessage, reader_id: int | None, conversation: Conversation,
               traded: dict[int, bool] | None = None) -> Seen:
    mine = message.sender_id is not None and message.sender_id == reader_id
    if message.kind == MessageKind.SYSTEM:
        return Seen(message, False, system_text(message), False, False)
    flags = message.flags.split()
    text, masked = message.body, False
    hide = (not mine and "contact" in flags and current_app.config["CHAT_MASK_CONTACTS"]
            and conversation.kind == ConversationKind.LISTING)
    if hide:
        cache = traded if traded is not None else {}
        writer = message.sender_id or 0
        if writer not in cache:
            cache[writer] = _traded(reader_id, message.sender_id)
        if not cache[writer]:
            text, masked = moderation.mask_contacts(message.body), True
    return Seen(message, mine, text, masked, "payment" in flags and not mine)


def _shown(query: Any) -> Any:
    return query.where(ChatMessage.hidden_at.is_(None))


def page(reader: User | None, conversation: Conversation, before_id: int | None = None,
         size: int = PAGE_SIZE) -> tuple[list[Seen], bool]:
    """Up to `size` messages before `before_id` (the newest without it), oldest first, and whether older
    ones remain."""
    query = _shown(select(ChatMessage).where(ChatMessage.conversation_id == conversation.id))
    if before_id:
        query = query.where(ChatMessage.id < before_id)
    rows = list(db.session.scalars(query.order_by(ChatMessage.id.desc()).limit(size + 1)))
    older = len(rows) > size
    traded: dict[int, bool] = {}
    return [view(message, reader, conversation, traded) for message in reversed(rows[:size])], older


def since(reader: User | None, conversation: Conversation, after_id: int) -> list[Seen]:
    """The messages after `after_id`, oldest first (at most SINCE_MAX: the page then reloads)."""
    rows = db.session.scalars(_shown(select(ChatMessage).where(
        ChatMessage.conversation_id == conversation.id, ChatMessage.id > after_id))
        .order_by(ChatMessage.id).limit(SINCE_MAX))
    traded: dict[int, bool] = {}
    return [view(message, reader, conversation, traded) for message in rows]


def newest_id(conversation: Conversation) -> int:
    return db.session.scalar(_shown(select(func.max(ChatMessage.id))
                                    .where(ChatMessage.conversation_id == conversation.id))) or 0


def _advance(column: Any, reader: User, conversation: Conversation, up_to: int) -> bool:
    """Move the reader's mark forward (never back: a conditional update, safe on every database)."""
    result = db.session.execute(
        update(ConversationMember)
        .where(ConversationMember.conversation_id == conversation.id, ConversationMember.user_id == reader.id,
               column < up_to)
        .values({column: up_to}))
    db.session.commit()
    return bool(getattr(result, "rowcount", 0))


def mark_read(reader: User, conversation: Conversation, up_to: int | None = None) -> int:
    """The reader has read the conversation up to `up_to` (by default its newest message); the writers
    hear it. Returns the reader's read mark."""
    if threads.membership(reader, conversation) is None:
        return 0
    newest = newest_id(conversation)
    target = newest if up_to is None else max(0, min(up_to, newest))
    # One conditional UPDATE: what is read was received (the delivered mark is never behind the read one).
    result = db.session.execute(
        update(ConversationMember)
        .where(ConversationMember.conversation_id == conversation.id, ConversationMember.user_id == reader.id,
               ConversationMember.last_read_id < target)
        .values(_marks_to(target)))
    db.session.commit()
    if getattr(result, "rowcount", 0):
        data = {"conversation": conversation.public_id, "reader": reader.public_id, "read": target}
        for other in threads.other_member_ids(conversation, reader.id):
            live.publish("read", live.user_room(other), data)
        live.publish("unread", live.user_room(reader.id), {"total": threads.unread_total(reader)})
    return target


def mark_delivered(reader: User, conversation: Conversation, up_to: int) -> None:
    """The reader's app or browser received the messages up to `up_to` (not read yet)."""
    if threads.membership(reader, conversation) is None:
        return
    if _advance(ConversationMember.last_delivered_id, reader, conversation, min(up_to, newest_id(conversation))):
        data = {"conversation": conversation.public_id, "reader": reader.public_id, "delivered": up_to}
        for other in threads.other_member_ids(conversation, reader.id):
            live.publish("delivered", live.user_room(other), data)


def receipts(reader: User, conversation: Conversation) -> tuple[int, int]:
    """How far the others have (received, read) — the ticks under the reader's own messages."""
    row = db.session.execute(
        select(func.min(ConversationMember.last_delivered_id), func.min(ConversationMember.last_read_id))
        .where(ConversationMember.conversation_id == conversation.id, ConversationMember.user_id != reader.id)).one()
    return int(row[0] or 0), int(row[1] or 0)


def as_data(seen: Seen) -> dict[str, Any]:
    """A message as the API and the live events give it."""
    message = seen.message
    return {"id": message.id, "kind": message.kind, "mine": seen.mine, "text": seen.text, "masked": seen.masked,
            "warning": seen.warning, "sender": message.sender.public_id if message.sender else None,
            "sender_name": message.sender.name if message.sender else None,
            "created_at": message.created_at.isoformat() + "Z",
            "offer": message.offer.public_id if message.offer else None}


def announce(conversation: Conversation, message: ChatMessage, members: list[tuple[int, int]] | None = None) -> None:
    """Tell each member, in their own room, about the new message as they may see it (and those who
    will not have received it within a minute, by notice and SMS: alerts). `members`: the members and
    their unread counts, if read already."""
    for user_id, unread in threads.members_with_unread(conversation) if members is None else members:
        seen = view_by_id(message, user_id, conversation)
        data: dict[str, Any] = {"conversation": conversation.public_id, "message": as_data(seen)}
        if user_id != message.sender_id:  # the writer's own count did not change
            data["unread"] = unread
        live.publish("message", live.user_room(user_id), data)
    alerts.schedule(message)


def last_activity(conversation: Conversation) -> datetime:
    return conversation.last_message_at
