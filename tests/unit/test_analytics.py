"""Dashboard figures on a small known data set: GMV, commission, orders by status, users, listings, cities."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from vgk.extensions import db
from vgk.models import Fulfilment, OrderStatus, Product, ProductStatus, User
from vgk.models.base import utcnow
from vgk.services.backoffice import analytics

NOW = utcnow()  # factory rows are created now: the windows are counted from today


def order_in(point, status, days_ago, total, commission=0):
    """A placed order moved by hand to a state and a date (the dashboard only reads them)."""
    order = f.place_order(f.product(price=total, city_=point.city), point=point)
    order.status = status
    order.total = total
    order.commission = commission
    order.created_at = NOW - timedelta(days=days_ago)
    db.session.commit()
    return order


@pytest.fixture
def data(app):
    douala = f.city("Douala", "douala", position=1)
    yaounde = f.city("Yaoundé", "yaounde", position=2)
    p_douala, p_yaounde = f.pickup_point(douala), f.pickup_point(yaounde)
    order_in(p_douala, OrderStatus.COMPLETED, 1, 20_000, 2_000)
    order_in(p_douala, OrderStatus.DELIVERED, 3, 10_000, 1_000)
    order_in(p_douala, OrderStatus.PAID, 0, 5_000, 500)            # GMV, no commission yet
    order_in(p_douala, OrderStatus.CANCELLED, 2, 7_000, 700)       # counted, not in GMV
    order_in(p_yaounde, OrderStatus.EXPIRED, 2, 8_000, 800)        # counted, not in GMV
    order_in(p_yaounde, OrderStatus.PENDING_PAYMENT, 1, 9_000)     # not paid yet
    order_in(p_yaounde, OrderStatus.READY, 5, 30_000, 3_000)
    order_in(p_yaounde, OrderStatus.COMPLETED, 20, 40_000, 4_000)  # inside 30 days, outside 7
    order_in(p_yaounde, OrderStatus.COMPLETED, 60, 50_000, 5_000)  # only in 90 days
    # Users: every factory user so far was created now; one old account and one in Yaoundé.
    f.user(city=yaounde, created_at=NOW - timedelta(days=2))
    f.user(city=douala, created_at=NOW - timedelta(days=200))
    return douala, yaounde


def active_count(city=None):
    stmt = select(func.count()).select_from(Product).where(Product.status == ProductStatus.ACTIVE)
    if city is not None:
        stmt = stmt.where(Product.city_id == city.id)
    return db.session.scalar(stmt)


def test_seven_days_all_cities(data):
    d = analytics.dashboard(7, now=NOW)
    assert d.days == 7
    assert d.gmv == 20_000 + 10_000 + 5_000 + 30_000
    assert d.commission == 2_000 + 1_000
    assert d.orders == 7
    assert d.orders_by_status == {"PENDING_PAYMENT": 1, "PAID": 1, "READY": 1, "COMPLETED": 1, "DELIVERED": 1,
                                  "CANCELLED": 1, "EXPIRED": 1}
    assert len(d.daily) == 7 and d.daily[-1].day == NOW.date()
    assert sum(day.gmv for day in d.daily) == d.gmv and sum(day.orders for day in d.daily) == d.orders
    assert d.daily[-1].gmv == 5_000 and d.daily[-2].gmv == 20_000 and d.daily[-2].orders == 2


def test_longer_windows_take_older_orders(data):
    assert analytics.dashboard(30, now=NOW).gmv == 105_000
    d = analytics.dashboard(90, now=NOW)
    assert d.gmv == 155_000 and d.commission == 12_000 and d.orders == 9 and len(d.daily) == 90


def test_a_bad_period_means_30_days(data):
    for value in (None, "", "abc", 14, "365"):
        assert analytics.dashboard(value, now=NOW).days == 30


def test_new_users_in_the_window_and_active_listings(data):
    d = analytics.dashboard(7, now=NOW)
    # Every factory user (sellers of the order products included) was created now, except the old one.
    everyone = db.session.scalar(select(func.count()).select_from(User))
    assert d.new_users == everyone - 1
    assert d.active_listings == active_count()
    by_slug = {c.slug: c for c in d.by_city}
    assert by_slug["yaounde"].new_users == 1 and by_slug["douala"].new_users == 0


def test_city_filter(data):
    douala, _yaounde = data
    f.product(city_=douala)
    f.product(city_=douala, status=ProductStatus.PENDING)
    d = analytics.dashboard(7, city="douala", now=NOW)
    assert d.city.slug == "douala"
    assert d.gmv == 35_000 and d.commission == 3_000 and d.orders == 4
    assert d.orders_by_status == {"PAID": 1, "COMPLETED": 1, "DELIVERED": 1, "CANCELLED": 1}
    assert d.new_users == 0
    assert d.active_listings == active_count(douala) >= 1
    assert sum(day.gmv for day in d.daily) == 35_000
    by_slug = {c.slug: c for c in d.by_city}
    assert by_slug["yaounde"].gmv == 30_000 and by_slug["douala"].gmv == 35_000
    assert d.by_city[0].slug == "douala"  # busiest first
    assert analytics.dashboard(7, city="nowhere", now=NOW).city is None


def test_delivery_orders_count_in_the_delivery_city(app):
    kribi = f.city("Kribi", "kribi")
    order = order_in(f.pickup_point(), OrderStatus.DELIVERED, 1, 12_000, 1_200)
    order.pickup_point_id, order.fulfilment, order.delivery_city_id = None, Fulfilment.DELIVERY, kribi.id
    order.delivery_address = "Plage"
    db.session.commit()
    d = analytics.dashboard(7, city="kribi", now=NOW)
    assert d.gmv == 12_000 and d.commission == 1_200


def test_empty_database(app):
    d = analytics.dashboard(30)
    assert (d.gmv, d.orders, d.commission, d.new_users, d.active_listings) == (0, 0, 0, 0, 0)
    assert len(d.daily) == 30 and d.by_city == []
