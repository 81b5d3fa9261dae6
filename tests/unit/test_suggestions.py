"""What pages read from the recommenders' tables after the job ran: similar items and seen-together with
their reasons, a city's trend, a person's feed; sold, hidden and own products never appear."""
import pytest
from flask_babel import force_locale

from tests import factories as f
from vgk.extensions import db
from vgk.models import ProductStatus, UserStatus
from vgk.services.catalogue import catalog
from vgk.services.discovery import build, suggestions
from vgk.services.discovery.events import Person


@pytest.fixture
def market(app):
    douala, yaounde = f.city("Douala", "douala"), f.city("Yaoundé", "yaounde")
    electronics = f.category("Électronique", "electronique")
    phones = f.category("Téléphones", "telephones", parent=electronics)
    tvs = f.category("Télévisions", "televisions", parent=electronics)
    home = f.category("Maison", "maison")
    seller = f.user()
    items = {
        "a12": f.product("Samsung Galaxy A12 64 Go", category_=phones, city_=douala, price=60_000, seller=seller),
        "a12b": f.product("Samsung Galaxy A12 double SIM", category_=phones, city_=douala, price=65_000),
        "spark": f.product("Tecno Spark 10", category_=phones, city_=yaounde, price=55_000),
        "tv": f.product("Télé LG 43 pouces", category_=tvs, city_=douala, price=150_000),
        "chair": f.product("Chaise en bois", category_=home, city_=douala, price=8_000),
        "sold": f.product("Samsung Galaxy A12 vendu", category_=phones, city_=douala, price=60_000,
                          status=ProductStatus.SOLD),
    }
    return {"douala": douala, "yaounde": yaounde, "seller": seller, **items}


def visit(visitor, *products, kind="view"):
    from vgk.services.discovery import events

    for product in products:
        events.record(kind, Person(visitor=f"visitor-{visitor:016d}"), product.id)


def titles(found):
    return [s.product.title for s in found]


def test_similar_items_are_alike_and_say_why(market):
    build.rebuild()
    with force_locale("fr"):
        found = suggestions.similar(market["a12"])
    assert titles(found)[0] == "Samsung Galaxy A12 double SIM"
    assert found[0].reason == "Même catégorie · à Douala · prix proche"
    assert "Samsung Galaxy A12 vendu" not in titles(found) and "Chaise en bois" not in titles(found)
    with force_locale("en"):
        assert suggestions.similar(market["a12"])[0].reason == "Same category · in Douala · similar price"


def test_a_listing_the_job_has_not_seen_gets_the_category_and_price_rule(market):
    build.rebuild()
    fresh = f.product("Samsung A13", category_=market["a12"].category, city_=market["douala"], price=61_000)
    assert titles(suggestions.similar(fresh))[:2] == ["Samsung Galaxy A12 64 Go", "Samsung Galaxy A12 double SIM"]


def test_seen_together_comes_from_people_who_looked_at_both(market):
    for visitor in range(5):
        visit(visitor, market["a12"], market["tv"])
    for visitor in range(5, 8):
        visit(visitor, market["a12"], market["chair"])
    visit(9, market["a12"], market["spark"])  # one person only: never shown
    for visitor in range(10, 14):
        visit(visitor, market["a12"], market["sold"])
    build.rebuild()
    assert titles(suggestions.seen_together(market["a12"])) == ["Télé LG 43 pouces", "Chaise en bois"]
    market["tv"].status = ProductStatus.SOLD
    db.session.commit()
    assert titles(suggestions.seen_together(market["a12"])) == ["Chaise en bois"]  # sold: gone at once


def test_trending_is_per_city_and_hides_suspended_sellers(market):
    for visitor in range(6):
        visit(visitor, market["tv"])
    visit(7, market["chair"], kind="purchase")  # a purchase weighs five views
    visit(6, market["spark"])
    build.rebuild()
    with force_locale("fr"):
        found = suggestions.trending(market["douala"], 2)
    assert titles(found) == ["Télé LG 43 pouces", "Chaise en bois"]
    assert found[0].reason == "Populaire à Douala"
    assert titles(suggestions.trending(market["yaounde"], 1)) == ["Tecno Spark 10"]
    market["tv"].seller.status = UserStatus.SUSPENDED
    db.session.commit()
    assert "Télé LG 43 pouces" not in titles(suggestions.trending(market["douala"], 5))


def test_the_feed_follows_what_the_person_did_never_what_they_saw_nor_their_own(market):
    for visitor in range(3):
        visit(visitor, market["a12"], market["a12b"], market["tv"])
    build.rebuild()
    me = Person(user_id=market["seller"].id)  # the seller of the A12 browsing
    visit_user = market["seller"]
    from vgk.services.discovery import events

    events.record("view", me, market["a12b"].id)
    with force_locale("fr"):
        feed = suggestions.for_person(me, market["douala"], 3, visit_user)
    assert "Samsung Galaxy A12 double SIM" not in titles(feed)  # already seen
    assert "Samsung Galaxy A12 64 Go" not in titles(feed)  # their own listing
    assert feed[0].product.title == "Télé LG 43 pouces"
    assert feed[0].reason == "Vu par ceux qui ont regardé « Samsung Galaxy A12 double SIM »"


def test_without_history_the_feed_is_the_city_trend(market):
    for visitor in range(2):
        visit(visitor, market["spark"])
    build.rebuild()
    with force_locale("fr"):
        feed = suggestions.for_person(Person(visitor="visitor-new-0000000001"), market["yaounde"], 3)
    assert titles(feed)[0] == "Tecno Spark 10" and feed[0].reason == "Populaire à Yaoundé"


def test_the_city_shown_is_chosen_else_the_accounts_else_where_the_person_looks(market):
    client = f.user(city_id=market["yaounde"].id)
    visitor = Person(visitor="visitor-0000000000000042")
    assert suggestions.city_for(visitor, market["yaounde"]).slug == "yaounde"
    assert suggestions.city_for(Person(user_id=client.id), None, client).slug == "yaounde"
    visit(42, market["tv"], market["chair"], market["spark"])
    assert suggestions.city_for(visitor).slug == "douala"
    assert catalog.city_by_slug("douala").id == market["douala"].id


def test_a_small_towns_trend_is_completed_by_the_whole_countrys(market):
    town = f.city("Loum", "loum")
    f.product("Vélo de Loum", city_=town)
    for visitor in range(3):
        visit(visitor, market["tv"])
    build.rebuild()
    with force_locale("fr"):
        found = suggestions.trending(town, 3)
    assert titles(found)[:2] == ["Vélo de Loum", "Télé LG 43 pouces"]
    assert [s.reason for s in found][:2] == ["Populaire à Loum", "Populaire en ce moment"]
