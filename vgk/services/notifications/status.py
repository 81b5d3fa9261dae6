"""Providers' delivery callbacks applied to the delivery log: a message moves sent → delivered → read, or
to failed (then the next channel of the event's fallback list gets it), and never backwards. Callbacks
for references the log does not know are ignored and counted in the log output."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select

from vgk.extensions import db
from vgk.integrations.channels import StatusUpdate
from vgk.models import DeliveryStatus, NotificationDelivery
from vgk.models.base import utcnow
from vgk.services.notifications.delivery import ERROR_MAX, fall_back

log = logging.getLogger(__name__)

# What each reported status may follow.
_FROM = {
    DeliveryStatus.DELIVERED: (DeliveryStatus.SENDING, DeliveryStatus.SENT),
    DeliveryStatus.READ: (DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.DELIVERED),
    DeliveryStatus.FAILED: (DeliveryStatus.SENDING, DeliveryStatus.SENT),
}


def _apply(row: NotificationDelivery, update: StatusUpdate) -> bool:
    if update.cost_xaf is not None:
        row.cost_xaf = update.cost_xaf
    if row.status not in _FROM.get(update.status, ()):
        return False
    row.status = update.status
    if update.status == DeliveryStatus.FAILED:
        row.error = (update.reason or "failed")[:ERROR_MAX]
        fall_back(row)
    elif row.delivered_at is None:
        row.delivered_at = utcnow()
    return True


def record(channel: str, updates: Sequence[StatusUpdate]) -> int:
    """Apply a provider's callbacks for `channel`; returns how many messages changed status."""
    references = {update.reference for update in updates if update.reference}
    rows = {row.reference: row for row in db.session.scalars(
        select(NotificationDelivery).where(NotificationDelivery.channel == channel,
                                           NotificationDelivery.reference.in_(references)))} if references else {}
    changed = unknown = 0
    for update in updates:
        row = rows.get(update.reference)
        if row is None:
            unknown += 1
            continue
        changed += _apply(row, update)
    db.session.commit()
    if unknown:
        log.info("%s status callbacks: %d for unknown references ignored", channel, unknown)
    return changed
