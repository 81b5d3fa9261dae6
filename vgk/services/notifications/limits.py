"""How many messages one person may get on one channel for one category within a rolling window, counted in
the delivery log (config NOTIFY_LIMITS: {category: {channel: (count, seconds)}}). Events marked `per_topic`
(a conversation's messages, one listing's price) count per topic. Rows kept back (suppressed, skipped,
failed) do not count."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from vgk.extensions import db
from vgk.models import DeliveryStatus, NotificationDelivery
from vgk.services.notifications.events import Event


def rule(category: str, channel: str) -> tuple[int, int] | None:
    """(count, seconds) for the category on the channel, None for no limit."""
    limits = current_app.config.get("NOTIFY_LIMITS") or {}
    found = limits.get(category, {}).get(channel)
    if not found:
        return None
    count, seconds = found
    return int(count), int(seconds)


def allows(recipient: str, channel: str, event: Event, topic: str | None, now: datetime) -> bool:
    """Whether one more message fits the limit of the event's category on the channel for this person."""
    limit = rule(event.category, channel)
    if limit is None:
        return True
    count, seconds = limit
    query = (select(func.count()).select_from(NotificationDelivery)
             .where(NotificationDelivery.recipient == recipient, NotificationDelivery.channel == channel,
                    NotificationDelivery.category == event.category,
                    NotificationDelivery.status.in_(DeliveryStatus.ACTIVE),
                    NotificationDelivery.created_at > now - timedelta(seconds=seconds)))
    if event.per_topic and topic:
        query = query.where(NotificationDelivery.topic == topic)
    return (db.session.scalar(query) or 0) < count
