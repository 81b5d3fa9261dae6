"""What a catalogue request costs the database: every catalogue page, the product page and every API list
run at most 5 SQL statements whatever the number of cards (the category tree, cities and pickup points
come from memory); those lists follow an admin's change at once, and so does the short-lived page cache
when a product sells. Pages given from that cache still count their views and searches."""
import pytest
from sqlalchemy import select, text

from tests import factories as f
from tests.api.test_paging import counted_statements
from vgk.extensions import db
from vgk.models import BehaviourEvent, Favourite, Product, Role
from vgk.services.backoffice import places
from vgk.services.catalogue import versions
from vgk.text import format_xaf

MAX_STATEMENTS = 5


@pytest.fixture
def shop(app):
    """A small catalogue like the demo's: two families with subcategories, three cities (the first one
    with enough listings to fill the home page), photos, pickup points, a client with favourites."""
    douala, yaounde, buea = (f.city("Douala", "douala", position=1), f.city("Yaoundé", "yaounde", position=2),
                             f.city("Buea", "buea", position=3))
    phones = f.category("Téléphones", "telephones", icon="📱")
    home_ = f.category("Maison", "maison", icon="🏠")
    kids = [f.category(f"Sous-catégorie {n}", f"sous-{n}", parent=parent)
            for n, parent in enumerate([phones, phones, home_, home_])]
    for city in (douala, yaounde):
        f.pickup_point(city, f"Point {city.name}")
    sellers = [f.user(name=f"Vendeur {n}") for n in range(3)]
    products = [f.product(f"Samsung Galaxy {n}" if n % 2 else f"Chaise en bois {n}", seller=sellers[n % 3],
                          category_=kids[n % 4], city_=(douala, yaounde, buea)[n % 3] if n >= 12 else douala,
                          price=5_000 + 1_000 * n, images=1 if n < 6 else 0, age_minutes=n)
                for n in range(24)]
    client = f.user(name="Cliente")
    for product in products[:5]:
        db.session.add(Favourite(user_id=client.id, product_id=product.id))
    db.session.commit()
    return {"products": products, "client": client, "phones": phones}


PAGES = ["/", "/produits", "/produits?category=telephones", "/produits?category=sous-1&city=douala",
         "/produits?q=samsung", "/produits?q=chaise&sort=price_asc", "/produits?page=2", "product page"]
API_LISTS = ["products/", "products/?q=samsung", "products/?category=maison&city=douala", "products/?page=2",
             "categories/", "cities/", "pickup_points/", "pickup_points/?city=douala", "products/trending/",
             "products/recommended/", "client/favourites/", "client/listings/", "client/orders/",
             "client/alerts/", "client/notifications/", "client/conversations/"]


def _count(client, url, headers=None):
    client.get(url, headers=headers)  # warm-up: the lists in memory, the views counted today
    with counted_statements() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    # Behaviour events and counted views are written by a thread off the request in production (at once
    # in tests; see the next test).
    off_request = ("INSERT INTO behaviour_events", "UPDATE products SET view_count")
    return [s for s in statements if not s.startswith(off_request)]


@pytest.fixture
def built(app, monkeypatch):
    """Every answer built (the parts of pages kept for a minute are tested in test_kept_parts.py)."""
    monkeypatch.setitem(app.config, "KEPT_VALUES", False)


@pytest.mark.parametrize("page", PAGES)
def test_a_catalogue_page_runs_at_most_five_statements(app, client, shop, page, built):
    url = f"/p/{shop['products'][3].public_id}" if page == "product page" else page
    statements = _count(client, url)
    assert len(statements) <= MAX_STATEMENTS, "\n".join(statements)


def test_a_product_page_view_writes_no_product_row(app, client, shop, monkeypatch):
    monkeypatch.setitem(app.config, "DISCOVERY_FLUSH_SECONDS", 3600)  # as in production: a batch now and then
    product = shop["products"][4]
    with counted_statements() as statements:
        assert client.get(f"/p/{product.public_id}").status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))], statements
    waiting = app.extensions["vgk_events"].waiting
    assert [row["product_id"] for row in waiting] == [product.id]  # the view, counted by the next batch


@pytest.mark.parametrize("path", API_LISTS)
def test_an_api_list_runs_at_most_five_statements(app, client, shop, path, built):
    headers = {"Authorization": f"Bearer {f.api_token(shop['client'])}"} if path.startswith("client/") else None
    statements = _count(client, "/mobile/api/" + path, headers)
    assert len(statements) <= MAX_STATEMENTS, "\n".join(statements)


