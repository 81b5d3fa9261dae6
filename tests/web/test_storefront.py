"""The visitor storefront over HTTP: full pages without JavaScript, fragments for htmx."""
import re

import pytest

from tests import factories as f
from vgk.models import ProductStatus
from vgk.text import format_xaf

HX = {"HX-Request": "true"}


@pytest.fixture
def shop(app):
    electronics = f.category("Électronique", slug="electronique", name_en="Electronics")
    phones = f.category("Téléphones", slug="telephones", parent=electronics, name_en="Phones")
    fashion = f.category("Mode", slug="mode", name_en="Fashion")
    douala = f.city("Douala", slug="douala")
    yaounde = f.city("Yaoundé", slug="yaounde")
    seller = f.user(name="Aïcha Mbarga")
    items = {
        "tv": f.product("Télé Samsung 43 pouces", seller=seller, category_=electronics, city_=douala,
                        price=125_000, images=2, age_minutes=5),
        "phone": f.product("Tecno Spark 10", seller=seller, category_=phones, city_=yaounde,
                           price=65_000, images=1, age_minutes=10, condition="COMME_NEUF"),
        "dress": f.product("Robe en pagne wax", seller=seller, category_=fashion, city_=douala,
                           price=8_500, images=1, age_minutes=15, negotiable=True),
    }
    for status in (ProductStatus.PENDING, ProductStatus.REJECTED, ProductStatus.DRAFT):
        items[status] = f.product(f"Télé cachée {status}", seller=seller, category_=electronics,
                                  city_=douala, status=status)
    return items


def product_links(html):
    return re.findall(r'href="/p/([A-Za-z0-9_-]+)"', html)


def test_home_shows_categories_newest_and_prices(client, shop):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Électronique" in html and "Mode" in html
    assert "Télé Samsung 43 pouces" in html
    assert "125 000 FCFA" in html
    assert 'lang="fr"' in html
    assert "cachée" not in html


def test_list_page_is_a_full_page_with_plain_links(client, shop):
    response = client.get("/produits")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html
    assert set(product_links(html)) >= {shop["tv"].public_id, shop["phone"].public_id, shop["dress"].public_id}
    assert "cachée" not in html
    assert 'name="q"' in html


