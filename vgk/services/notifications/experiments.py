"""A/B tests of a message's words: config NOTIFY_EXPERIMENTS = {event: {variant: weight}}, e.g.
{"alert.price_drop": {"a": 50, "b": 50}}. Each person gets one variant per event, always the same (a hash of
their recipient key and the event's name, never chance); the delivery row's `variant` records it and the
variant's words are templates/notifications/<event>/<channel>.<variant>.txt (the plain <channel>.txt when the
variant has no file of its own). `figures(event)` counts, per variant, what the delivery log says happened."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, case, func, select

from vgk.extensions import db
from vgk.models import DeliveryStatus, NotificationDelivery
from vgk.services.notifications import templates
from vgk.services.notifications.events import EVENTS, INAPP, event

LEFT = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ, DeliveryStatus.DIGESTED)
ARRIVED = (DeliveryStatus.DELIVERED, DeliveryStatus.READ)


def configured() -> dict[str, dict[str, int]]:
    """The experiments running: {event: {variant: weight}}, variants with a positive weight only."""
    found = current_app.config.get("NOTIFY_EXPERIMENTS") or {}
    return {str(name): {str(variant): int(weight) for variant, weight in weights.items() if int(weight) > 0}
            for name, weights in found.items()}


def choose(event_name: str, recipient: str) -> str | None:
    """The variant `recipient` gets for `event_name`, None when the event has no experiment."""
    weights = configured().get(event_name)
    if not weights:
        return None
    digest = hashlib.sha256(f"{recipient}\n{event_name}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % sum(weights.values())
    for variant, weight in sorted(weights.items()):
        if point < weight:
            return variant
        point -= weight
    raise AssertionError("unreachable: the point is below the total weight")


@dataclass(frozen=True)
class Figures:
    """What happened to one variant's messages: `sent` left (alone or in a digest), of which `delivered`
    arrived (the provider says so) and `read` were read; `failed` failed; `cost_xaf` what they cost."""

    variant: str
    sent: int
    delivered: int
    read: int
    failed: int
    cost_xaf: int

    def share(self, count: int) -> float:
        """`count` as a percentage of the messages that left (0 when none did)."""
        return 100.0 * count / self.sent if self.sent else 0.0


def _count(statuses: tuple[str, ...]) -> ColumnElement[int]:
    return func.sum(case((NotificationDelivery.status.in_(statuses), 1), else_=0))


def figures(event_name: str) -> list[Figures]:
    """Per variant of the event (in order), its figures from the delivery log, in one grouped query. Variants
    configured but without messages yet show zeros."""
    rows = db.session.execute(
        select(NotificationDelivery.variant, _count(LEFT), _count(ARRIVED),
               _count((DeliveryStatus.READ,)), _count((DeliveryStatus.FAILED,)),
               func.coalesce(func.sum(NotificationDelivery.cost_xaf), 0))
        .where(NotificationDelivery.event == event_name, NotificationDelivery.variant.is_not(None),
               NotificationDelivery.channel != INAPP)
        .group_by(NotificationDelivery.variant)).all()
    found = {str(row[0]): Figures(str(row[0]), *(int(value or 0) for value in row[1:])) for row in rows}
    for variant in configured().get(event_name, {}):
        found.setdefault(variant, Figures(variant, 0, 0, 0, 0, 0))
    return [found[variant] for variant in sorted(found)]


def title(event_name: str, language: str) -> str:
    """The event in words: the title (or first line) of its message with believable values, for admin pages."""
    channel = event(event_name).fallback[0]
    subject, text, _ = templates.render(event_name, channel, language, templates.sample_context(event_name))
    return subject or (text.splitlines() or [event_name])[0]


def report(language: str) -> list[tuple[str, list[Figures]]]:
    """Every experiment running, in words, with its variants' figures (admin page)."""
    return [(title(name, language), figures(name)) for name in sorted(configured()) if name in EVENTS]
