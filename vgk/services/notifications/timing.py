"""When a message may go: urgent ones (transactional, security) at once; others not inside the person's quiet
hours; and messages that can wait (alerts, news) at the hour the person most often uses the app.

That hour is learned cheaply: each time a session's `last_seen_at` is touched (at most once per 5 minutes
per session, see vgk.services.accounts.sessions) `record_activity` adds one to the count of the current
Cameroon-time hour in NotificationSettings.activity (24 counts). Once there are NOTIFY_ACTIVE_MIN_SAMPLES
of them, `active_hour` is the most frequent hour; until then NOTIFY_DEFAULT_HOUR (18:00). Counts are halved
when one gets large, so habits that change are followed.

A waiting message is due at the next start of that hour (at once when it is that hour now), moved to the end
of the quiet hours when that start falls inside them. Messages of one person due at the same time leave as
one digest (vgk.services.notifications.digests). NOTIFY_SMART_TIMING = False turns the waiting off (quiet
hours still apply).
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from vgk.extensions import db
from vgk.models import NotificationSettings, User
from vgk.services.notifications.addresses import Recipient
from vgk.services.notifications.events import ALERTS, NEWS, Event

QUIET_START, QUIET_END = 21 * 60, 7 * 60  # minutes of the day, Cameroon time
CAMEROON = ZoneInfo("Africa/Douala")
WAITING = (ALERTS, NEWS)  # the categories that wait for the person's active hour
HOURS = 24
COUNT_MAX = 500  # a count reaching this halves them all


def local(moment: datetime) -> datetime:
    """A naive UTC time as Cameroon time."""
    return moment.replace(tzinfo=UTC).astimezone(CAMEROON)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def counts(settings: NotificationSettings | None) -> list[int]:
    """The 24 activity counts (hour 0 to 23, Cameroon time) of a person's settings."""
    text = settings.activity if settings is not None else ""
    values = [int(part) for part in text.split(",") if part.strip().isdigit()] if text else []
    return values if len(values) == HOURS else [0] * HOURS


def record_activity(user_id: int, now: datetime) -> None:
    """The person was seen at `now` (naive UTC): count its Cameroon hour and update their active hour. No
    commit: the caller (the session touch) commits."""
    settings = db.session.get(NotificationSettings, user_id)
    if settings is None:
        settings = NotificationSettings(user_id=user_id, quiet_start=QUIET_START, quiet_end=QUIET_END)
        db.session.add(settings)
    hours = counts(settings)
    hours[local(now).hour] += 1
    if max(hours) >= COUNT_MAX:
        hours = [count // 2 for count in hours]
    settings.activity = ",".join(str(count) for count in hours)
    enough = sum(hours) >= int(current_app.config.get("NOTIFY_ACTIVE_MIN_SAMPLES", 5))
    settings.active_hour = max(range(HOURS), key=lambda hour: (hours[hour], -hour)) if enough else None


def _quiet_end(moment: datetime, start: int, end: int) -> datetime | None:
    """The end of the quiet hours `moment` (Cameroon time) falls in, None when it is outside them."""
    minute = moment.hour * 60 + moment.minute
    inside = (start <= minute or minute < end) if start > end else (start <= minute < end)
    if not inside:
        return None
    ends = moment.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    return ends + timedelta(days=1) if ends <= moment else ends


def _active_start(moment: datetime, hour: int) -> datetime:
    """`moment` itself during the active hour, else the next start of that hour."""
    if moment.hour == hour:
        return moment
    start = moment.replace(hour=hour, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1) if start <= moment else start


def due_at(recipient: Recipient, ev: Event, now: datetime) -> datetime:
    """When the message may go (naive UTC; see the module's docstring)."""
    if ev.urgent or not isinstance(recipient, User):
        return now
    settings = db.session.get(NotificationSettings, recipient.id)
    start, end = (settings.quiet_start, settings.quiet_end) if settings else (QUIET_START, QUIET_END)
    moment = local(now)
    if ev.category in WAITING and current_app.config.get("NOTIFY_SMART_TIMING", True):
        hour = settings.active_hour if settings and settings.active_hour is not None else None
        moment = _active_start(moment, int(current_app.config.get("NOTIFY_DEFAULT_HOUR", 18)) if hour is None
                               else hour)
    moment = _quiet_end(moment, start, end) or moment
    return max(now, _utc(moment))
