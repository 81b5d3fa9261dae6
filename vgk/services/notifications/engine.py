"""`notify`: which channels carry an event to a person, and the delivery log rows that say so.

A message goes through the first channel of the event's fallback list that the person accepts (their
NotificationPreference for the category, or the defaults; guests get transactional SMS and email only; security
messages always accept SMS) and that they have an address on (a channel without one is logged "skipped"
and the next is tried). Over a limit (vgk.services.notifications.limits), the message is logged
"suppressed" and goes nowhere else: the limit says the person has heard enough, not that the channel
failed. People with an account also get the in-app notice when the event has one.

Dedup: a second notify with the same `dedup_key` for the same person adds nothing. Two concurrent calls
with the same key may both get past the check; the unique (recipient, dedup_key, channel) index then makes
the second commit fail rather than send twice.

Rows are written in the CALLER's session and never committed here. The `deliver` jobs are enqueued only
once that session commits (an "after_commit" hook on the session); a rollback sends nothing.
Non-urgent messages wait ("deferred") until the end of the person's quiet hours, and alerts and news until
their most active hour (vgk.services.notifications.timing); several waiting for the same time leave as one
digest (vgk.services.notifications.digests). Events under an A/B test (experiments) record the person's
variant on their rows.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from vgk.extensions import db
from vgk.jobs import enqueue, enqueue_in
from vgk.models import DeliveryStatus, NotificationDelivery, User
from vgk.models.base import utcnow
from vgk.services.messaging import inbox
from vgk.services.notifications import digests, experiments, inapp, limits, sealed
from vgk.services.notifications.addresses import Recipient, address, language, recipient_key
from vgk.services.notifications.events import INAPP, Event, event
from vgk.services.notifications.preferences import accepted
from vgk.services.notifications.timing import due_at
from vgk.text import format_when, format_xaf

SENT_APART = _l("envoyé par SMS")
DELIVERY_RETRIES = 3  # tries of one delivery on one channel before moving down the fallback list
_PENDING, _HOOKED = "vgk.notifications.pending", "vgk.notifications.hooked"
log = logging.getLogger(__name__)


def _value(name: str, value: object) -> str | int:
    if isinstance(value, datetime):
        return format_when(value)
    if isinstance(value, int) and not isinstance(value, bool) and (name == "amount" or name.endswith("_amount")):
        return format_xaf(value)
    return value if isinstance(value, (str, int)) else str(value)


def display_values(context: Mapping[str, object]) -> dict[str, str | int]:
    """The context as the messages show it: amounts as "25 000 FCFA", times in Cameroon time."""
    return {str(name): _value(str(name), value) for name, value in context.items()}


def _already(recipient: str, dedup_key: str) -> bool:
    return db.session.scalar(
        select(NotificationDelivery.id).where(NotificationDelivery.recipient == recipient,
                                              NotificationDelivery.dedup_key == dedup_key).limit(1)
    ) is not None


def _add(base: Mapping[str, Any], **fields: Any) -> NotificationDelivery:
    row = NotificationDelivery(**{**base, **fields})
    db.session.add(row)
    return row


def notify(recipient: Recipient, event_name: str, context: Mapping[str, object] | None = None, *,
           dedup_key: str | None = None, at: datetime | None = None) -> list[NotificationDelivery]:
    """Tell `recipient` about `event_name` (see the module's docstring). `context` holds the messages'
    parameters, plus "link" (a path on the site) and "topic" (what limits count per, e.g. a conversation).
    A second call with the same `dedup_key` for the same person adds nothing. No commit."""
    ev = event(event_name)
    key = recipient_key(recipient)
    if key is None or (dedup_key and _already(key, dedup_key)):
        return []
    now = at or utcnow()
    given = dict(context or {})
    hidden = {name: given.pop(name) for name in ev.secret if name in given}
    values = display_values(given)
    stored: dict[str, object] = {**values, sealed.SEALED: sealed.seal(hidden)} if hidden else dict(values)
    topic = values.get("topic", values.get("conversation"))
    base = {"user_id": recipient.id if isinstance(recipient, User) else None, "recipient": key,
            "event": ev.name, "category": ev.category, "language": language(recipient),
            "dedup_key": dedup_key, "topic": str(topic)[:64] if topic is not None else None,
            "context": json.dumps(stored, ensure_ascii=False), "created_at": now, "due_at": now,
            "variant": experiments.choose(ev.name, key)}
    rows: list[NotificationDelivery] = []
    if isinstance(recipient, User) and ev.inapp is not None:
        params: dict[str, object] = {name: value for name, value in values.items() if name not in ("link", "topic")}
        params.update({name: SENT_APART for name in hidden})  # a code travels by its own channel, never in-app
        inapp.announce(recipient,  # published live once committed
                       inbox.notify(recipient, ev.inbox_kind, ev.inapp, str(values.get("link", "")), **params))
        rows.append(_add(base, channel=INAPP, address="", status=DeliveryStatus.SENT, sent_at=now))
    return rows + route(recipient, ev, base, now)


def route(recipient: Recipient, ev: Event, base: Mapping[str, Any], now: datetime,
          after: str | None = None) -> list[NotificationDelivery]:
    """Add the rows for the next channel of the fallback list (after `after`, from the start when None)
    that the recipient accepts and has an address on; channels without an address are logged skipped."""
    order = ev.fallback[ev.fallback.index(after) + 1:] if after in ev.fallback else ev.fallback
    allowed = accepted(recipient, ev.category)
    rows: list[NotificationDelivery] = []
    for channel in (channel for channel in order if channel in allowed):
        found = address(recipient, channel)
        if not found:
            rows.append(_add(base, channel=channel, address="", status=DeliveryStatus.SKIPPED))
            continue
        due = due_at(recipient, ev, now)
        joins = due > now and digests.joins(base["recipient"], channel, due)  # a digest counts as one message
        if not joins and not limits.allows(base["recipient"], channel, ev, base["topic"], now):
            rows.append(_add(base, channel=channel, address=found, status=DeliveryStatus.SUPPRESSED,
                             error="limit"))
            break
        status = DeliveryStatus.DEFERRED if due > now else DeliveryStatus.QUEUED
        row = _add(base, channel=channel, address=found, status=status, due_at=due)
        rows.append(row)
        schedule(row, delay=due - now)
        break
    return rows


# --- jobs leave only once the caller's transaction commits -----------------------------------------------

def schedule(row: NotificationDelivery, delay: timedelta = timedelta(0)) -> None:
    """Enqueue the row's `deliver` job (after `delay`) when the current session commits; never on rollback."""
    session = db.session()
    session.flush()
    session.info.setdefault(_PENDING, []).append((row.id, delay))
    if not session.info.get(_HOOKED):
        sa_event.listen(session, "after_commit", _after_commit)
        sa_event.listen(session, "after_rollback", _after_rollback)
        session.info[_HOOKED] = True


def _after_commit(session: Session) -> None:
    from vgk.services.notifications.delivery import deliver

    pending: list[tuple[int, timedelta]] = session.info.pop(_PENDING, [])
    for delivery_id, delay in pending:
        try:
            if delay > timedelta(0):
                enqueue_in(delay, deliver, delivery_id)  # inline mode: the sweep sends it once due
            else:
                enqueue(deliver, delivery_id, retries=DELIVERY_RETRIES)
        except Exception:  # the queue is down: the caller's change is committed; the sweep sends it later
            log.exception("could not enqueue notification %s", delivery_id)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
