"""Orders seen from the administration: the filtered list, the detail, the admin's moves (cancel,
dispatch, deliver) and the accounting exports (orders, payouts, commissions) as CSV rows.

The moves go through vgk.services.commerce.orders (one state machine); this module only adds the admin's rules
(a reason to cancel) and writes each move's audit entry (order.<move>, the status before and after) in
the transaction of the move.
"""
import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, TypeAlias

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import selectinload

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.inputs import parse_day
from vgk.models import City, Order, OrderEvent, OrderStatus, PickupPoint, User
from vgk.models.payments import Payout
from vgk.services.backoffice import audit
from vgk.services.catalogue import catalog
from vgk.services.catalogue.reference import CityRef
from vgk.services.commerce import orders
from vgk.services.paging import Page, link_params, page_number, paginate, parse_id
from vgk.text import escape_like

MAX_QUERY = 100
MAX_REASON = 200
# Excel in French locales splits on ";" (the decimal separator is ","), so the exports use ";".
CSV_SEPARATOR = ";"
# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A row of an export: text, numbers, or nothing.
Row: TypeAlias = tuple[Any, ...]


@dataclass
class OrderFilters:
    q: str = ""  # a reference or (part of) a phone number
    status: str = ""
    city: int | None = None  # a city id: of the pickup point, or of the home delivery
    page: int = 1

    @classmethod
    def from_params(cls, args: Mapping[str, Any]) -> "OrderFilters":
        status = args.get("status", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_QUERY],
            status=status if status in OrderStatus.ALL else "",
            city=parse_id(args.get("city")),
            page=page_number(args.get("page")),
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.status or self.city)

    def as_params(self, **changes: object) -> dict[str, object]:
        return link_params({"q": self.q, "status": self.status, "city": self.city, "page": self.page, **changes})


def _conditions(filters: OrderFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        matches = [Order.reference.ilike(f"%{escape_like(filters.q)}%", escape="\\")]
        digits = "".join(ch for ch in filters.q if ch.isdigit())
        if len(digits) >= 3:
            matches.append(Order.customer_phone.like(f"%{digits}%"))
        conditions.append(or_(*matches))
    if filters.status:
        conditions.append(Order.status == filters.status)
    if filters.city is not None:
        conditions.append(or_(
            Order.pickup_point_id.in_(select(PickupPoint.id).where(PickupPoint.city_id == filters.city)),
            Order.delivery_city_id == filters.city,
        ))
    return conditions


def search(filters: OrderFilters, per_page: int = 20) -> Page:
    """Orders matching the filters, newest first, one page."""
    return paginate(
        select(Order).where(*_conditions(filters))
        .options(selectinload(Order.pickup_point).selectinload(PickupPoint.city),
                 selectinload(Order.delivery_city))
        .order_by(Order.created_at.desc(), Order.id.desc()),
        filters.page, per_page,
    )


def cities() -> Sequence[CityRef]:
    return catalog.cities()


def detail(reference: str | None) -> Order:
    """The order with its items, payments and history (actors loaded); NotFound if unknown."""
    order = orders.by_reference(reference)
    db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                       .options(selectinload(OrderEvent.actor))).all()
    return order


def city_of(order: Order) -> City | None:
    if order.pickup_point is not None:
        return order.pickup_point.city
    return order.delivery_city


# --- the admin's moves --------------------------------------------------------------------------

def _audited_move(order: Order, actor: User, action: str, ip: str,
                  extra: dict[str, Any] | None = None) -> AbstractContextManager[None]:
    """Record order.<action> with the status before and after in the transaction that moves the order
    (a commit that leaves the status as it was, such as a wrong code counted, records nothing)."""
    before = order.status
    return audit.recording(actor, f"order.{action}", "order", order.reference, {"status": before},
                           lambda: {"status": order.status, **(extra or {})} if order.status != before else None,
                           ip)


def _reason_note(reason: object) -> str:
    return str(reason or "").strip()[:MAX_REASON]


def cancel(reference: str, actor: User, reason: str, ip: str = "") -> Order:
    """Cancel the order for a reason (required); Conflict when its state does not allow it.
    Audited as order.cancel."""
    note = _reason_note(reason)
    why = " ".join(str(reason or "").split())[:MAX_REASON]
    if not why:
        raise Invalid(_l("Indiquez la raison de l'annulation."), {"reason": "required"})
    order = orders.by_reference(reference, for_update=True)
    before = order.status
    try:
        orders.move(order, OrderStatus.CANCELLED, actor=actor, note=why)
    except Exception:
        db.session.rollback()
        raise
    audit.record(actor, "order.cancel", "order", order.reference, {"status": before},
                 {"status": order.status, "reason": note}, ip)
    db.session.commit()
    orders.tell(order, "order.cancelled")
    return order


