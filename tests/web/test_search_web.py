"""Search pages: how many listings were found, and what to try when nothing was."""
import re

import pytest

from tests import factories as f
from vgk.services.catalogue import catalog

HX = {"HX-Request": "true"}


def grid(html):
    """The result cards only (suggestions below them are not results)."""
    return html.split('id="product-grid"', 1)[1].split("</div>", 1)[0]


def links(html):
    return re.findall(r'href="/p/([A-Za-z0-9_-]+)"', html)


@pytest.fixture
def phones(app):
    electronics = f.category("Électronique", slug="electronique", name_en="Electronics")
    phones = f.category("Téléphones & tablettes", slug="telephones", parent=electronics, name_en="Phones & tablets")
    shoes = f.category("Chaussures", slug="chaussures", name_en="Shoes")
    items = [f.product(f"Tecno Spark {n}", category_=phones, price=50_000 + n, age_minutes=n) for n in range(12)]
    boots = f.product("Bottes en cuir", category_=shoes, view_count=40)
    return items, boots


def test_search_shows_how_many_listings_it_found(client, phones):
    html = client.get("/produits?q=telephone").get_data(as_text=True)
    assert "12 annonces" in html
    assert len(links(grid(html))) == 12
    fragment = client.get("/produits?q=smartphone", headers=HX).get_data(as_text=True)
    assert "12 annonces" in fragment
    client.get("/langue/en")
    assert "12 listings" in client.get("/produits?q=phone").get_data(as_text=True)


def test_one_result_is_said_in_the_singular(client, phones):
    assert "1 annonce<" in client.get("/produits?q=chaussures").get_data(as_text=True)


def test_a_capped_count_says_more_than(client, phones, monkeypatch):
    monkeypatch.setattr(catalog, "COUNT_LIMIT", 10)
    assert "Plus de 10 annonces" in client.get("/produits?q=tecno").get_data(as_text=True)


def test_the_plain_listing_is_not_counted(client, phones):
    assert "res-count" not in client.get("/produits").get_data(as_text=True)
    assert "13 annonces" not in client.get("/produits").get_data(as_text=True)


def test_empty_search_suggests_named_categories_and_popular_items(client, phones):
    _, boots = phones
    html = client.get("/produits?q=telephone+xyzzy").get_data(as_text=True)
    assert "Aucun produit ne correspond à votre recherche." in html
    assert links(grid(html)) == []
    assert "Essayez plutôt ces catégories" in html
    assert 'href="/produits?category=telephones"' in html
    assert "chaussures" not in re.findall(r'category=([a-z-]+)', html.split("Essayez", 1)[1])
    popular = html.split("Les plus vus en ce moment", 1)[1]
    assert links(popular)[0] == boots.public_id


def test_empty_search_naming_nothing_still_offers_popular_items(client, phones):
    html = client.get("/produits?q=xyzzy").get_data(as_text=True)
    assert "Essayez plutôt ces catégories" not in html
    assert "Les plus vus en ce moment" in html
