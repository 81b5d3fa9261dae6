"""The catalogue on the API: listing with the web's filters and pages, product page, favourites,
trending and recommended products, and the categories, cities and pickup points the app filters with."""
import pytest
from flask import current_app

from tests import factories as f
from vgk.extensions import db
from vgk.models import Condition, ProductStatus, Review, Role
from vgk.services.discovery import build


def titles(response):
    return [card["title"] for card in response.get_json()["results"]]


def test_listing_pages_of_twenty_with_count_and_links(api):
    for n in range(23):
        f.product(f"Objet {n:02d}", age_minutes=n)
    first = api.get("products/").get_json()
    assert first["count"] == 23 and len(first["results"]) == 20 and first["previous"] is None
    assert first["results"][0]["title"] == "Objet 00" and first["results"][0]["price_display"] == "10 000 FCFA"
    assert first["next"].startswith("http://") and "page=2" in first["next"]
    second = api.get("products/", query={"page": 2}).get_json()
    assert [c["title"] for c in second["results"]] == ["Objet 20", "Objet 21", "Objet 22"]
    assert second["next"] is None and "page=1" in second["previous"]


def test_the_count_stops_at_its_limit_and_says_so(api, monkeypatch):
    from vgk.services.catalogue import catalog

    for n in range(7):
        f.product(f"Objet {n}")
    assert api.get("products/").get_json()["count_capped"] is False
    monkeypatch.setattr(catalog, "COUNT_LIMIT", 5)
    monkeypatch.setitem(current_app.config, "KEPT_VALUES", False)  # the list kept a minute was counted before
    body = api.get("products/").get_json()
    assert body["count"] == 5 and body["count_capped"] is True and len(body["results"]) == 7


def test_listing_filters_search_and_sorts(api):
    phones, douala = f.category(slug="telephones"), f.city(slug="douala")
    f.product("Téléphone Tecno", category_=phones, city_=douala, price=30_000, condition=Condition.NEW)
    f.product("Téléphone Itel", category_=phones, price=15_000)
    f.product("Chaise en bois", city_=douala, price=5_000)
    assert titles(api.get("products/", query={"q": "telephone", "sort": "price_asc"})) == [
        "Téléphone Itel", "Téléphone Tecno"]
    assert titles(api.get("products/", query={"category": "telephones", "city": "douala"})) == ["Téléphone Tecno"]
    assert titles(api.get("products/", query={"condition": "NEUF"})) == ["Téléphone Tecno"]
    assert titles(api.get("products/", query={"min_price": 10_000, "max_price": 20_000})) == ["Téléphone Itel"]
    assert titles(api.get("products/", query={"sort": "price_desc"}))[0] == "Téléphone Tecno"
    answer = api.get("products/", query={"q": "telephone", "city": "douala"}).get_json()
    assert answer["count"] == 1 and "q=telephone" not in (answer["next"] or "")


def test_listing_ignores_unknown_places_but_refuses_values_outside_the_schema(api):
    f.product("Radio")
    for params in ({"category": "nope"}, {"city": "nowhere"}, {"q": "\x00"}, {"category": "a\x00b" * 50},
                   {"sort": "relevance"}, {"min_price": " 5 "}):
        response = api.get("products/", query=params)
        assert response.status_code == 200 and titles(response) == ["Radio"], params
    for name, value in (("page", "x"), ("page", "0"), ("page", "501"), ("page", "-1"), ("condition", "BROKEN"),
                        ("sort", "weird"), ("min_price", "abc"), ("max_price", "-1"), ("max_price", "10000000000")):
        response = api.get("products/", query={name: value})
        assert response.status_code == 400 and name in response.get_json()["error"]["fields"], (name, value)


@pytest.mark.parametrize("status", [ProductStatus.PENDING, ProductStatus.REJECTED, ProductStatus.DRAFT,
                                    ProductStatus.ARCHIVED])
def test_unlisted_products_are_not_found(api, status):
    item = f.product(status=status)
    assert api.get(f"products/{item.public_id}/").status_code == 404
    assert api.get("products/zzzzzzzzzzzz/").status_code == 404


def test_product_page_counts_a_view_and_rates_the_seller(api):
    seller = f.user(name="Mama Ngono")
    item = f.product("Poste radio", seller=seller, images=1)
    body = api.get(f"products/{item.public_id}/").get_json()["product"]
    assert body["title"] == "Poste radio" and body["seller"] == {
        "id": seller.public_id, "name": "Mama Ngono", "rating": {"average": None, "count": 0}}
    assert "is_favorite" not in body and body["images"][0]["url"].startswith("http://")
    assert body["images"][0]["thumb_url"] == body["thumbnail_url"]
    order = f.place_order(f.product(seller=seller))
    db.session.add(Review(order_item_id=order.items[0].id, author_id=f.user().id, seller_id=seller.id, rating=4))
    db.session.commit()
    again = api.get(f"products/{item.public_id}/").get_json()["product"]
    # a view counts once a day per person (per address without an id)
    assert again["seller"]["rating"] == {"average": 4.0, "count": 1} and again["view_count"] == 1
    api.get(f"products/{item.public_id}/", headers={"X-Visitor-Id": "app-install-counted-once"})
    db.session.refresh(item)
    assert item.view_count == 2


