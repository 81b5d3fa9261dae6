"""What a catalogue request costs the database: every catalogue page, the product page and every API list
run at most 5 SQL statements whatever the number of cards (the category tree, cities and pickup points
come from memory); those lists follow an admin's change at once, and so does the short-lived page cache
when a product sells."""
import pytest
from sqlalchemy import text

from tests import factories as f
from tests.api.test_paging import counted_statements
from vgk.extensions import db
from vgk.models import Favourite, Role
from vgk.services.backoffice import places
from vgk.services.catalogue import versions

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


@pytest.mark.parametrize("page", PAGES)
def test_a_catalogue_page_runs_at_most_five_statements(app, client, shop, page):
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
def test_an_api_list_runs_at_most_five_statements(app, client, shop, path):
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
    cache = app.wsgi_app
    cache.seconds, cache.entries = 60, {}
    yield cache
    cache.seconds, cache.entries = 0, {}


def _titles(client):
    return [card["title"] for card in client.get("/mobile/api/products/").get_json()["results"]]


def test_the_page_cache_answers_anonymous_lists_until_a_product_sells(app, shop, page_cache):
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
    home = visitor.get("/")  # no cookie on an anonymous page: kept
    assert not home.headers.getlist("Set-Cookie") and home.headers["Cache-Control"] == "public, max-age=0"
    city = visitor.get("/?ville=yaounde")  # remembers the city chosen: not kept
    assert city.headers.getlist("Set-Cookie") and "public" not in city.headers.get("Cache-Control", "")
    search = visitor.get("/mobile/api/products/?q=samsung")
    assert "public" not in search.headers.get("Cache-Control", "")  # a search is counted each time
    listing = visitor.get("/mobile/api/products/")
    assert listing.headers["Cache-Control"] == "public, max-age=0" and "X-VGK-Shareable" not in listing.headers
    assert [key[2] for key in page_cache.entries] == ["/", "/mobile/api/products/"]


def test_a_commit_that_changes_the_catalogue_moves_its_version(app, shop):
    before = versions.current(app)
    f.user()  # a new account changes no page
    assert versions.current(app) == before
    shop["products"][2].price = 1_000
    db.session.commit()
    after = versions.current(app)
    assert after[1] != before[1] and after[0] == before[0]  # the catalogue moved, not the reference lists
