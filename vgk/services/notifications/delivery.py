"""The `deliver(delivery_id)` job: one logged message handed to its channel's adapter, once.

- Claiming: a conditional UPDATE moves the row from queued (or deferred, once due) to "sending"; only one
  job wins it, so a job run twice (RQ retry, sweep, duplicate enqueue) never sends twice. No row locks
  needed, so it is safe on SQLite.
- Outcome: `Sent` → "sent" with the provider's reference and cost. `ChannelError(retryable)` → back to
  "queued" and raised again so RQ tries later, up to DELIVERY_RETRIES tries; after that, or when not
  retryable, "failed" and the next channel of the fallback list gets a new row (a failure moves down the
  list). `gone` also tells the channel's owner to forget the address (addresses.register_forget).
- A crash between the provider accepting a message and the row being marked sent leaves it "sending".
  It is NEVER sent again: `sweep` marks "sending" rows older than STUCK_AFTER as failed with the error
  "outcome unknown", and does not move down the list (the person may well have the message; for paid
  channels a double SMS costs money). Better one lost message than two paid ones.
"""
from __future__ import annotations

import json
import logging
import traceback
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from vgk.database import rows_changed
from vgk.extensions import db
from vgk.integrations.channels import ChannelError, Outgoing, Sent
from vgk.jobs import enqueue
from vgk.models import DeliveryStatus, NotificationDelivery, User
from vgk.models.base import utcnow
from vgk.ops import metrics
from vgk.services.notifications import clicks, digests, preferences, sealed, templates, whatsapp_window
from vgk.services.notifications.addresses import Guest, Recipient, adapter_for, forget
from vgk.services.notifications.engine import DELIVERY_RETRIES, route
from vgk.services.notifications.events import EMAIL, SMS, WHATSAPP, event
from vgk.services.notifications.templates import DIGEST
from vgk.urls import absolute_url

log = logging.getLogger(__name__)
STUCK_AFTER = timedelta(minutes=15)
ERROR_MAX = 255


def _where(error: BaseException) -> str:
    """The frames of our own code (and the last one) of an error's traceback, without any values."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames[:-1] if "/vgk/" in frame.filename.replace("\\", "/")]
    return "".join(traceback.format_list(ours + frames[-1:]))


def _claim(delivery_id: int, now: datetime) -> bool:
    result = db.session.execute(
        update(NotificationDelivery)
        .where(NotificationDelivery.id == delivery_id, NotificationDelivery.due_at <= now,
               NotificationDelivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.DEFERRED)))
        .values(status=DeliveryStatus.SENDING, claimed_at=now, attempts=NotificationDelivery.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return rows_changed(result) == 1


def _link(path: object) -> str:
    if not isinstance(path, str) or not path:
        return ""
    try:
        return absolute_url(path)
    except RuntimeError:  # no PUBLIC_URL (tests, a misconfigured server): the path is better than nothing
        return path


def outgoing(row: NotificationDelivery) -> Outgoing:
    """The row's message, written in its language from the event's template for its channel. For WhatsApp
    outside the 24-hour window, `template` names the approved template ("order_ready") and
    `template_params` are the event's `params` in order."""
    context = sealed.opened(json.loads(row.context or "{}"))
    link = context.get("link")
    if row.variant:  # in an experiment: the link is tracked, to count clicks per variant
        link = clicks.tracked_path(row.id, link) or link
    context["url"] = _link(link)
    if row.event == DIGEST:
        context.update(digests.display(context.get("lines") or []))
    context["unsubscribe"] = preferences.unsubscribe_link(row.user_id, row.category)  # alerts and news only
    params = ("count",) if row.event == DIGEST else event(row.event).params
    subject, text, html = templates.render(row.event, row.channel, row.language, context, row.variant)
    return Outgoing(to=row.address, text=text, subject=subject, html=html, link=context["url"],
                    language=row.language, tag=f"{row.event}:{row.topic}" if row.topic else row.event,
                    unsubscribe_url=context["unsubscribe"],
                    template=row.event.replace(".", "_"),
                    template_params=tuple(str(context.get(name, "")) for name in params),
                    window_open=row.channel == WHATSAPP and whatsapp_window.window_open(row.address, utcnow()))