def test_a_renamed_category_shows_on_the_next_page(app, client, shop):
    assert "Téléphones" in client.get("/").get_data(as_text=True)  # the tree is now kept in memory
    admin = f.user(role=Role.ADMIN)
    places.rename_category(admin, shop["phones"], "Portables", "Mobile phones")
    html = client.get("/produits").get_data(as_text=True)
    assert "Portables" in html and "Téléphones" not in html
    names = [c["name"] for c in client.get("/mobile/api/categories/").get_json()["results"]]
    assert "Portables" in names and "Téléphones" not in names


def test_a_new_city_and_pickup_point_show_on_the_next_answer(app, client, shop):
    assert [c["slug"] for c in client.get("/mobile/api/cities/").get_json()["results"]] == ["douala", "yaounde", "buea"]
    f.pickup_point(f.city("Kribi", "kribi", position=4), "Point Kribi")
    assert [c["slug"] for c in client.get("/mobile/api/cities/").get_json()["results"]][-1] == "kribi"
    points = client.get("/mobile/api/pickup_points/?city=kribi").get_json()["results"]
    assert [p["name"] for p in points] == ["Point Kribi"]


@pytest.fixture
def page_cache(app):
    """The page cache in front of the app as in production (tests build every page by default)."""
    cache = app.extensions["vgk_page_cache"]
    cache.seconds, cache.entries = 60, {}
    yield cache
    cache.seconds, cache.entries = 0, {}


def _titles(client):
    return [card["title"] for card in client.get("/mobile/api/products/").get_json()["results"]]


def test_the_page_cache_answers_anonymous_lists_until_a_product_sells(app, shop, page_cache, built):
    visitor = app.test_client(use_cookies=False)
    newest, title = shop["products"][0], shop["products"][0].title
    assert _titles(visitor)[0] == title
    # A change the catalogue's version does not see (raw SQL) is not shown: the kept answer is.
    db.session.execute(text("UPDATE products SET title = 'Titre changé en SQL' WHERE id = :id"), {"id": newest.id})
    db.session.commit()
    assert _titles(visitor)[0] == title
    with_token = visitor.get("/mobile/api/products/", headers={"Authorization": f"Bearer {f.api_token(f.user())}"})
    assert with_token.get_json()["results"][0]["title"] == "Titre changé en SQL"  # never from the cache
    f.place_order(shop["products"][1])  # sold (reserved for its buyer): off the list at once
    titles = _titles(visitor)
    assert shop["products"][1].title not in titles and titles[0] == "Titre changé en SQL"


def test_the_page_cache_keeps_no_answer_that_sets_a_cookie_or_is_personal(app, shop, page_cache):
    visitor = app.test_client(use_cookies=False)
    chosen_city = visitor.get("/?ville=douala")
    assert chosen_city.headers.getlist("Set-Cookie") and "public" not in chosen_city.headers.get("Cache-Control", "")
    search = visitor.get("/mobile/api/products/?q=samsung")
    assert "public" not in search.headers.get("Cache-Control", "")  # the app's search is counted each time
    listing = visitor.get("/mobile/api/products/")
    assert listing.headers["Cache-Control"] == "public, no-cache" and "X-VGK-Shareable" not in listing.headers
    signed_in = app.test_client()
    f.sign_in(signed_in, shop["client"])
    assert signed_in.get("/").headers["Cache-Control"] == "no-store"
    assert [key[2] for key in page_cache.entries] == ["/mobile/api/products/"]


def test_the_home_page_and_the_catalogue_are_kept_and_a_price_change_or_sale_shows_at_once(app, shop, page_cache):
    visitor = app.test_client(use_cookies=False)
    newest = shop["products"][0]
    for path in ("/", "/produits"):
        first, again = visitor.get(path), visitor.get(path)
        assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("miss", "hit"), path
        assert again.get_data() == first.get_data() and "Set-Cookie" not in again.headers
        assert newest.title in again.get_data(as_text=True)
    newest.price = 7_777
    db.session.commit()
    for path in ("/", "/produits"):
        page = visitor.get(path)
        assert page.headers["X-Cache"] == "miss" and format_xaf(7_777) in page.get_data(as_text=True), path
    f.place_order(newest)  # sold (reserved for its buyer): off the lists at once
    for path in ("/", "/produits"):
        page = visitor.get(path).get_data(as_text=True)
        assert newest.title not in page, path


