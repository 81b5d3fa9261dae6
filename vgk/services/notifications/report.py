"""What the admin pages read from the notification engine: the delivery log page by page with its filters,
the figures of the period (grouped queries, a fixed number of statements whatever the log's length) and
every message rendered with sample values, so an admin reads each one as people will.

Nothing here shows a full phone, email or push subscription, a message text or a provider's error: rows
carry the masked address and the error's kind (`ERROR_KINDS`), which the pages turn into words."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateNotFound
from sqlalchemy import ColumnElement, Date, cast, func, literal, or_, select

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import DeliveryStatus, NotificationDelivery, User
from vgk.services.accounts.people import normalize_email, normalize_phone
from vgk.services.notifications import templates
from vgk.services.notifications.addresses import masked
from vgk.services.notifications.engine import SENT_APART
from vgk.services.notifications.events import CHANNELS, EMAIL, EVENTS, INAPP, PAID_CHANNELS, SMS, WHATSAPP
from vgk.services.notifications.timing import CAMEROON, local
from vgk.services.paging import Page, paginate

log = logging.getLogger(__name__)
PER_PAGE = 30
PERIODS: dict[str, timedelta | None] = {"day": timedelta(days=1), "week": timedelta(days=7),
                                         "month": timedelta(days=30), "all": None}
DEFAULT_PERIOD = "week"
LOG_CHANNELS = (*CHANNELS, INAPP)
LANGUAGES = ("fr", "en")
# What reached the person, out of what the providers took (their answer known or not).
REACHED = (DeliveryStatus.DELIVERED, DeliveryStatus.READ)
HANDED = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ, DeliveryStatus.FAILED)
ERROR_KINDS = ("limit", "unknown", "no_adapter", "window", "gone", "internal", "refused")


def error_kind(error: str | None) -> str:
    """The kind of a logged error (never its words, which may come from a provider): "" when none."""
    text = (error or "").strip().lower()
    if not text:
        return ""
    if text == "limit":
        return "limit"
    if text == "outcome unknown":
        return "unknown"
    if text.startswith("no ") and text.endswith(" adapter"):
        return "no_adapter"
    if "24-hour window" in text:
        return "window"
    if text.startswith("error:"):
        return "internal"
    if " answered 404" in text or " answered 410" in text or "subscription is not readable" in text:
        return "gone"
    return "refused"


@dataclass
class LogFilters:
    channel: str = ""
    status: str = ""
    event: str = ""
    period: str = DEFAULT_PERIOD
    person: str = ""  # a phone number or an email, as typed

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> LogFilters:
        """The filters from a query string; values the log cannot hold are dropped (never an error)."""
        def pick(name: str, allowed: tuple[str, ...] | Mapping[str, object]) -> str:
            value = str(params.get(name) or "").strip()
            return value if value in allowed else ""

        return cls(channel=pick("channel", LOG_CHANNELS), status=pick("status", DeliveryStatus.ALL),
                   event=pick("event", EVENTS), period=pick("period", PERIODS) or DEFAULT_PERIOD,
                   person=str(params.get("person") or "").strip()[:255])

    def as_params(self, **overrides: object) -> dict[str, object]:
        values: dict[str, object] = {"channel": self.channel, "status": self.status, "event": self.event,
                                     "period": self.period if self.period != DEFAULT_PERIOD else "",
                                     "person": self.person}
        values.update(overrides)
        return {key: value for key, value in values.items() if value not in (None, "", 1)}


def _person(person: str) -> ColumnElement[bool]:
    """Rows for the person reached at that phone or email: their account's rows and rows sent there as a
    guest. Invalid (naming `person`) when it is neither."""
    try:
        value = normalize_email(person) if "@" in person else normalize_phone(person)
    except Invalid:
        raise Invalid(_l("Indiquez un numéro de téléphone ou une adresse email."), {"person": "invalid"}) from None
    accounts = select(User.id).where(or_(User.phone == value, User.email == value))
    return or_(NotificationDelivery.user_id.in_(accounts), NotificationDelivery.recipient == value,
               NotificationDelivery.address == value)


def _conditions(filters: LogFilters, now: datetime, *, with_status: bool = True) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    span = PERIODS[filters.period]
    if span is not None:
        conditions.append(NotificationDelivery.created_at >= now - span)
    if filters.channel:
        conditions.append(NotificationDelivery.channel == filters.channel)
    if filters.event:
        conditions.append(NotificationDelivery.event == filters.event)
    if filters.status and with_status:
        conditions.append(NotificationDelivery.status == filters.status)
    if filters.person:
        conditions.append(_person(filters.person))
    return conditions


@dataclass(frozen=True)
class LogRow:
    """One delivery as the log page shows it: the person's name (accounts) or a masked address (guests)."""

    id: int
    created_at: datetime
    event: str
    channel: str
    status: str
    attempts: int
    cost_xaf: int
    error: str              # an ERROR_KINDS code, "" for none
    name: str = ""          # the account's name, "" for a guest
    public_id: str = ""     # the account's public id (link to its admin page)
    address: str = ""       # the masked address, for guests