def deliver(delivery_id: int) -> str:
    """Job: send one logged message (see the module's docstring). Returns the row's new status, or
    "skipped" when another job has it, it is not due, or it leaves in a digest led by another row's job."""
    ahead = db.session.get(NotificationDelivery, delivery_id)
    if ahead is None or (digests.waited(ahead) and digests.follower(ahead)):
        return "skipped"
    # Written before the claim, so that once claimed only the hand-over to the provider remains: a worker
    # killed in between leaves as few messages as possible in "sending" (never sent again).
    written = None if digests.waited(ahead) else _written(ahead)
    now = utcnow()
    if not _claim(delivery_id, now):
        return "skipped"
    row = db.session.get(NotificationDelivery, delivery_id)
    assert row is not None
    if digests.waited(row):
        row = digests.gather(row, now)  # the slot's other rows and this one leave as one digest row
        db.session.commit()
    channel = adapter_for(row.channel)
    provider = str(getattr(channel, "name", "none"))
    try:
        if channel is None or not hasattr(channel, "deliver"):
            raise ChannelError(f"no {row.channel} adapter")
        sent = channel.deliver(written or outgoing(row))
    except ChannelError as error:
        return _refused(row, error, provider)
    except Exception as error:  # a bug or an unexpected adapter error: keep its type, never its words
        # Its text may quote the message (a database error's parameters): only the type and where it broke.
        log.error("notification %s via %s failed: %s\n%s", row.id, row.channel, error.__class__.__name__,
                  _where(error))
        return _refused(row, ChannelError(f"error: {error.__class__.__name__}"), provider)
    if not isinstance(sent, Sent):
        return _refused(row, ChannelError("the adapter returned no receipt"), provider)
    row.status, row.reference, row.cost_xaf, row.sent_at, row.error = (
        DeliveryStatus.SENT, sent.reference[:120], sent.cost_xaf, utcnow(), None)
    row.context = sealed.wipe(row.context)
    channel_name = row.channel
    db.session.commit()
    metrics.count_message(channel_name, provider, "sent")
    return row.status


def _written(row: NotificationDelivery) -> Outgoing | None:
    """The message, or None when it cannot be written now (the claimed job then meets the error itself)."""
    try:
        return outgoing(row)
    except Exception:
        return None


def _refused(row: NotificationDelivery, error: ChannelError, provider: str = "none") -> str:
    row.error = str(error)[:ERROR_MAX]
    channel = row.channel
    if error.gone:
        forget(row.channel, row.address)
    if error.retryable and not error.gone and row.attempts < DELIVERY_RETRIES:
        row.status = DeliveryStatus.QUEUED
        db.session.commit()
        metrics.count_message(channel, provider, "retried")
        log.warning("notification %s via %s: %s, tried again later", row.id, row.channel, row.error)
        raise error  # RQ tries the job again
    row.status = DeliveryStatus.FAILED
    fall_back(row)  # the next channel's row gets the sealed values; this one no longer needs them
    row.context = sealed.wipe(row.context)
    db.session.commit()
    metrics.count_message(channel, provider, "failed")
    log.warning("notification %s via %s failed: %s", row.id, row.channel, row.error)
    return row.status


def _recipient(row: NotificationDelivery) -> Recipient | None:
    if row.user_id is not None:
        return db.session.get(User, row.user_id)
    if row.channel in (SMS, WHATSAPP):
        return Guest(phone=row.address, language=row.language)
    return Guest(email=row.address, language=row.language) if row.channel == EMAIL else None


def fall_back(row: NotificationDelivery) -> list[NotificationDelivery]:
    """Give the message to the next channel of the event's fallback list (new rows; jobs after commit)."""
    recipient = _recipient(row)
    if recipient is None or row.event == DIGEST:  # a digest's items may have different fallback lists
        return []
    base = {"user_id": row.user_id, "recipient": row.recipient, "event": row.event, "category": row.category,
            "language": row.language, "dedup_key": row.dedup_key, "topic": row.topic, "context": row.context,
            "variant": row.variant}
    now = utcnow()
    return route(recipient, event(row.event), {**base, "created_at": now, "due_at": now}, now, after=row.channel)


def sweep(now: datetime | None = None) -> int:
    """Job: mark messages stuck in "sending" failed (never resent, see the module's docstring) and
    enqueue the jobs of due messages (deferred ones, and queued ones whose job was lost). Returns how many
    jobs it enqueued."""
    now = now or utcnow()
    db.session.execute(
        update(NotificationDelivery)
        .where(NotificationDelivery.status == DeliveryStatus.SENDING,
               or_(NotificationDelivery.claimed_at.is_(None), NotificationDelivery.claimed_at < now - STUCK_AFTER))
        .values(status=DeliveryStatus.FAILED, error="outcome unknown")
        .execution_options(synchronize_session=False))
    db.session.commit()
    due = list(db.session.scalars(
        select(NotificationDelivery.id)
        .where(NotificationDelivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.DEFERRED)),
               NotificationDelivery.due_at <= now)
        .order_by(NotificationDelivery.due_at).limit(500)))
    for delivery_id in due:
        enqueue(deliver, delivery_id, retries=DELIVERY_RETRIES)
    return len(due)
