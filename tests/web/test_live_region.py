"""What an htmx swap did is written out-of-band into base.html's polite live region (#live), once per page:
a filter change's results, an item added to the cart, an error."""
import re

import pytest

from tests import factories as f
from tests.web.test_shop import add

HX = {"HX-Request": "true"}


def announced(html):
    """The texts written into the live region by an htmx answer."""
    return re.findall(r'<div id="live" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)


@pytest.fixture
def lamps(app):
    lights = f.category("Luminaires", slug="luminaires", name_en="Lighting")
    return [f.product(f"Lampe de chevet {n}", category_=lights, price=5_000 + n) for n in range(3)]


def test_every_page_has_one_empty_live_region(client, lamps):
    for path in ("/", "/produits", "/produits?q=lampe", f"/p/{lamps[0].public_id}", "/panier", "/p/nexistepas"):
        html = client.get(path).get_data(as_text=True)
        assert html.count('id="live"') == 1, path
        assert re.search(r'<div id="live" class="vh" role="status" aria-live="polite" aria-atomic="true" '
                         r'data-unreachable="Le site ne répond pas : [^"]+"></div>', html), path


def test_a_filter_change_announces_what_it_found(client, lamps):
    html = client.get("/produits?q=lampe&category=luminaires", headers=HX).get_data(as_text=True)
    assert announced(html) == ["Résultats pour « lampe » : 3 annonces"]
    html = client.get("/produits?category=luminaires", headers=HX).get_data(as_text=True)
    assert announced(html) == ["Luminaires : 3 annonces affichées"]
    html = client.get("/produits?q=lampe&condition=ACCEPTABLE", headers=HX).get_data(as_text=True)
    assert announced(html) == ["Résultats pour « lampe » : Aucun produit ne correspond à votre recherche."]
    client.get("/langue/en")
    html = client.get("/produits?category=luminaires", headers=HX).get_data(as_text=True)
    assert announced(html) == ["Lighting: 3 listings shown"]
    # Loading more cards is not a new result: nothing is read out.
    assert announced(client.get("/produits?category=luminaires&more=1&page=2", headers=HX).get_data(as_text=True)) == []


def test_adding_to_the_cart_announces_it_or_why_not(client, lamps):
    html = add(client, lamps[0], headers=HX).get_data(as_text=True)
    assert announced(html) == ["Article ajouté au panier."]
    html = add(client, lamps[0], headers=HX).get_data(as_text=True)
    [said] = announced(html)
    assert said != "Article ajouté au panier." and said in html.split('<div id="live"')[0]


def test_an_htmx_error_is_announced(client):
    response = client.get("/p/nexistepas", headers=HX)
    assert response.status_code == 404
    [said] = announced(response.get_data(as_text=True))
    assert said and said in response.get_data(as_text=True).split('<div id="live"')[0]