@dataclass
class Day:
    """One Cameroon day of the period: messages handed to a provider (whatever its answer), those it says
    arrived (delivered or read), those that failed, and what they cost."""

    day: date
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    cost_xaf: int = 0


@dataclass
class Figures:
    """The period's figures: counts by channel and status, the delivered rate, cost by paid channel, and the
    same by Cameroon day (newest first)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)   # channel -> status -> messages
    costs: dict[str, int] = field(default_factory=dict)               # paid channel -> XAF
    suppressed: int = 0
    days: list[Day] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(sum(statuses.values()) for statuses in self.counts.values())

    @property
    def total_cost(self) -> int:
        return sum(self.costs.values())

    @property
    def delivered_rate(self) -> int | None:
        """Percent of the messages handed to a provider that it says arrived (in-app notices are not handed
        to anyone); None when none was handed."""
        sent = [statuses for channel, statuses in self.counts.items() if channel != INAPP]
        handed = sum(statuses.get(status, 0) for statuses in sent for status in HANDED)
        reached = sum(statuses.get(status, 0) for statuses in sent for status in REACHED)
        return round(100 * reached / handed) if handed else None


def _guest_address(row: NotificationDelivery) -> str:
    if row.address and row.channel in (SMS, EMAIL, WHATSAPP):
        return masked(row.channel, row.address)
    return masked(EMAIL if "@" in row.recipient else SMS, row.recipient)


def _rows(items: list[NotificationDelivery]) -> list[LogRow]:
    ids = {row.user_id for row in items if row.user_id is not None}
    people = {person.id: (person.name, person.public_id) for person in db.session.execute(
        select(User.id, User.name, User.public_id).where(User.id.in_(ids)))} if ids else {}
    shown = []
    for row in items:
        name, public_id = people.get(row.user_id, ("", "")) if row.user_id is not None else ("", "")
        shown.append(LogRow(id=row.id, created_at=row.created_at, event=row.event, channel=row.channel,
                            status=row.status, attempts=row.attempts, cost_xaf=row.cost_xaf,
                            error=error_kind(row.error), name=name, public_id=public_id,
                            address="" if public_id else _guest_address(row)))
    return shown


def deliveries(filters: LogFilters, page: int, now: datetime, per_page: int = PER_PAGE) -> Page:
    """The log newest first, one page of LogRow (a COUNT, the page, and the names of its people)."""
    found = paginate(select(NotificationDelivery).where(*_conditions(filters, now))
                     .order_by(NotificationDelivery.created_at.desc(), NotificationDelivery.id.desc()),
                     page, per_page)
    found.items = _rows(found.items)
    return found


def figures(filters: LogFilters, now: datetime) -> Figures:
    """The figures for the filters (all but the status: the rate needs every status), in one grouped query."""
    result = Figures()
    grouped = db.session.execute(
        select(NotificationDelivery.channel, NotificationDelivery.status, func.count(),
               func.coalesce(func.sum(NotificationDelivery.cost_xaf), 0))
        .where(*_conditions(filters, now, with_status=False))
        .group_by(NotificationDelivery.channel, NotificationDelivery.status))
    for channel, status, count, cost in grouped:
        result.counts.setdefault(channel, {})[status] = int(count)
        if channel in PAID_CHANNELS:
            result.costs[channel] = result.costs.get(channel, 0) + int(cost)
        if status == DeliveryStatus.SUPPRESSED:
            result.suppressed += int(count)
    result.days = _days(filters, now)
    return result


DAYS_OF_ALL = 60  # the period "all" lists its newest days that have messages, at most this many


def _local_day(column: Any) -> ColumnElement[Any]:
    """The Cameroon calendar day of a stored (naive UTC) time, computed by the database. Cameroon keeps
    UTC+1 all year, so a fixed shift is exact."""
    minutes = int((CAMEROON.utcoffset(datetime(2000, 1, 1)) or timedelta()).total_seconds() // 60)
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(column + literal(timedelta(minutes=minutes)), Date)
    return func.date(column, f"{minutes:+d} minutes")


def _days(filters: LogFilters, now: datetime) -> list[Day]:
    """Sent, delivered, failed and cost per Cameroon day, in one grouped query: every day of a bounded
    period (quiet days too), the newest days with messages for "all"."""
    day = _local_day(NotificationDelivery.created_at)
    query = (select(day, NotificationDelivery.status, func.count(),
                    func.coalesce(func.sum(NotificationDelivery.cost_xaf), 0))
             .where(*_conditions(filters, now, with_status=False))
             .group_by(day, NotificationDelivery.status))
    found: dict[date, Day] = {}
    for value, status, count, cost in db.session.execute(query):
        day_of = value if isinstance(value, date) else date.fromisoformat(str(value))  # SQLite: "2026-12-02"
        shown = found.setdefault(day_of, Day(day_of))
        shown.sent += int(count) if status in HANDED else 0
        shown.delivered += int(count) if status in REACHED else 0
        shown.failed += int(count) if status == DeliveryStatus.FAILED else 0
        shown.cost_xaf += int(cost)
    span = PERIODS[filters.period]
    if span is None:
        return sorted(found.values(), key=lambda shown: shown.day, reverse=True)[:DAYS_OF_ALL]
    first, last = local(now - span).date(), local(now).date()
    return [found.get(first + timedelta(days=back), Day(first + timedelta(days=back)))
            for back in range((last - first).days, -1, -1)]


def local_month(now: datetime) -> date:
    """The first day of the current month in Cameroon."""
    return local(now).date().replace(day=1)


def month_costs(now: datetime) -> dict[str, int]:
    """What SMS and WhatsApp messages cost since the 1st of the current month (Cameroon time), whatever the
    filters, in one grouped query: paid channel -> XAF (0 for a channel that sent nothing)."""
    start = datetime.combine(local_month(now), datetime.min.time(), CAMEROON)
    first = start.astimezone(UTC).replace(tzinfo=None)
    costs = dict.fromkeys(PAID_CHANNELS, 0)
    for channel, cost in db.session.execute(
            select(NotificationDelivery.channel, func.coalesce(func.sum(NotificationDelivery.cost_xaf), 0))
            .where(NotificationDelivery.created_at >= first, NotificationDelivery.created_at <= now,
                   NotificationDelivery.channel.in_(PAID_CHANNELS))
            .group_by(NotificationDelivery.channel)):
        costs[channel] = int(cost)
    return costs


# --- template previews -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preview:
    event: str
    channel: str
    language: str
    subject: str = ""
    text: str = ""
    html: str = ""
    error: str = ""  # "missing" (no file) or "broken" (the template fails), "" when it rendered


def _inapp(event_name: str, language: str) -> str:
    """The in-app notice (a msgid of the event registry, not a file) with the sample values; a secret value
    (a code) reads as the engine writes it there: "envoyé par SMS"."""
    found = EVENTS[event_name]
    with force_locale(language):
        values = {**templates.sample_context(event_name), **{name: str(SENT_APART) for name in found.secret}}
        return str(found.inapp) % values


def _channels(event_name: str) -> tuple[str, ...]:
    found = EVENTS[event_name]
    return (*found.fallback, INAPP) if found.inapp is not None else found.fallback


def preview(event_name: str, channel: str, language: str) -> Preview:
    """The message as people read it, with the event's sample values; a template that fails gives an
    error kind instead of breaking the page (and is logged)."""
    try:
        if channel == INAPP:
            return Preview(event_name, channel, language, text=_inapp(event_name, language))
        subject, text, html = templates.render(event_name, channel, language,
                                               templates.sample_context(event_name))
    except TemplateNotFound:
        return Preview(event_name, channel, language, error="missing")
    except Exception:  # any template bug: the page stays readable, the log says what broke
        log.exception("the %s template of %s (%s) does not render", channel, event_name, language)
        return Preview(event_name, channel, language, error="broken")
    return Preview(event_name, channel, language, subject, text, html)


def previews(event_name: str = "") -> dict[str, list[Preview]]:
    """Every event (or just `event_name`) × each of its channels (in-app too, when it has a notice) × each
    language."""
    names = [event_name] if event_name in EVENTS else list(EVENTS)
    return {name: [preview(name, channel, language) for channel in _channels(name) for language in LANGUAGES]
            for name in names}
