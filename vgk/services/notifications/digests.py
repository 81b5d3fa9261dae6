"""Digests: messages of one person on one channel that waited for the same due time (their active hour, the
end of their quiet hours, see `timing`) leave as ONE message listing each one's one-line summary (at most
NOTIFY_DIGEST_LINES lines, then "et X autres"), written by templates/notifications/digest/<channel>.txt.

- At notify time, a waiting message joining a due time that already has a message for the person on the
  channel is not counted against the limits: the digest is one message (`joins`).
- At send time, the job of the slot's first row (lowest id) is the leader: the other rows' jobs step aside
  (`follower`). The leader moves every row of the slot to "digested" with one conditional UPDATE (a row is
  taken once), and a new row (event "digest") carries them: its id is their `digest_id`. A slot with a single
  row sends it as it is.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from flask import current_app
from jinja2 import TemplateNotFound
from sqlalchemy import ColumnElement, select, update

from vgk.extensions import db
from vgk.models import DeliveryStatus, NotificationDelivery
from vgk.services.notifications import templates
from vgk.services.notifications.events import PUSH
from vgk.services.notifications.templates import DIGEST

PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.DEFERRED)
LINK = "/compte/notifications"


def _slot(recipient: str, channel: str, due: datetime) -> tuple[ColumnElement[bool], ...]:
    return (NotificationDelivery.recipient == recipient, NotificationDelivery.channel == channel,
            NotificationDelivery.due_at == due, NotificationDelivery.event != DIGEST)


def joins(recipient: str, channel: str, due: datetime) -> bool:
    """Whether a message waiting until `due` would join one already waiting for the person on the channel."""
    return db.session.scalar(
        select(NotificationDelivery.id)
        .where(*_slot(recipient, channel, due), NotificationDelivery.status.in_(PENDING)).limit(1)) is not None


def waited(row: NotificationDelivery) -> bool:
    """Whether the row waited for its due time (only such rows are gathered into digests)."""
    return row.event != DIGEST and row.due_at > row.created_at


def follower(row: NotificationDelivery) -> bool:
    """Whether an earlier row of the same slot is still to be sent or being sent: its job leads the digest."""
    return db.session.scalar(
        select(NotificationDelivery.id)
        .where(*_slot(row.recipient, row.channel, row.due_at), NotificationDelivery.id < row.id,
               NotificationDelivery.status.in_((*PENDING, DeliveryStatus.SENDING))).limit(1)) is not None


def summary(row: NotificationDelivery, language: str) -> str:
    """The message of `row` on one line, without its link: the first line of its push body (written without
    a "VGK :" prefix) when the event has push words, else of its own channel's."""
    context = {**json.loads(row.context or "{}"), "url": ""}
    try:
        subject, text, _ = templates.render(row.event, PUSH, language, context, row.variant)
    except TemplateNotFound:
        subject, text, _ = templates.render(row.event, row.channel, language, context, row.variant)
    return " ".join((text.splitlines() or [subject])[0].split())


def gather(row: NotificationDelivery, now: datetime) -> NotificationDelivery:
    """For the claimed ("sending") leader of a slot: the row to send, a new digest row carrying the slot's
    rows when it holds more than this one. No commit."""
    taken = db.session.execute(
        update(NotificationDelivery)
        .where(*_slot(row.recipient, row.channel, row.due_at), NotificationDelivery.id != row.id,
               NotificationDelivery.status.in_(PENDING))
        .values(status=DeliveryStatus.DIGESTED)
        .returning(NotificationDelivery.id)
        .execution_options(synchronize_session=False)).scalars().all()
    if not taken:
        return row
    items: Sequence[NotificationDelivery] = db.session.scalars(
        select(NotificationDelivery).where(NotificationDelivery.id.in_([row.id, *taken]))
        .order_by(NotificationDelivery.id)).all()
    context = {"lines": [summary(item, row.language) for item in items], "link": LINK}
    digest = NotificationDelivery(
        user_id=row.user_id, recipient=row.recipient, address=row.address, event=DIGEST, category=row.category,
        channel=row.channel, language=row.language, context=json.dumps(context, ensure_ascii=False),
        status=DeliveryStatus.SENDING, attempts=1, created_at=now, due_at=now, claimed_at=now)
    db.session.add(digest)
    db.session.flush()
    for item in items:
        item.status, item.digest_id = DeliveryStatus.DIGESTED, digest.id
    return digest


def display(lines: Sequence[str]) -> dict[str, object]:
    """What the digest templates show: at most NOTIFY_DIGEST_LINES `lines`, and how many `others` there are."""
    most = max(1, int(current_app.config.get("NOTIFY_DIGEST_LINES", 10)))
    shown = list(lines[:most])
    return {"lines": shown, "count": len(lines), "others": len(lines) - len(shown)}
