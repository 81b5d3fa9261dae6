"""A/B tests of a message's words. An admin runs one on an event (NotificationExperiment: {variant: weight},
started_at, stopped_at), at most one at a time per event; when none runs, config NOTIFY_EXPERIMENTS =
{event: {variant: weight}} (e.g. {"alert.price_drop": {"a": 50, "b": 50}}) is the default. Each person gets
one variant per experiment, always the same (a hash of their recipient key, the event's name and the
experiment's id, never chance); the delivery row's `variant` records it and the variant's words are
templates/notifications/<event>/<channel>.<variant>.txt (the plain <channel>.txt when the variant has no file
of its own, as variant "a" usually). Messages in an experiment carry tracked links (clicks.py).

`figures(event, since, until)` counts, per variant, what the delivery log says happened: sent, delivered,
read, clicked, converted (the person had an order paid within 24 hours after the message), cost; `verdict`
says in words whether a variant's click rate is really better (a two-proportion z-test)."""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, exists, func, select

from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import DeliveryStatus, NotificationDelivery, NotificationExperiment, Order, User
from vgk.models.base import utcnow
from vgk.services.backoffice import audit
from vgk.services.notifications import templates
from vgk.services.notifications.events import EVENTS, INAPP, event
from vgk.services.paging import parse_int
from vgk.text import Message

LEFT = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ, DeliveryStatus.DIGESTED)
ARRIVED = (DeliveryStatus.DELIVERED, DeliveryStatus.READ)
CONVERSION_WINDOW = timedelta(hours=24)
MIN_SENDS = 100  # per variant, before any verdict
PLAIN = "a"  # the variant whose words are the plain template when it has no file of its own
_VARIANT_FILE = re.compile(r"^notifications/([^/]+)/[a-z]+\.([a-z0-9]{1,16})\.txt$")


def configured() -> dict[str, dict[str, int]]:
    """The default experiments of the configuration: {event: {variant: weight}}, positive weights only."""
    found = current_app.config.get("NOTIFY_EXPERIMENTS") or {}
    return {str(name): {str(variant): int(weight) for variant, weight in weights.items() if int(weight) > 0}
            for name, weights in found.items()}


def weights_of(experiment: NotificationExperiment) -> dict[str, int]:
    stored = json.loads(experiment.variants or "{}")
    return {str(variant): int(weight) for variant, weight in stored.items() if int(weight) > 0}


def running(event_name: str | None = None) -> list[NotificationExperiment]:
    """The stored experiments running now (of one event when given), oldest first."""
    query = select(NotificationExperiment).where(NotificationExperiment.stopped_at.is_(None))
    if event_name is not None:
        query = query.where(NotificationExperiment.event == event_name)
    return list(db.session.scalars(query.order_by(NotificationExperiment.started_at, NotificationExperiment.id)))


def by_id(experiment_id: object) -> NotificationExperiment:
    """The stored experiment, NotFound when there is none."""
    number = parse_int(experiment_id)
    found = db.session.get(NotificationExperiment, number) if number is not None and 0 < number < 2**31 else None
    if found is None:
        raise NotFound(_l("Cette expérience n’existe pas."))
    return found


def _active(event_name: str) -> tuple[dict[str, int], str]:
    """(weights, salt of the hash) of the experiment running on the event: the stored one, else the default."""
    stored = running(event_name)
    if stored:
        return weights_of(stored[0]), f"\n{stored[0].id}"
    return configured().get(event_name, {}), ""