def dispatch(reference: str, actor: User, ip: str = "") -> Order:
    """A paid home-delivery order leaves with the courier; audited as order.dispatch."""
    order = orders.by_reference(reference, for_update=True)
    try:
        with _audited_move(order, actor, "dispatch", ip):
            orders.dispatch(order, actor)
    except Exception:
        db.session.rollback()
        raise
    return order


def deliver(reference: str, actor: User, code: str, ip: str = "") -> Order:
    """The courier hands the order over against the buyer's code; audited as order.deliver."""
    order = orders.by_reference(reference, for_update=True)
    try:
        with _audited_move(order, actor, "deliver", ip):
            orders.deliver(order, actor, code)
    except Exception:
        db.session.rollback()
        raise
    return order


# --- exports ------------------------------------------------------------------------------------

def period(since: object, until: object) -> tuple[datetime | None, datetime | None]:
    """(start, end) datetimes from YYYY-MM-DD strings (end exclusive: the day after `until`); a day
    that is malformed or outside vgk.inputs' range is Invalid naming its parameter."""
    start, end = parse_day(since, "depuis"), parse_day(until, "jusqua")
    if start and end and end < start:
        raise Invalid(_l("La date de fin précède la date de début."), {"jusqua": "before_start"})
    return (datetime.combine(start, time.min) if start else None,
            datetime.combine(end + timedelta(days=1), time.min) if end else None)


def _fmt_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


ORDER_HEADER = ("reference", "date_utc", "statut", "acheteur", "telephone", "ville", "total_xaf", "commission_xaf")


def order_rows() -> Iterator[Row]:
    stmt = (select(Order).options(selectinload(Order.pickup_point).selectinload(PickupPoint.city),
                                  selectinload(Order.delivery_city))
            .order_by(Order.created_at, Order.id).execution_options(yield_per=500))
    for order in db.session.scalars(stmt):
        city = city_of(order)
        yield (order.reference, _fmt_time(order.created_at), order.status, order.customer_name,
               order.customer_phone, city.name if city else "", order.total, order.commission)


PAYOUT_HEADER = ("reference", "date_utc", "statut", "vendeur", "telephone", "montant_xaf", "reference_operateur",
                 "decide_le_utc", "note")


def payout_rows() -> Iterator[Row]:
    stmt = (select(Payout).options(selectinload(Payout.user)).order_by(Payout.created_at, Payout.id)
            .execution_options(yield_per=500))
    for payout in db.session.scalars(stmt):
        yield (payout.public_id, _fmt_time(payout.created_at), payout.status, payout.user.name, payout.phone,
               payout.amount, payout.provider_reference, _fmt_time(payout.decided_at), payout.note)


COMMISSION_HEADER = ("reference", "date_utc", "commission_xaf")


def commission_rows(start: datetime | None = None, end: datetime | None = None) -> Iterator[Row]:
    """Completed or delivered orders closed in [start, end): the commission the marketplace earned."""
    conditions: list[ColumnElement[bool]] = [Order.status.in_(OrderStatus.FINISHED)]
    if start:
        conditions.append(Order.closed_at >= start)
    if end:
        conditions.append(Order.closed_at < end)
    stmt = (select(Order.reference, Order.closed_at, Order.commission).where(*conditions)
            .order_by(Order.closed_at, Order.id).execution_options(yield_per=500))
    for reference, closed_at, commission in db.session.execute(stmt):
        yield (reference, _fmt_time(closed_at), commission)


def safe_cell(value: object) -> object:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_lines(header: Iterable[str], rows: Iterable[Row]) -> Iterator[str]:
    """The CSV text, line by line: a UTF-8 BOM first (for Excel), `;` separated, injection-guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(cell) for cell in row])
        yield buffer.getvalue()


def refund(reference: str, actor: User, reason: str, ip: str = "") -> Order:
    """Refund a paid order to the payer's Mobile Money number; audited as order.refund."""
    from vgk.services.commerce import payments

    order = orders.by_reference(reference, for_update=True)
    try:
        with _audited_move(order, actor, "refund", ip, {"reason": _reason_note(reason)}):
            payments.refund(order, actor, reason)
    except Exception:
        db.session.rollback()
        raise
    return order