def test_a_sold_or_reserved_product_keeps_its_page_with_its_status(api):
    sold = f.product("Radio vendue", status=ProductStatus.SOLD, quantity=0)
    held = f.product("Radio retenue")
    f.place_order(held)  # its last one, held by an order awaiting payment
    for item, status in ((sold, "SOLD"), (held, "RESERVED")):
        response = api.get(f"products/{item.public_id}/")
        assert response.status_code == 200
        body = response.get_json()["product"]
        assert body["title"] == item.title and body["status"] == status and body["quantity"] == 0
        assert api.post("visitor/add_to_cart/", {"product_id": item.public_id}).status_code == 409
    assert api.get("products/").get_json()["count"] == 0  # still out of the listing


def test_favourite_toggle_for_clients_only(api):
    client, item = f.user(), f.product()
    token = f.api_token(client)
    assert api.get(f"products/{item.public_id}/", token=token).get_json()["product"]["is_favorite"] is False
    assert api.post(f"products/{item.public_id}/favorite/", token=token).get_json() == {
        "success": True, "is_favorite": True}
    assert api.get(f"products/{item.public_id}/", token=token).get_json()["product"]["is_favorite"] is True
    assert api.post(f"products/{item.public_id}/favorite/", token=token).get_json()["is_favorite"] is False
    assert api.post(f"products/{item.public_id}/favorite/").status_code == 401
    assert api.post(f"products/{item.public_id}/favorite/", user=f.user(Role.STAFF)).status_code == 403
    assert api.post(f"products/{item.public_id}/favorite/", user=f.user(Role.ADMIN)).status_code == 403
    assert api.post("products/zzzzzzzzzzzz/favorite/", token=token).status_code == 404
    hidden = f.product(status=ProductStatus.PENDING)
    assert api.post(f"products/{hidden.public_id}/favorite/", token=token).status_code == 404
    assert api.get(f"products/{item.public_id}/", token="not-a-token").status_code == 401


APP_VISITOR = {"X-Visitor-Id": "app-install-0123456789"}


def test_trending_is_what_people_do_in_the_city_and_says_so(api):
    douala, yaounde = f.city("Douala", slug="douala", position=1), f.city("Yaoundé", slug="yaounde", position=2)
    seen, other = f.product("Vu souvent", city_=douala), f.product("Peu vu", city_=douala)
    far = f.product("Loin", city_=yaounde)
    for n in range(3):
        api.get(f"products/{seen.public_id}/", headers={"X-Visitor-Id": f"app-install-{n:012d}"})
    api.get(f"products/{far.public_id}/", headers=APP_VISITOR)
    build.rebuild()
    body = api.get("products/trending/").get_json()
    assert body["city"]["slug"] == "douala" and titles(api.get("products/trending/"))[:2] == ["Vu souvent", "Peu vu"]
    assert body["results"][0]["reason"] == "Populaire à Douala"
    assert titles(api.get("products/trending/", query={"city": "yaounde"}))[0] == "Loin"
    assert other.title in titles(api.get("products/trending/", query={"city": "nowhere"}))


def test_recommended_follows_the_caller_with_reasons_never_their_own(api):
    douala = f.city("Douala", slug="douala")
    phones, chairs = f.category("Téléphones"), f.category("Chaises")
    client = f.user(city_id=douala.id)
    liked = f.product("Téléphone aimé", category_=phones, city_=douala)
    alike = f.product("Autre téléphone", category_=phones, city_=douala)
    f.product("Mon téléphone", category_=phones, seller=client, city_=douala)
    f.product("Chaise", category_=chairs, city_=douala)
    for n in range(2):  # other people looked at both phones
        for item in (liked, alike):
            api.get(f"products/{item.public_id}/", headers={"X-Visitor-Id": f"app-install-{n:012d}"})
    build.rebuild()
    api.post(f"products/{liked.public_id}/favorite/", user=client)
    body = api.get("products/recommended/", user=client).get_json()
    assert body["results"][0]["title"] == "Autre téléphone"
    assert body["results"][0]["reason"] == "Parce que vous aimez « Téléphone aimé »"
    assert "Mon téléphone" not in titles(api.get("products/recommended/", user=client))
    assert "Téléphone aimé" not in titles(api.get("products/recommended/", user=client))
    api.get(f"products/{liked.public_id}/", headers=APP_VISITOR)  # an app without an account
    app_picks = api.get("products/recommended/", headers=APP_VISITOR).get_json()["results"]
    assert app_picks[0]["title"] == "Autre téléphone"
    assert app_picks[0]["reason"] == "Parce que vous avez regardé « Téléphone aimé »"
    english = api.get("products/recommended/", headers={**APP_VISITOR, "Accept-Language": "en"}).get_json()
    assert english["results"][0]["reason"] == "Because you looked at “Téléphone aimé”"
    nobody = api.get("products/recommended/").get_json()["results"]
    assert nobody and all(r["reason"].startswith("Populaire à") for r in nobody)
    assert api.get("products/recommended/", headers={"X-Visitor-Id": "bad"}).status_code == 200


