"""Keeping conversations safe: photos (checked and re-encoded like listing photos, kept private to the
conversation), reports of a message, blocking a person, and the admins' view of reported conversations.

Chat photos are stored under "private/chat/...": the public media route never serves that prefix; the
web and the API hand them out to members only (`photo`).
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from vgk.errors import Forbidden, Invalid, NotFound, RateLimited
from vgk.extensions import db
from vgk.models import (
    Block,
    ChatMessage,
    Conversation,
    MessageKind,
    MessageReport,
    Role,
    User,
    UserStatus,
)
from vgk.models.base import utcnow
from vgk.services.backoffice import audit
from vgk.services.conversations import messages, threads
from vgk.services.paging import Page, paginate, parse_id
from vgk.services.selling import judgements, media
from vgk.services.storage import files

PRIVATE_PREFIX = "private/"
PHOTO_MAX_BYTES = 8 * 1024 * 1024
REASON_MAX = 500
REPORTS_PER_HOUR = 20


@dataclass(frozen=True)
class Reported:
    conversation: Conversation
    open_reports: int


# --- photos ---------------------------------------------------------------------------------------

def post_photo(sender: User | None, conversation: Conversation, data: bytes) -> ChatMessage:
    """A photo in the conversation: checked by its content, re-encoded to WebP without EXIF."""
    writer = threads.writer(sender, conversation)
    if not data:
        raise Invalid(_l("Choisissez une photo."), fields={"photo": _l("Choisissez une photo.")})
    if len(data) > PHOTO_MAX_BYTES:
        message = _l("La photo est trop lourde (8 Mo au plus).")
        raise Invalid(message, fields={"photo": message})
    messages.within_rate(writer.user)
    processed = media.process_image(data)  # Invalid unless it is a real photo
    key = files.save(f"{PRIVATE_PREFIX}chat/{conversation.public_id}/{secrets.token_urlsafe(16)}.webp",
                     processed.large, "image/webp")
    message = ChatMessage(conversation_id=conversation.id, sender_id=writer.user_id, kind=MessageKind.PHOTO,
                          image_key=key, created_at=utcnow())
    messages.added(conversation, message, writer)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        media.delete_files([key])
        raise
    messages.announce(conversation, message)
    return message


def photo(reader: User | None, conversation_public_id: object, message_id: object) -> bytes:
    """The photo's bytes, for a reader of its conversation (NotFound for anyone else)."""
    conversation = threads.find(reader, conversation_public_id)
    message = db.session.get(ChatMessage, parse_id(message_id) or -1)
    if (message is None or message.conversation_id != conversation.id or message.kind != MessageKind.PHOTO
            or message.hidden_at is not None or not message.image_key):
        raise NotFound(_l("Photo introuvable."))
    return files.read(message.image_key)


# --- reports --------------------------------------------------------------------------------------

def report(reporter: User | None, conversation: Conversation, message_id: object, reason: object) -> MessageReport:
    """A member reports a message someone else wrote; reporting it again changes nothing."""
    if reporter is None or threads.membership(reporter, conversation) is None:
        raise NotFound(threads.NOT_FOUND)
    message = db.session.get(ChatMessage, parse_id(message_id) or -1)
    if message is None or message.conversation_id != conversation.id:
        raise NotFound(_l("Message introuvable."))
    if message.sender_id == reporter.id or message.sender_id is None:
        raise Invalid(_l("Vous ne pouvez signaler que le message de quelqu'un d'autre."))
    existing = db.session.scalar(select(MessageReport).where(MessageReport.message_id == message.id,
                                                             MessageReport.reporter_id == reporter.id))
    if existing is not None:
        return existing
    recent = db.session.scalar(select(func.count(MessageReport.id)).where(
        MessageReport.reporter_id == reporter.id, MessageReport.created_at > utcnow() - timedelta(hours=1))) or 0
    if recent >= REPORTS_PER_HOUR:
        raise RateLimited(_l("Trop de signalements pour le moment : réessayez plus tard."))
    entry = MessageReport(message_id=message.id, conversation_id=conversation.id, reporter_id=reporter.id,
                          reason=str(reason or "").strip()[:REASON_MAX], created_at=utcnow())
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:  # the same report sent twice at once
        db.session.rollback()
        found = db.session.scalar(select(MessageReport).where(MessageReport.message_id == message.id,
                                                              MessageReport.reporter_id == reporter.id))
        if found is None:
            raise
        return found
    judgements.conversation_reported(conversation.id)
    return entry