def test_a_browser_coming_back_gets_a_304_from_the_kept_page(app, shop, page_cache):
    visitor = app.test_client(use_cookies=False)
    first = visitor.get("/produits")
    again = visitor.get("/produits", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["X-Cache"] == "hit" and again.get_data() == b""


def test_a_visitor_id_or_data_saver_choice_is_kept_apart_but_a_session_is_never_served(app, shop, page_cache):
    with_id = app.test_client()
    with_id.set_cookie("vgk_v", "visitor-kept-apart-0001")
    other_id = app.test_client()
    other_id.set_cookie("vgk_v", "visitor-kept-apart-0002")
    assert with_id.get("/").headers["X-Cache"] == "miss"
    assert other_id.get("/").headers["X-Cache"] == "hit"  # the same page for every visitor with an id
    assert 'id="for-you"' in other_id.get("/").get_data(as_text=True)
    assert 'id="for-you"' not in app.test_client(use_cookies=False).get("/").get_data(as_text=True)
    saver = app.test_client(use_cookies=False).get("/produits", headers={"Save-Data": "on"})
    assert saver.headers["X-Cache"] == "miss"
    session = app.test_client()
    session.set_cookie("session", "anything")
    assert "X-Cache" not in session.get("/").headers


def test_a_kept_product_page_still_counts_each_visitors_view(app, shop, page_cache):
    item = shop["products"][5]
    url = f"/p/{item.public_id}"
    pages = [app.test_client(use_cookies=False).get(url, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
             for n in (1, 2, 3, 3)]  # three addresses, the last one twice
    assert [page.headers["X-Cache"] for page in pages] == ["miss", "hit", "hit", "hit"]
    for n, cache in ((1, "miss"), (2, "hit")):  # visitors with an id share another kept page
        visitor = app.test_client()
        visitor.set_cookie("vgk_v", f"visitor-who-looks-000{n}")
        assert visitor.get(url).headers["X-Cache"] == cache
    with_gpc = app.test_client(use_cookies=False)
    for _ in range(2):
        with_gpc.get(url, headers={"Sec-GPC": "1"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    db.session.expire_all()
    assert db.session.get(Product, item.id).view_count == 6  # once a day per address or visitor
    assert [(row.kind, row.visitor) for row in db.session.scalars(
        select(BehaviourEvent).where(BehaviourEvent.product_id == item.id).order_by(BehaviourEvent.id))] == [
        ("view", "visitor-who-looks-0001"), ("view", "visitor-who-looks-0002")]  # only visitors with an id are kept


def test_a_kept_search_still_records_each_visitors_search(app, shop, page_cache):
    for n in (1, 2):
        visitor = app.test_client()
        visitor.set_cookie("vgk_v", f"visitor-who-searches-{n:04d}")
        assert visitor.get("/produits?q=samsung").headers["X-Cache"] == ("miss", "hit")[n - 1]
    searches = [(row.visitor, row.query, row.results) for row in db.session.scalars(
        select(BehaviourEvent).where(BehaviourEvent.kind == "search").order_by(BehaviourEvent.id))]
    assert searches == [("visitor-who-searches-0001", "samsung", 12), ("visitor-who-searches-0002", "samsung", 12)]
    declining = app.test_client()
    declining.set_cookie("vgk_v", "visitor-who-searches-0003")
    declining.get("/produits?q=samsung", headers={"DNT": "1"})
    declining.get("/produits?q=samsung", headers={"DNT": "1"})
    assert db.session.scalar(select(db.func.count()).select_from(BehaviourEvent)) == 2


def test_a_commit_that_changes_the_catalogue_moves_its_version(app, shop):
    before = versions.current(app)
    f.user()  # a new account changes no page
    assert versions.current(app) == before
    shop["products"][2].price = 1_000
    db.session.commit()
    after = versions.current(app)
    assert after[1] != before[1] and after[0] == before[0]  # the catalogue moved, not the reference lists


def test_a_card_built_once_shows_a_new_price_or_city_name_at_once(app, client, shop):
    newest = shop["products"][0]
    assert format_xaf(newest.price) in client.get("/produits").get_data(as_text=True)  # its card now kept
    newest.price = 4_321
    db.session.commit()
    assert format_xaf(4_321) in client.get("/produits").get_data(as_text=True)
    newest.city.name = "Douala Centre"
    db.session.commit()
    assert "Douala Centre ·" in client.get("/produits").get_data(as_text=True)
