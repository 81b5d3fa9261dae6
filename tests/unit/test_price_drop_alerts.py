"""Price drops: a listing's favourites hear of a big enough lower price, once per new price."""
from datetime import datetime

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.models import Favourite, NotificationDelivery, ProductStatus, UserStatus
from vgk.services.catalogue import alerts
from vgk.services.selling import listings

NOON = datetime(2026, 6, 1, 11, 0)  # noon in Douala, in the past: outside quiet hours and due at once


@pytest.fixture
def fakes(app, monkeypatch):
    return install_channels(app, monkeypatch, "sms", "email")


def _liked(product, *people):
    db.session.add_all([Favourite(user_id=person.id, product_id=product.id) for person in people])
    db.session.commit()


def _price_rows():
    return db.session.scalars(select(NotificationDelivery).where(
        NotificationDelivery.event == "alert.price_drop", NotificationDelivery.channel == "sms")).all()


def test_what_counts_as_a_drop(app):
    assert app.config["PRICE_DROP_MIN_PERCENT"] == 10
    assert alerts.is_price_drop(50_000, 45_000)       # exactly 10 %
    assert not alerts.is_price_drop(50_000, 45_001)   # a little less than 10 %
    assert not alerts.is_price_drop(50_000, 60_000)   # a raise
    assert not alerts.is_price_drop(50_000, 50_000)


def test_favourites_hear_of_the_new_price_by_sms(app, fakes):
    seller, fan = f.user(), f.user(phone="+237690001122")
    bike = f.product("Vélo rouge", seller=seller, price=50_000)
    _liked(bike, fan)
    bike.price = 40_000
    db.session.commit()
    assert alerts.tell_price_drop(bike.id, 50_000, 40_000, at=NOON) == 1
    [sms] = fakes["sms"].sent
    assert sms.to == "+237690001122"
    assert "« Vélo rouge » passe à 40 000 FCFA" in sms.text and f"/p/{bike.public_id}" in sms.text


def test_a_sellers_edit_tells_favourites_once_per_new_price(app, fakes):
    seller, fan, other_fan, suspended = f.user(), f.user(), f.user(), f.user(status=UserStatus.SUSPENDED)
    bike = f.product("Vélo", seller=seller, price=50_000)
    _liked(bike, fan, other_fan, suspended, seller)
    listings.update(seller, bike.public_id, price=45_000)
    rows = _price_rows()
    assert sorted(row.user_id for row in rows) == sorted([fan.id, other_fan.id])  # not the seller, nor suspended
    assert {row.dedup_key for row in rows} == {f"price:{bike.id}:45000"}
    listings.update(seller, bike.public_id, price=50_000)  # a raise tells nobody
    listings.update(seller, bike.public_id, price=45_000)  # the same lower price again: told already
    assert len(_price_rows()) == 2


def test_a_raise_or_a_small_drop_tells_nobody(app, fakes):
    seller, fan = f.user(), f.user()
    bike = f.product("Vélo", seller=seller, price=50_000)
    _liked(bike, fan)
    listings.update(seller, bike.public_id, price=60_000)
    listings.update(seller, bike.public_id, price=55_000)  # 8 % lower
    assert _price_rows() == [] and fakes["sms"].sent == []


def test_a_listing_not_for_sale_or_priced_again_tells_nobody(app, fakes):
    seller, fan = f.user(), f.user()
    draft = f.product("Vélo", seller=seller, price=50_000, status=ProductStatus.DRAFT)
    _liked(draft, fan)
    listings.update(seller, draft.public_id, price=20_000)
    bike = f.product("Table", seller=seller, price=30_000)
    _liked(bike, fan)
    assert alerts.tell_price_drop(bike.id, 40_000, 25_000, at=NOON) == 0  # the price moved on since
    assert _price_rows() == []
