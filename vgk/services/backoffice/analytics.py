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
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from vgk.extensions import db
from vgk.models import City, Order, OrderStatus, PickupPoint, Product, ProductStatus, User
from vgk.models.base import utcnow
from vgk.services.paging import parse_int

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
GMV_STATUSES = (OrderStatus.PAID, OrderStatus.AT_PICKUP, OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY,
                OrderStatus.COMPLETED, OrderStatus.DELIVERED)
COMMISSION_STATUSES = OrderStatus.FINISHED


def period(value):
    """The requested number of days if it is one of PERIODS, else the default (30)."""
    days = parse_int(value)
    return days if days in PERIODS else DEFAULT_PERIOD


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
    city: object  # the City filtered on, or None
    cities: list  # every City, for the filter
    gmv: int = 0
    orders: int = 0
    orders_by_status: dict = field(default_factory=dict)  # status -> count, only statuses seen
    commission: int = 0
    new_users: int = 0
    active_listings: int = 0
    by_city: list = field(default_factory=list)  # CityFigures, busiest first (all cities, unfiltered)
    daily: list = field(default_factory=list)  # Day for each day of the window, oldest first


def _order_city():
    return func.coalesce(PickupPoint.city_id, Order.delivery_city_id)


def _day(column):
    """The calendar day of a timestamp, truncated in the database (SQLite and PostgreSQL differ)."""
    if db.engine.dialect.name == "postgresql":
        return func.date_trunc("day", column)
    return func.date(column)


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def dashboard(days=DEFAULT_PERIOD, city=None, now=None):
    """The dashboard figures for the last `days` days (7, 30 or 90; anything else: 30), optionally
    for one city (its slug; an unknown slug means all cities)."""
    days = period(days)
    now = now or utcnow()
    since = datetime.combine(now.date() - timedelta(days=days - 1), datetime.min.time())
    cities = db.session.scalars(select(City).order_by(City.position, City.name)).all()
    chosen = next((c for c in cities if city and c.slug == city), None)
    result = Dashboard(days=days, since=since, city=chosen, cities=cities)
    per_city = {c.id: CityFigures(slug=c.slug, name=c.name) for c in cities}
    order_city = _order_city()
    is_gmv = Order.status.in_(GMV_STATUSES)

    # Orders: one grouped query by city and status gives the KPIs, the status counts and the city table.
    rows = db.session.execute(
        select(order_city, Order.status, func.count(), func.coalesce(func.sum(Order.total), 0),
               func.coalesce(func.sum(Order.commission), 0))
        .select_from(Order).outerjoin(PickupPoint, PickupPoint.id == Order.pickup_point_id)
        .where(Order.created_at >= since)
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
        if chosen is None or city_id == chosen.id:
            result.orders += count
            result.gmv += gmv
            result.commission += earned
            result.orders_by_status[status] = result.orders_by_status.get(status, 0) + count
    result.orders_by_status = {s: result.orders_by_status[s] for s in OrderStatus.ALL if s in result.orders_by_status}

    for city_id, count in db.session.execute(
        select(User.city_id, func.count()).where(User.created_at >= since).group_by(User.city_id)
    ):
        if city_id in per_city:
            per_city[city_id].new_users = count
        if chosen is None or city_id == chosen.id:
            result.new_users += count

    for city_id, count in db.session.execute(
        select(Product.city_id, func.count()).where(Product.status == ProductStatus.ACTIVE).group_by(Product.city_id)
    ):
        if city_id in per_city:
            per_city[city_id].active_listings = count
        if chosen is None or city_id == chosen.id:
            result.active_listings += count

    # Daily series for the chart.
    day = _day(Order.created_at)
    series = (
        select(day, func.coalesce(func.sum(case((is_gmv, Order.total), else_=0)), 0), func.count())
        .select_from(Order)
        .where(Order.created_at >= since)
        .group_by(day)
    )
    if chosen is not None:
        series = series.outerjoin(PickupPoint, PickupPoint.id == Order.pickup_point_id).where(order_city == chosen.id)
    found = {_as_date(d): (int(gmv), count) for d, gmv, count in db.session.execute(series)}
    start = since.date()
    for offset in range(days):
        current = start + timedelta(days=offset)
        gmv, count = found.get(current, (0, 0))
        result.daily.append(Day(day=current, gmv=gmv, orders=count))

    result.by_city = sorted(per_city.values(), key=lambda c: (-c.gmv, -c.orders, c.name))
    return result