def test_htmx_request_gets_only_the_results_fragment(client, shop):
    response = client.get("/produits?category=electronique", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and "<head" not in html
    assert "Tecno Spark 10" in html and "Télé Samsung 43 pouces" in html
    assert "Robe en pagne wax" not in html
    assert "HX-Request" in response.headers.get("Vary", "")


def _walk_pages_without_js(client, url):
    seen, visited = [], 0
    while url:
        html = client.get(url).get_data(as_text=True)
        visited += 1
        seen += product_links(html)
        match = re.search(rf'<a[^>]*href="(/produits\?[^"]*page={visited + 1}[^"]*)"', html)
        url = match.group(1).replace("&amp;", "&") if match else None
    return seen, visited


def test_pagination_with_plain_links_and_with_load_more(client, app):
    seller, cat, town = f.user(), f.category(slug="meubles"), f.city(slug="bafoussam")
    for n in range(45):
        f.product(f"Chaise {n:02d}", seller=seller, category_=cat, city_=town, age_minutes=n)
    seen, pages = _walk_pages_without_js(client, "/produits?category=meubles")
    assert pages == 3
    assert len(seen) == 45 and len(set(seen)) == 45

    # With htmx, "load more" returns the next cards only, plus the next load-more control.
    first = client.get("/produits?category=meubles").get_data(as_text=True)
    more = re.search(r'hx-get="([^"]*more=1[^"]*)"', first)
    assert more, "the list page offers an htmx load-more control"
    response = client.get(more.group(1).replace("&amp;", "&"), headers=HX)
    cards = response.get_data(as_text=True)
    assert "<html" not in cards and 'id="results"' not in cards
    assert len(set(product_links(cards))) == 20
    assert not set(product_links(cards)) & set(product_links(first))


def test_search_page_finds_accent_variants(client, shop):
    html = client.get("/produits?q=TELE").get_data(as_text=True)
    assert product_links(html) == [shop["tv"].public_id]
    html = client.get("/produits?q=zzzzzz").get_data(as_text=True)
    grid = html.split('id="product-grid"', 1)[1].split("</div>", 1)[0]
    assert product_links(grid) == []
    assert "Aucun produit ne correspond à votre recherche." in html


@pytest.mark.parametrize(
    "query",
    [
        "page=abc", "page=-1", "page=0", "page=999999999999999999999", "category=nope", "city=atlantis",
        "condition=CASSE", "sort=drop", "min_price=999999999999999999999999", "max_price=-5",
        "min_price=abc&max_price=%00", "q=" + "x" * 5000, "q=%22%27%3B--", "more=1&page=abc",
        "category=" + "a" * 500,
    ],
)
def test_bad_listing_input_gets_a_sane_default(client, shop, query):
    for headers in ({}, HX):
        response = client.get(f"/produits?{query}", headers=headers)
        assert response.status_code == 200, query


def test_unknown_filter_is_reported_to_the_user(client, shop):
    html = client.get("/produits?category=nope&city=atlantis").get_data(as_text=True)
    assert "Catégorie inconnue : ce filtre a été ignoré." in html
    assert "Ville inconnue : ce filtre a été ignoré." in html
    assert shop["tv"].public_id in product_links(html)


def test_product_page_shows_gallery_price_and_similar_items(client, shop):
    tv = shop["tv"]
    response = client.get(f"/p/{tv.public_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Télé Samsung 43 pouces" in html and "125 000 FCFA" in html and "Douala" in html
    for image in tv.images:
        assert image.large_key in html
    assert shop["phone"].public_id in product_links(html)  # same family, shown as similar
    client.post("/visiteur", headers={"Origin": "http://localhost"})  # app.js asks for a visitor id
    client.get(f"/p/{tv.public_id}")
    from vgk.extensions import db

    db.session.refresh(tv)
    assert tv.view_count == 2


@pytest.mark.parametrize("status", [ProductStatus.PENDING, ProductStatus.REJECTED, ProductStatus.DRAFT])
def test_non_public_products_are_unreachable(client, shop, status):
    hidden = shop[status]
    assert client.get(f"/p/{hidden.public_id}").status_code == 404
    for url in ("/produits", "/produits?q=cachee", "/produits?category=electronique", "/"):
        assert hidden.public_id not in client.get(url).get_data(as_text=True)


def test_integer_ids_are_not_urls(client, shop):
    assert client.get(f"/p/{shop['tv'].id}").status_code == 404


def test_language_switch_to_english_and_back(client, shop):
    response = client.get("/langue/en?next=/produits", follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/produits")
    html = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in html
    client.get("/langue/fr")
    assert 'lang="fr"' in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    for target in ("//evil.example/x", "https://evil.example/", "http:evil.example"):
        response = client.get(f"/langue/en?next={target}")
        assert "evil.example" not in response.headers["Location"]


def test_unknown_pages_get_a_friendly_404(client, app):
    import html

    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Cette page n'existe pas." in html.unescape(response.get_data(as_text=True))
    response = client.get("/nulle-part", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["success"] is False


def test_signed_in_pages_are_never_stored(client, app, shop):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    f.sign_in(client, f.user())
    assert client.get("/").headers["Cache-Control"] == "no-store"
    # static files hold nothing personal and stay cacheable
    with client.get("/static/css/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_pages_are_compressed(client, shop):
    response = client.get("/produits", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    for path in ("/static/js/htmx.min.js", "/static/css/app.css"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("Content-Encoding") == "gzip", path


@pytest.mark.parametrize("amount, text", [
    (25000, "25 000 FCFA"), (0, "0 FCFA"), (1500000, "1 500 000 FCFA"), (-500, "-500 FCFA"),
])
def test_prices_are_whole_francs_with_spaces(amount, text):
    assert format_xaf(amount) == text