def choose(event_name: str, recipient: str) -> str | None:
    """The variant `recipient` gets for `event_name`, None when the event has no experiment."""
    weights, salt = _active(event_name)
    if not weights:
        return None
    digest = hashlib.sha256(f"{recipient}\n{event_name}{salt}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % sum(weights.values())
    for variant, weight in sorted(weights.items()):
        if point < weight:
            return variant
        point -= weight
    raise AssertionError("unreachable: the point is below the total weight")


def variant_files() -> dict[str, list[str]]:
    """{event: its variants} for the events with words of their own for a variant (<channel>.<variant>.txt),
    "a" (the plain words) included."""
    found: dict[str, set[str]] = {}
    for name in current_app.jinja_env.list_templates(filter_func=lambda name: name.startswith("notifications/")):
        match = _VARIANT_FILE.match(name)
        if match and match.group(1) in EVENTS:
            found.setdefault(match.group(1), {PLAIN}).add(match.group(2))
    return {name: sorted(variants) for name, variants in sorted(found.items())}


def _weights(event_name: str, given: Mapping[str, object]) -> dict[str, int]:
    """The weights an admin typed for the event's variants, checked: whole numbers from 0 to 1000, not all 0."""
    variants = variant_files().get(event_name)
    if not variants:
        raise Invalid(_l("Choisissez un message qui a des variantes."), {"event": _l("Message sans variante.")})
    weights: dict[str, int] = {}
    errors: dict[str, Message] = {}
    for variant in variants:
        text = str(given.get(variant) or "0").strip()
        if not text.isdigit() or int(text) > 1000:
            errors[f"weight_{variant}"] = _l("Un nombre entier de 0 à 1000.")
            continue
        weights[variant] = int(text)
    if not errors and sum(weights.values()) <= 0:
        errors[f"weight_{variants[0]}"] = _l("Donnez un poids à au moins une variante.")
    if errors:
        raise Invalid(_l("Vérifiez les poids des variantes."), errors)
    return weights


def start(admin: User, event_name: str, given: Mapping[str, object], ip: str = "",
          at: datetime | None = None) -> NotificationExperiment:
    """Run an experiment on the event with the given weights; audited as experiment.start. Commits."""
    weights = _weights(event_name, given)
    if running(event_name):
        raise Conflict(_l("Une expérience est déjà en cours sur ce message : arrêtez-la d’abord."))
    experiment = NotificationExperiment(event=event_name, variants=json.dumps(weights, sort_keys=True),
                                        started_at=at or utcnow(), created_by=admin.id)
    db.session.add(experiment)
    db.session.flush()
    audit.record(admin, "experiment.start", "experiment", experiment.id, {}, {"event": event_name, **weights}, ip)
    db.session.commit()
    return experiment


def change(admin: User, experiment: NotificationExperiment, given: Mapping[str, object],
           ip: str = "") -> NotificationExperiment:
    """New weights for a running experiment (people already assigned may move); audited as experiment.update."""
    if experiment.stopped_at is not None:
        raise Conflict(_l("Cette expérience est arrêtée."))
    before = weights_of(experiment)
    weights = _weights(experiment.event, given)
    experiment.variants = json.dumps(weights, sort_keys=True)
    audit.record(admin, "experiment.update", "experiment", experiment.id, before, weights, ip)
    db.session.commit()
    return experiment


def stop(admin: User, experiment: NotificationExperiment, ip: str = "",
         at: datetime | None = None) -> NotificationExperiment:
    """Stop a running experiment (its figures stay); audited as experiment.stop. Commits."""
    if experiment.stopped_at is not None:
        raise Conflict(_l("Cette expérience est déjà arrêtée."))
    experiment.stopped_at = at or utcnow()
    audit.record(admin, "experiment.stop", "experiment", experiment.id, {"stopped_at": None},
                 {"stopped_at": experiment.stopped_at.isoformat()}, ip)
    db.session.commit()
    return experiment


@dataclass(frozen=True)
class Figures:
    """What happened to one variant's messages: `sent` left (alone or in a digest), of which `delivered`
    arrived (the provider says so) and `read` were read; `failed` failed; `cost_xaf` what they cost;
    `clicked` had their link followed, `converted` were followed by an order of their person paid within
    24 hours."""

    variant: str
    sent: int
    delivered: int
    read: int
    failed: int
    cost_xaf: int
    clicked: int = 0
    converted: int = 0

    def share(self, count: int) -> float:
        """`count` as a percentage of the messages that left (0 when none did)."""
        return 100.0 * count / self.sent if self.sent else 0.0

    def rate(self, count: int) -> str:
        """`count` as a percentage with one decimal, written the reader's way ("2,5" in French)."""
        return str(format_decimal(round(self.share(count), 1), format="0.0"))


def _count(statuses: tuple[str, ...]) -> ColumnElement[int]:
    return func.sum(case((NotificationDelivery.status.in_(statuses), 1), else_=0))


def _window_end() -> ColumnElement[Any]:
    """The message's sent_at plus 24 hours, in SQL (each database its own way)."""
    sent = NotificationDelivery.sent_at
    if db.session.get_bind().dialect.name == "sqlite":  # stored as text: "YYYY-MM-DD HH:MM:SS.ffffff"
        return func.strftime("%Y-%m-%d %H:%M:%f", sent, "+24 hours")
    return sent + CONVERSION_WINDOW


def _converted() -> ColumnElement[int]:
    paid = exists().where(Order.buyer_id == NotificationDelivery.user_id, Order.paid_at.is_not(None),
                          Order.paid_at >= NotificationDelivery.sent_at, Order.paid_at < _window_end())
    return func.sum(case((and_(NotificationDelivery.status.in_(LEFT), paid), 1), else_=0))


def figures(event_name: str, since: datetime | None = None, until: datetime | None = None,
            variants: tuple[str, ...] = ()) -> list[Figures]:
    """Per variant of the event (in order), its figures from the delivery log of messages written in
    [since, until), in one grouped query. `variants` without messages yet show zeros."""
    query = (select(NotificationDelivery.variant, _count(LEFT), _count(ARRIVED),
                    _count((DeliveryStatus.READ,)), _count((DeliveryStatus.FAILED,)),
                    func.coalesce(func.sum(NotificationDelivery.cost_xaf), 0),
                    func.count(NotificationDelivery.clicked_at), _converted())
             .where(NotificationDelivery.event == event_name, NotificationDelivery.variant.is_not(None),
                    NotificationDelivery.channel != INAPP))
    if since is not None:
        query = query.where(NotificationDelivery.created_at >= since)
    if until is not None:
        query = query.where(NotificationDelivery.created_at < until)
    rows = db.session.execute(query.group_by(NotificationDelivery.variant)).all()
    found = {str(row[0]): Figures(str(row[0]), *(int(value or 0) for value in row[1:])) for row in rows}
    for variant in variants or tuple(configured().get(event_name, {})):
        found.setdefault(variant, Figures(variant, 0, 0, 0, 0, 0))
    return [found[variant] for variant in sorted(found)]


def z_score(hits_a: int, total_a: int, hits_b: int, total_b: int) -> float:
    """The two-proportion z statistic of rate b against rate a (pooled); 0 when it cannot be computed."""
    if total_a <= 0 or total_b <= 0:
        return 0.0
    pooled = (hits_a + hits_b) / (total_a + total_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / total_a + 1 / total_b))
    return (hits_b / total_b - hits_a / total_a) / spread if spread else 0.0