def _admin(user: User | None) -> User:
    if user is None or user.role != Role.ADMIN or user.status != UserStatus.ACTIVE:
        raise Forbidden(_l("Réservé aux administrateurs."))
    return user


def reported(admin: User, page: int = 1, per_page: int = 20) -> Page:
    """Conversations with reports not yet dealt with, the most reported first."""
    _admin(admin)
    counts = (select(MessageReport.conversation_id, func.count(MessageReport.id).label("n"))
              .where(MessageReport.resolved_at.is_(None)).group_by(MessageReport.conversation_id).subquery())
    query = (select(Conversation).join(counts, counts.c.conversation_id == Conversation.id)
             .order_by(counts.c.n.desc(), Conversation.last_message_at.desc(), Conversation.id))
    result = paginate(query, page, per_page)
    ids = [conversation.id for conversation in result.items]
    rows = db.session.execute(select(counts.c.conversation_id, counts.c.n)
                              .where(counts.c.conversation_id.in_(ids))).all() if ids else []
    found = {conversation_id: n for conversation_id, n in rows}
    result.items = [Reported(conversation, int(found.get(conversation.id, 0))) for conversation in result.items]
    return result


def open_reports_in(admin: User, conversation_ids: Sequence[int]
                    ) -> dict[int, list[tuple[MessageReport, ChatMessage]]]:
    """The reports not yet dealt with and their messages, per conversation (one query)."""
    _admin(admin)
    grouped: dict[int, list[tuple[MessageReport, ChatMessage]]] = {}
    if conversation_ids:
        rows = db.session.execute(
            select(MessageReport, ChatMessage).join(ChatMessage, ChatMessage.id == MessageReport.message_id)
            .where(MessageReport.conversation_id.in_(list(conversation_ids)), MessageReport.resolved_at.is_(None))
            .order_by(MessageReport.id))
        for entry, message in rows:
            grouped.setdefault(entry.conversation_id, []).append((entry, message))
    return grouped


def open_reports(admin: User) -> int:
    _admin(admin)
    return db.session.scalar(select(func.count(MessageReport.id)).where(MessageReport.resolved_at.is_(None))) or 0


def settle_reports(admin: User | None, conversation: Conversation, close: bool,
                   hide_ids: Sequence[object] = (), ip: str = "") -> int:
    """An admin deals with a reported conversation: hides the messages named, closes it if asked, and
    marks its reports dealt with (audited). Returns how many reports were settled."""
    admin = _admin(admin)
    now = utcnow()
    hidden = [i for i in (parse_id(value) for value in hide_ids) if i]
    if hidden:
        db.session.execute(update(ChatMessage).where(ChatMessage.conversation_id == conversation.id,
                                                     ChatMessage.id.in_(hidden)).values(hidden_at=now))
    if close and conversation.closed_at is None:
        conversation.closed_at, conversation.closed_by_id = now, admin.id
    result = db.session.execute(update(MessageReport).where(
        MessageReport.conversation_id == conversation.id, MessageReport.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=admin.id))
    settled = int(getattr(result, "rowcount", 0) or 0)
    audit.record(admin, "conversation.reports_settled", "conversation", conversation.public_id,
                 after={"closed": bool(close), "hidden": hidden, "reports": settled}, ip=ip)
    db.session.commit()
    return settled


# --- blocks ---------------------------------------------------------------------------------------

def block(user: User | None, other_public_id: object) -> User:
    """`user` stops receiving messages and offers from the other person."""
    if user is None or getattr(user, "id", None) is None:
        raise Forbidden(_l("Connectez-vous pour écrire un message."))
    other = db.session.scalar(select(User).where(User.public_id == str(other_public_id)[:16]))
    if other is None:
        raise NotFound(_l("Cette personne n'existe pas."))
    if other.id == user.id:
        raise Invalid(_l("Vous ne pouvez pas vous bloquer vous-même."))
    if other.role == Role.ADMIN:
        raise Invalid(_l("Les administrateurs ne peuvent pas être bloqués : signalez plutôt un message."))
    if not threads.blocked(user.id, other.id):
        db.session.add(Block(blocker_id=user.id, blocked_id=other.id, created_at=utcnow()))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    return other


def unblock(user: User, other_public_id: object) -> None:
    other = db.session.scalar(select(User).where(User.public_id == str(other_public_id)[:16]))
    if other is not None:
        found = db.session.get(Block, (user.id, other.id))
        if found is not None:
            db.session.delete(found)
            db.session.commit()