def test_an_app_search_is_noted_with_its_count(api):
    from sqlalchemy import select

    from vgk.models import BehaviourEvent

    f.product("Frigo Haier")
    api.get("products/", query={"q": "frigo"}, headers=APP_VISITOR)
    api.get("products/", query={"q": "frigo"}, headers={**APP_VISITOR, "Sec-GPC": "1"})
    rows = db.session.scalars(select(BehaviourEvent)).all()
    assert [(r.kind, r.query, r.results, r.visitor) for r in rows] == [
        ("search", "frigo", 1, APP_VISITOR["X-Visitor-Id"])]


def test_categories_cities_and_pickup_points(api):
    top = f.category("Maison", slug="maison", position=1)
    f.category("Cuisine", slug="cuisine", parent=top)
    douala, yaounde = f.city("Douala", slug="douala", delivery_fee=1500), f.city("Yaoundé", slug="yaounde")
    akwa = f.pickup_point(douala, name="Akwa")
    f.pickup_point(yaounde, name="Bastos")
    f.pickup_point(douala, name="Fermé", is_active=False)
    categories = api.get("categories/").get_json()["results"]
    assert categories == [{"slug": "maison", "name": "Maison", "icon": "",
                           "children": [{"slug": "cuisine", "name": "Cuisine", "icon": ""}]}]
    cities = {c["slug"]: c["delivery_fee"] for c in api.get("cities/").get_json()["results"]}
    assert cities == {"douala": 1500, "yaounde": None}
    everywhere = api.get("pickup_points/").get_json()["results"]
    assert sorted(p["name"] for p in everywhere) == ["Akwa", "Bastos"]
    in_douala = api.get("pickup_points/", query={"city": "douala"}).get_json()["results"]
    assert [(p["id"], p["city"]["slug"]) for p in in_douala] == [(akwa.public_id, "douala")]
    assert api.get("pickup_points/", query={"city": "nowhere"}).get_json()["results"] == []


def test_search_finds_category_items_and_suggests_when_empty(api):
    phones = f.category("Téléphones & tablettes", slug="telephones", name_en="Phones & tablets")
    f.product("Tecno Spark 10", category_=phones)
    popular = f.product("Chaise en bois", view_count=9)
    found = api.get("products/", query={"q": "smartphone"}).get_json()
    assert titles_of(found) == ["Tecno Spark 10"] and found["count"] == 1 and "suggestions" not in found
    empty = api.get("products/", query={"q": "telephone xyzzy"}).get_json()
    assert empty["count"] == 0 and empty["results"] == []
    assert [c["slug"] for c in empty["suggestions"]["categories"]] == ["telephones"]
    assert empty["suggestions"]["products"][0]["title"] == popular.title


def titles_of(body):
    return [card["title"] for card in body["results"]]


def test_the_app_turns_history_off_for_an_account_or_an_install(api):
    from sqlalchemy import select

    from vgk.models import BehaviourEvent

    item, client = f.product(), f.user()
    api.get(f"products/{item.public_id}/", headers=APP_VISITOR)
    api.get(f"products/{item.public_id}/", user=client)
    assert len(db.session.scalars(select(BehaviourEvent)).all()) == 2
    assert api.post("products/history/", {"use": False}, headers=APP_VISITOR).get_json() == {
        "success": True, "use": False}
    assert [r.user_id for r in db.session.scalars(select(BehaviourEvent))] == [client.id]
    assert api.post("products/history/", {"use": False}, user=client).status_code == 200
    db.session.refresh(client)
    assert client.uses_history is False and db.session.scalars(select(BehaviourEvent)).all() == []
    assert api.post("products/history/", {"use": "no"}, user=client).status_code == 400
    assert api.post("products/history/", {"use": False}).status_code == 400  # nobody to act for
