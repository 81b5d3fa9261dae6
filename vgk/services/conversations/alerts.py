"""Alerts to the absent: a member who has not received a message a minute after it was posted (their
browser or app acks "delivered" over the socket, or by opening the conversation) is told through the
notification engine (event chat.message: the in-app notice, and push, WhatsApp or a short SMS in their
language with the link to the conversation) — at most once per conversation per
hour, whatever the number of messages, and never with the message's text (it may hold contact details
masked for them).

The check is a job: RQ runs it ALERT_DELAY after the message (the web process's background thread while
Redis does not answer); with jobs inline it runs at once. The
"once an hour" is a conditional UPDATE on the member's last_alerted_at, so two checks at once (two
messages, two workers) alert once, on SQLite as on PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import or_, select, update

from vgk import jobs
from vgk.database import rows_changed
from vgk.extensions import db
from vgk.models import ChatMessage, Conversation, ConversationMember, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.notifications import notify

ALERT_DELAY = timedelta(minutes=1)
ALERT_EVERY = timedelta(hours=1)
TITLE_MAX = 40


def link(conversation: Conversation) -> str:
    return f"/messages/{conversation.public_id}"


def schedule(message: ChatMessage) -> None:
    """After a person's message is committed: check a minute later who has not received it."""
    if message.sender_id is None:  # the site's own lines alert nobody
        return
    queue = jobs.queue()
    if queue is None:
        jobs.enqueue(check, message.id)  # no timer inline: the check happens now
        return
    # One check waits per conversation at a time (it looks at the newest message when it runs): a busy
    # conversation costs one job a minute, not one per message.
    pending = f"vgk:alert-pending:{message.conversation_id}"
    try:
        first = queue.connection.set(pending, message.id, nx=True, ex=int(ALERT_DELAY.total_seconds()))
    except (RedisError, OSError) as error:  # Redis down: this process's background thread keeps the minute
        jobs.redis_failed(error)
        jobs.in_background(check, message.id, delay=ALERT_DELAY.total_seconds())
        return
    if first:
        jobs.enqueue_in(ALERT_DELAY, check, message.id)


def _first_name(user: User | None) -> str:
    return (user.name.split() or [""])[0] if user is not None else ""


def _short(title: str) -> str:
    """A title that keeps the SMS to one message."""
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1].rstrip() + "…"


def _claim(member: ConversationMember, message: ChatMessage, now: datetime) -> bool:
    """Take the member's alert for the hour, if they still lack the message and were not alerted lately."""
    result = db.session.execute(update(ConversationMember).where(
        ConversationMember.conversation_id == member.conversation_id, ConversationMember.user_id == member.user_id,
        ConversationMember.last_delivered_id < message.id,
        or_(ConversationMember.last_alerted_at.is_(None), ConversationMember.last_alerted_at <= now - ALERT_EVERY),
    ).values(last_alerted_at=now).execution_options(synchronize_session=False))
    return rows_changed(result) == 1


def check(message_id: int, now: datetime | None = None) -> int:
    """Job: alert the members who have not received the message. Returns how many were alerted."""
    now = now or utcnow()
    message = db.session.get(ChatMessage, message_id)
    conversation = db.session.get(Conversation, message.conversation_id) if message is not None else None
    if message is None or conversation is None or message.hidden_at is not None:
        return 0
    # The newest message someone wrote since: whoever lacks it is the one to tell.
    message = db.session.scalar(select(ChatMessage).where(
        ChatMessage.conversation_id == conversation.id, ChatMessage.id >= message.id,
        ChatMessage.sender_id.is_not(None), ChatMessage.hidden_at.is_(None)).order_by(ChatMessage.id.desc())
        .limit(1)) or message
    absent = db.session.scalars(select(ConversationMember).where(
        ConversationMember.conversation_id == conversation.id, ConversationMember.user_id != message.sender_id,
        ConversationMember.last_delivered_id < message.id)).all()
    values = {"name": _first_name(message.sender), "title": _short(conversation.title)}
    alerted = 0
    for member in absent:
        if member.user.status == UserStatus.ACTIVE and _claim(member, message, now):
            notify(member.user, "chat.message",
                   {**values, "link": link(conversation), "topic": conversation.public_id}, at=now)
            alerted += 1
    db.session.commit()  # the messages leave once the claims are kept
    return alerted