Z_LEVELS = ((2.576, 99), (1.960, 95))  # two-sided


def verdict(rates: list[tuple[str, int, int]], minimum: int = MIN_SENDS) -> str:
    """In words, whether the best variant's click rate is really better than each other's: `rates` holds
    (variant, clicks, sends). Pure: the z-test at 95 % (99 % when it holds there too)."""
    if len(rates) < 2 or any(sends < minimum for _, _, sends in rates):
        return str(_l("Pas assez d’envois pour conclure (au moins %(num)d par variante).", num=minimum))
    best = max(rates, key=lambda rate: (rate[1] / rate[2], rate[0]))
    beaten = []
    for name, clicks, sends in rates:
        if name != best[0]:
            z = z_score(clicks, sends, best[1], best[2])
            level = next((percent for limit, percent in Z_LEVELS if z >= limit), None)
            if level is None:
                return str(_l("Pas encore de différence nette."))
            beaten.append((name, level))
    level = min(percent for _, percent in beaten)
    others = ", ".join(name.upper() for name, _ in beaten)
    return str(_l("%(best)s fait mieux que %(others)s (confiance %(level)d %%)", best=best[0].upper(),
                  others=others, level=level))


def title(event_name: str, language: str) -> str:
    """The event in words: the title (or first line) of its message with believable values, for admin pages."""
    channel = event(event_name).fallback[0]
    subject, text, _ = templates.render(event_name, channel, language, templates.sample_context(event_name))
    return subject or (text.splitlines() or [event_name])[0]


@dataclass(frozen=True)
class Running:
    """One experiment on the admin page: its event in words, the stored experiment (None for the default of
    the configuration), its variants' figures and the verdict."""

    event: str
    title: str
    experiment: NotificationExperiment | None
    weights: dict[str, int]
    variants: list[Figures]
    verdict: str


def _running(name: str, language: str, experiment: NotificationExperiment | None,
             weights: dict[str, int]) -> Running:
    since = experiment.started_at if experiment else None
    until = experiment.stopped_at if experiment else None
    found = figures(name, since, until, tuple(weights))
    return Running(name, title(name, language), experiment, weights, found,
                   verdict([(item.variant, item.clicked, item.sent) for item in found]))


def report(language: str) -> list[Running]:
    """Every experiment running, in words, with its variants' figures (admin page): the stored ones, then the
    configuration's defaults for events without one."""
    stored = running()
    found = [_running(item.event, language, item, weights_of(item)) for item in stored if item.event in EVENTS]
    taken = {item.event for item in stored}
    found += [_running(name, language, None, weights) for name, weights in sorted(configured().items())
              if name in EVENTS and name not in taken]
    return found


def stopped(language: str, limit: int = 10) -> list[Running]:
    """The latest stopped experiments, newest first, with their final figures."""
    rows = db.session.scalars(select(NotificationExperiment).where(NotificationExperiment.stopped_at.is_not(None))
                              .order_by(NotificationExperiment.stopped_at.desc()).limit(limit))
    return [_running(item.event, language, item, weights_of(item)) for item in rows if item.event in EVENTS]
