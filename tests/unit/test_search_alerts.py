"""Saved searches: what they keep, the limit per person, and who hears of a newly approved listing."""
from datetime import datetime

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import NotificationDelivery, ProductStatus, Role, SearchAlert, UserStatus
from vgk.services.catalogue import alerts
from vgk.services.selling import moderation

NOON = datetime(2026, 6, 1, 11, 0)  # noon in Douala, in the past: outside quiet hours and due at once


@pytest.fixture
def fakes(app, monkeypatch):
    return install_channels(app, monkeypatch, "sms", "email")


@pytest.fixture
def place():
    douala, yaounde = f.city("Douala", "douala"), f.city("Yaoundé", "yaounde")
    phones = f.category("Téléphones", "telephones")
    bikes = f.category("Vélos", "velos")
    return {"douala": douala, "yaounde": yaounde, "phones": phones, "bikes": bikes}


def _alert_deliveries():
    return db.session.scalars(select(NotificationDelivery).where(
        NotificationDelivery.event == "alert.saved_search").order_by(NotificationDelivery.id)).all()


def test_a_saved_search_keeps_the_search_pages_filters(app, place):
    client = f.user()
    alert = alerts.create(client, {"q": " vélo rouge ", "category": "velos", "city": "douala",
                                   "max_price": "50 000", "condition": "NEUF"})
    assert (alert.query, alert.category.slug, alert.city.slug, alert.max_price) == ("vélo rouge", "velos", "douala",
                                                                                     50_000)
    assert alerts.link(alert) == "/produits?q=v%C3%A9lo+rouge&category=velos&city=douala&max_price=50000"
    assert alerts.describe(alert, "fr") == "vélo rouge"
    assert alerts.create(client, {"q": "vélo rouge", "category": "velos", "city": "douala",
                                  "max_price": "50000"}).id == alert.id  # the same search saved again
    assert [a.id for a in alerts.alerts_of(client)] == [alert.id]


def test_an_empty_or_unknown_search_is_refused(app, place):
    client = f.user()
    with pytest.raises(Invalid):
        alerts.create(client, {"q": "  "})
    with pytest.raises(Invalid):
        alerts.create(client, {"q": "vélo", "city": "tombouctou"})
    assert alerts.alerts_of(client) == []


def test_twenty_alerts_at_most_and_deleting_one_makes_room(app, place):
    client = f.user()
    saved = [alerts.create(client, {"q": f"objet {n}"}) for n in range(alerts.MAX_ALERTS)]
    with pytest.raises(Conflict):
        alerts.create(client, {"q": "un de trop"})
    alerts.delete(client, saved[0].public_id)
    assert alerts.create(client, {"q": "un de trop"}).query == "un de trop"
    assert len(alerts.alerts_of(client)) == alerts.MAX_ALERTS


def test_only_the_owner_deletes_an_alert(app, place):
    owner, other = f.user(), f.user()
    alert = alerts.create(owner, {"q": "vélo"})
    with pytest.raises(NotFound):
        alerts.delete(other, alert.public_id)
    with pytest.raises(NotFound):
        alerts.delete(owner, "inconnue")
    assert db.session.get(SearchAlert, alert.id) is not None


def test_a_listing_matches_by_words_category_city_and_price(app, place, fakes):
    seller = f.user()
    wanted = {
        "words": f.user(), "category": f.user(), "city": f.user(), "price": f.user(),
        "other_words": f.user(), "other_city": f.user(), "too_cheap": f.user(), "other_category": f.user(),
    }
    alerts.create(wanted["words"], {"q": "velo"})  # accents and case do not matter
    alerts.create(wanted["category"], {"category": "velos"})
    alerts.create(wanted["city"], {"q": "vélo", "city": "douala"})
    alerts.create(wanted["price"], {"q": "vélo", "max_price": "40000"})
    alerts.create(wanted["other_words"], {"q": "frigo"})
    alerts.create(wanted["other_city"], {"q": "vélo", "city": "yaounde"})
    alerts.create(wanted["too_cheap"], {"q": "vélo", "max_price": "39999"})
    alerts.create(wanted["other_category"], {"category": "telephones"})
    bike = f.product("Vélo de course rouge", seller=seller, category_=place["bikes"], city_=place["douala"],
                     price=40_000)
    assert alerts.match_listing(bike.id, at=NOON) == 4
    told = {sms.to for sms in fakes["sms"].sent}  # alerts go by SMS first when there is no push subscription
    assert told == {wanted[k].phone for k in ("words", "category", "city", "price")}
    [sms] = [m for m in fakes["sms"].sent if m.to == wanted["words"].phone]
    assert "1 nouvelle annonce pour votre recherche « velo »" in sms.text
    assert "/produits?q=velo" in sms.text


def test_the_seller_and_suspended_accounts_are_never_told(app, place, fakes):
    seller, suspended = f.user(), f.user()
    alerts.create(seller, {"q": "vélo"})
    alerts.create(suspended, {"q": "vélo"})
    suspended.status = UserStatus.SUSPENDED
    db.session.commit()
    bike = f.product("Vélo", seller=seller, category_=place["bikes"], city_=place["douala"])
    assert alerts.match_listing(bike.id, at=NOON) == 0
    assert fakes["sms"].sent == fakes["email"].sent == [] and _alert_deliveries() == []


def test_approving_matches_alerts_once_even_when_approved_twice(app, place, fakes):
    admin, client, seller = f.user(role=Role.ADMIN), f.user(), f.user()
    alert = alerts.create(client, {"q": "vélo"})
    bike = f.product("Vélo bleu", seller=seller, category_=place["bikes"], city_=place["douala"],
                     status=ProductStatus.PENDING)
    moderation.approve(admin, bike.public_id)
    [row] = [r for r in _alert_deliveries() if r.channel == "sms"]
    assert (row.user_id, row.dedup_key) == (client.id, f"alert:{alert.id}:{bike.id}")
    # Sent back to moderation after an edit and approved again: nobody hears of it a second time.
    bike.status = ProductStatus.PENDING
    db.session.commit()
    moderation.approve(admin, bike.public_id)
    assert len([r for r in _alert_deliveries() if r.channel == "sms"]) == 1


def test_a_listing_no_longer_for_sale_tells_nobody(app, place, fakes):
    client = f.user()
    alerts.create(client, {"q": "vélo"})
    bike = f.product("Vélo", category_=place["bikes"], city_=place["douala"], status=ProductStatus.SOLD)
    assert alerts.match_listing(bike.id, at=NOON) == 0
    assert fakes["sms"].sent == fakes["email"].sent == []
