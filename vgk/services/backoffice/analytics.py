"""Marketplace figures for the administration dashboard, aggregated in SQL (nothing cached in-process).

Definitions (the window is the last `days` calendar days in UTC, today included, by creation date):

- GMV (gross merchandise value): sum of `Order.total` of the orders placed in the window that reached
  PAID or later and were not cancelled, expired or refunded, i.e. status in PAID, AT_PICKUP, READY,
  OUT_FOR_DELIVERY (open paid orders) plus COMPLETED and DELIVERED. PENDING_PAYMENT, CANCELLED,
  EXPIRED and REFUNDED orders count as orders but add nothing to the GMV.
- Orders: every order placed in the window, with the count per status.
- Commission: sum of `Order.commission` of the orders placed in the window that are COMPLETED or
  DELIVERED (money the marketplace has actually earned).
- New users: accounts created in the window (any role or status), by the account's city.
- Active listings: products ACTIVE now (not limited to the window), by the product's city.

An order's city is its pickup point's city, else its delivery city.
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import InstrumentedAttribute

from vgk.extensions import db
from vgk.models import City, Order, OrderStatus, PickupPoint, Product, ProductStatus, User
from vgk.models.base import utcnow
from vgk.services.paging import parse_int

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
GMV_STATUSES = (OrderStatus.PAID, OrderStatus.AT_PICKUP, OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY,
                OrderStatus.COMPLETED, OrderStatus.DELIVERED)
COMMISSION_STATUSES = OrderStatus.FINISHED


def period(value: object) -> int:
    """The requested number of days if it is one of PERIODS, else the default (30)."""
    days = parse_int(value)
    return days if days is not None and days in PERIODS else DEFAULT_PERIOD


@dataclass
class CityFigures:
    slug: str
    name: str
    gmv: int = 0
    orders: int = 0
    commission: int = 0
    new_users: int = 0
    active_listings: int = 0


@dataclass
class Day:
    day: date
    gmv: int = 0
    orders: int = 0


@dataclass
class Dashboard:
    days: int
    since: datetime
    city: City | None  # the City filtered on
    cities: Sequence[City]  # every City, for the filter
    gmv: int = 0
    orders: int = 0
    orders_by_status: dict[str, int] = field(default_factory=dict)  # status -> count, only statuses seen
    commission: int = 0
    new_users: int = 0
    active_listings: int = 0
    by_city: list[CityFigures] = field(default_factory=list)  # busiest first (all cities, unfiltered)
    daily: list[Day] = field(default_factory=list)  # each day of the window, oldest first

    def counts(self, city_id: int | None) -> bool:
        """Whether figures of that city count in the totals (all of them, unless one city is chosen)."""
        return self.city is None or city_id == self.city.id


def _order_city() -> ColumnElement[Any]:
    return func.coalesce(PickupPoint.city_id, Order.delivery_city_id)


def _day(column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[Any]:
    """The calendar day of a timestamp, truncated in the database (SQLite and PostgreSQL differ)."""
    if db.engine.dialect.name == "postgresql":
        return func.date_trunc("day", column)
    return func.date(column)


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def dashboard(days: object = DEFAULT_PERIOD, city: str | None = None, now: datetime | None = None) -> Dashboard:
    """The dashboard figures for the last `days` days (7, 30 or 90; anything else: 30), optionally
    for one city (its slug; an unknown slug means all cities)."""
    window = period(days)
    now = now or utcnow()
    since = datetime.combine(now.date() - timedelta(days=window - 1), datetime.min.time())
    cities = db.session.scalars(select(City).order_by(City.position, City.name)).all()
    chosen = next((c for c in cities if city and c.slug == city), None)
    result = Dashboard(days=window, since=since, city=chosen, cities=cities)
    per_city = {c.id: CityFigures(slug=c.slug, name=c.name) for c in cities}
    _add_orders(result, per_city)
    result.new_users = _count_by_city(
        select(User.city_id, func.count()).where(User.created_at >= since).group_by(User.city_id),
        result, per_city, "new_users")
    result.active_listings = _count_by_city(
        select(Product.city_id, func.count()).where(Product.status == ProductStatus.ACTIVE)
        .group_by(Product.city_id),
        result, per_city, "active_listings")
    result.daily = _daily(since, window, chosen)
    result.by_city = sorted(per_city.values(), key=lambda c: (-c.gmv, -c.orders, c.name))
    return result


def _add_orders(result: Dashboard, per_city: dict[int, CityFigures]) -> None:
    """Orders: one grouped query by city and status gives the KPIs, the status counts and the city table."""
    order_city = _order_city()
    rows = db.session.execute(
        select(order_city, Order.status, func.count(), func.coalesce(func.sum(Order.total), 0),
               func.coalesce(func.sum(Order.commission), 0))
        .select_from(Order).outerjoin(PickupPoint, PickupPoint.id == Order.pickup_point_id)
        .where(Order.created_at >= result.since)
        .group_by(order_city, Order.status)
    ).all()
    for city_id, status, count, total, commission in rows:
        gmv = int(total) if status in GMV_STATUSES else 0
        earned = int(commission) if status in COMMISSION_STATUSES else 0
        figures = per_city.get(city_id)
        if figures is not None:
            figures.orders += count
            figures.gmv += gmv
            figures.commission += earned
        if result.counts(city_id):
            result.orders += count
            result.gmv += gmv
            result.commission += earned
            result.orders_by_status[status] = result.orders_by_status.get(status, 0) + count
    result.orders_by_status = {s: result.orders_by_status[s] for s in OrderStatus.ALL
                               if s in result.orders_by_status}


def _count_by_city(counts: Select[Any, Any], result: Dashboard, per_city: dict[int, CityFigures], name: str) -> int:
    """Spread (city id, count) rows over the city table's `name` column; the total of the counted cities."""
    total = 0
    for city_id, count in db.session.execute(counts):
        if city_id in per_city:
            setattr(per_city[city_id], name, count)
        if result.counts(city_id):
            total += count
    return total


def _daily(since: datetime, days: int, chosen: City | None) -> list[Day]:
    """Daily series for the chart: every day of the window, oldest first."""
    day = _day(Order.created_at)
    is_gmv = Order.status.in_(GMV_STATUSES)
    series = (
        select(day, func.coalesce(func.sum(case((is_gmv, Order.total), else_=0)), 0), func.count())
        .select_from(Order)
        .where(Order.created_at >= since)
        .group_by(day)
    )
    if chosen is not None:
        series = (series.outerjoin(PickupPoint, PickupPoint.id == Order.pickup_point_id)
                  .where(_order_city() == chosen.id))
    found = {_as_date(d): (int(gmv), count) for d, gmv, count in db.session.execute(series)}
    start = since.date()
    daily = []
    for offset in range(days):
        current = start + timedelta(days=offset)
        gmv, count = found.get(current, (0, 0))
        daily.append(Day(day=current, gmv=gmv, orders=count))
    return daily
