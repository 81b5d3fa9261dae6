"""Parts of public pages kept as built (vgk.web.fragments, vgk.services.catalogue.versions.kept): a signed-in
reader's catalogue, home and product pages take the parts every reader shares from memory, without the
statements behind them; a change of the catalogue shows at once, the minute moves ages on, and each reader
still gets their own header, alert form and form tokens."""
import re

import pytest

from tests import factories as f
from tests.api.test_paging import counted_statements
from vgk.extensions import db
from vgk.services.catalogue import versions
from vgk.text import format_xaf

PRODUCT_READS = ("FROM products", "FROM product_images", "FROM trending_items", "FROM product_neighbours")


@pytest.fixture
def minute(monkeypatch):
    """The kept parts' clock, moved by hand: now = minute 1 000."""
    now = {"t": 60_000.0}
    monkeypatch.setattr(versions, "clock", lambda: now["t"])
    return now


@pytest.fixture
def shelf(app):
    douala = f.city("Douala", "douala", position=1)
    phones = f.category("Téléphones", "telephones")
    seller = f.user(name="Vendeuse")
    items = [f.product(f"Samsung Galaxy {n}", seller=seller, category_=phones, city_=douala, price=10_000 + n,
                       images=1, age_minutes=10 * n) for n in range(6)]
    db.session.commit()
    return {"items": items, "seller": seller}


def _reads(client, url):
    with counted_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True), [s for s in statements if any(r in s for r in PRODUCT_READS)
                                             and not s.lstrip().upper().startswith(("INSERT", "UPDATE"))]


@pytest.mark.parametrize("url", ["/", "/produits", "/produits?q=samsung", "/produits?category=telephones&page=1"])
def test_a_signed_in_readers_page_takes_the_shared_parts_from_memory(app, shelf, minute, url):
    reader = app.test_client()
    f.sign_in(reader, f.user(name="Lectrice"))
    first, first_reads = _reads(reader, url)
    again, again_reads = _reads(reader, url)
    assert first_reads and not again_reads, again_reads
    assert shelf["items"][0].title in again and "Mon compte" in again  # the reader's own header, the shared cards


def test_the_api_list_is_kept_for_every_caller_and_follows_a_sale(app, shelf, minute):
    caller = app.test_client(use_cookies=False)
    headers = {"Authorization": f"Bearer {f.api_token(f.user())}"}
    with counted_statements() as first:
        caller.get("/mobile/api/products/", headers=headers)
    with counted_statements() as again:
        titles = [c["title"] for c in caller.get("/mobile/api/products/").get_json()["results"]]
    assert any("FROM products" in s for s in first) and not any("FROM products" in s for s in again)
    assert shelf["items"][0].title in titles
    f.place_order(shelf["items"][0])  # reserved for its buyer: off the list at once
    titles = [c["title"] for c in caller.get("/mobile/api/products/", headers=headers).get_json()["results"]]
    assert shelf["items"][0].title not in titles and shelf["items"][1].title in titles


def test_a_price_change_and_a_sale_show_on_the_next_page(app, shelf, minute):
    reader = app.test_client()
    f.sign_in(reader, f.user())
    item = shelf["items"][2]
    for url in ("/", "/produits", f"/p/{shelf['items'][3].public_id}"):
        assert item.title in reader.get(url).get_data(as_text=True), url
    item.price = 4_321
    db.session.commit()
    for url in ("/", "/produits", f"/p/{shelf['items'][3].public_id}"):
        assert format_xaf(4_321) in reader.get(url).get_data(as_text=True), url
    f.place_order(item)
    for url in ("/", "/produits"):
        assert item.title not in reader.get(url).get_data(as_text=True), url


def test_ages_move_on_with_the_minute(app, shelf, minute):
    reader = app.test_client()
    f.sign_in(reader, f.user())
    _reads(reader, "/produits")
    assert not _reads(reader, "/produits")[1]  # the same minute: kept
    minute["t"] += 60
    assert _reads(reader, "/produits")[1]  # the next one: built again (the cards' ages with it)


def test_each_reader_gets_their_own_alert_form_and_token(app, shelf, minute):
    url = "/produits?q=samsung"
    visitor = app.test_client()
    assert "Connectez-vous pour créer une alerte" in visitor.get(url).get_data(as_text=True)
    tokens = []
    for name in ("Awa", "Bello"):
        reader = app.test_client()
        f.sign_in(reader, f.user(name=name))
        html = reader.get(url).get_data(as_text=True)
        assert "Créer une alerte" in html and "Connectez-vous pour créer une alerte" not in html
        form = html[html.index('<form class="save-search"'):]
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', form).group(1))
    assert tokens[0] != tokens[1]
    assert "Connectez-vous pour créer une alerte" in visitor.get(url).get_data(as_text=True)


def test_the_seller_and_a_buyer_see_their_own_buttons_around_the_kept_lists(app, shelf, minute):
    item = shelf["items"][1]
    buyer, seller = app.test_client(), app.test_client()
    f.sign_in(buyer, f.user())
    f.sign_in(seller, shelf["seller"])
    as_buyer = buyer.get(f"/p/{item.public_id}").get_data(as_text=True)
    as_seller = seller.get(f"/p/{item.public_id}").get_data(as_text=True)
    assert "Ajouter au panier" in as_buyer and "Ajouter au panier" not in as_seller
    assert "Articles similaires" in as_buyer and "Articles similaires" in as_seller


def test_each_language_has_its_own_parts(app, shelf, minute):
    reader = app.test_client()
    f.sign_in(reader, f.user())
    assert "Tous les produits" in reader.get("/produits").get_data(as_text=True)
    reader.get("/langue/en")
    english = reader.get("/produits").get_data(as_text=True)
    assert "All products" in english and "Tous les produits" not in english


def test_with_kept_values_off_every_page_is_built(app, shelf, minute, monkeypatch):
    monkeypatch.setitem(app.config, "KEPT_VALUES", False)
    reader = app.test_client()
    f.sign_in(reader, f.user())
    _reads(reader, "/produits")
    assert _reads(reader, "/produits")[1]
