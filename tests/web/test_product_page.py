"""The product page: a sold or reserved item keeps its page (no buy button, similar items), and the page
shows the seller's rating, a WhatsApp share link and how long ago things were listed."""
import re
from datetime import datetime
from urllib.parse import unquote

import pytest

from tests import factories as f
from tests.web.test_auth import post, text
from vgk.extensions import db
from vgk.models import OrderStatus, ProductStatus, Review
from vgk.text import relative_age

S = ProductStatus
ADD_TO_CART = 'action="/panier/ajouter"'


@pytest.fixture
def family(app):
    phones = f.category("Téléphones", slug="telephones", parent=f.category("Électronique", slug="electronique"))
    seller = f.user(name="Aïcha Mbarga")
    return {
        "phones": phones,
        "seller": seller,
        "other": f.product("Tecno Spark 10", seller=seller, category_=phones, price=60_000, images=1),
    }


def page_of(client, product):
    response = client.get(f"/p/{product.public_id}")
    return response.status_code, text(response)


def test_the_page_sells_an_item_on_sale(client, family):
    item = f.product("Samsung A14", seller=family["seller"], category_=family["phones"], price=65_000)
    status, html = page_of(client, item)
    assert status == 200 and ADD_TO_CART in html and "Ajouter au panier" in html
    assert "Vendu</span>" not in html and "Réservé</span>" not in html


def test_a_sold_item_keeps_its_page_without_buy_button_and_with_similar_items(client, family):
    item = f.product("Samsung A14", seller=family["seller"], category_=family["phones"], price=65_000,
                     status=S.SOLD, quantity=0)
    status, html = page_of(client, item)
    assert status == 200
    assert "Samsung A14" in html and "65 000 FCFA" in html
    assert '<span class="badge sold">Vendu</span>' in html and "Cet article a été vendu." in html
    assert ADD_TO_CART not in html and "Ajouter au panier" not in html
    assert "Articles similaires" in html and family["other"].public_id in html


def test_a_reserved_item_says_so_and_cannot_be_bought(client, family):
    item = f.product("Samsung A14", seller=family["seller"], category_=family["phones"])
    f.place_order(item)  # the last one: held by an order awaiting payment
    db.session.refresh(item)
    assert item.status == S.RESERVED
    status, html = page_of(client, item)
    assert status == 200 and '<span class="badge sold">Réservé</span>' in html
    assert "de nouveau en vente si sa commande" in html
    assert ADD_TO_CART not in html


@pytest.mark.parametrize("hidden", [S.DRAFT, S.PENDING, S.REJECTED, S.ARCHIVED])
def test_unpublished_items_stay_not_found(client, family, hidden):
    item = f.product("Brouillon", seller=family["seller"], category_=family["phones"], status=hidden)
    assert page_of(client, item)[0] == 404


def test_a_suspended_sellers_sold_item_is_not_found(client, family):
    from vgk.services.backoffice import directory

    item = f.product(seller=family["seller"], category_=family["phones"], status=S.SOLD)
    directory.suspend(None, family["seller"])
    assert page_of(client, item)[0] == 404


def test_sold_items_stay_out_of_the_listing(client, family):
    item = f.product("Samsung vendu", seller=family["seller"], category_=family["phones"], status=S.SOLD)
    assert item.public_id not in text(client.get("/produits"))


def test_favourites_keep_a_sold_item_shown_as_sold(client, family):
    buyer = f.user()
    item = f.product("Samsung A14", seller=family["seller"], category_=family["phones"])
    f.sign_in(client, buyer)
    assert post(client, f"/p/{item.public_id}/favori", page=f"/p/{item.public_id}").status_code == 303
    item.status, item.quantity = S.SOLD, 0
    db.session.commit()
    html = text(client.get("/compte/favoris"))
    assert "Samsung A14" in html and "Vendu</span>" in html
    assert f'href="/p/{item.public_id}"' in html
    # on its page the favourite can still be removed
    assert "Dans vos favoris" in page_of(client, item)[1]


def test_the_page_shows_the_sellers_name_rating_and_review_count(client, family):
    item = f.product("Samsung A14", seller=family["seller"], category_=family["phones"])
    html = page_of(client, item)[1]
    assert f'href="/vendeur/{family["seller"].public_id}">Aïcha Mbarga</a>' in html
    assert "Pas encore d’avis." in html
    for stars in (4, 5):
        sold = f.product(seller=family["seller"], category_=family["phones"])
        order = f.place_order(sold, buyer=f.user())
        order.status = OrderStatus.COMPLETED
        db.session.add(Review(order_item_id=order.items[0].id, author_id=order.buyer_id,
                              seller_id=family["seller"].id, rating=stars))
    db.session.commit()
    html = page_of(client, item)[1]
    assert "Note : 4.5 / 5" in html and "2 avis" in html


def test_a_whatsapp_link_shares_the_title_and_the_public_address(app, client, family):
    item = f.product("Samsung A14 & étui", seller=family["seller"], category_=family["phones"])
    html = page_of(client, item)[1]
    link = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', html).group(1)
    assert ">Partager sur WhatsApp</a>" in html
    assert " " not in link and "&" not in link.replace("&amp;", "")
    assert unquote(link.removeprefix("https://wa.me/?text=")) == (
        f"Samsung A14 & étui {app.config['PUBLIC_URL'].rstrip('/')}/p/{item.public_id}")


def test_a_shared_link_has_a_preview_with_title_price_and_photo(app, client, family):
    item = f.product("Samsung A14", seller=family["seller"], category_=family["phones"], price=65_000, images=1)
    html = page_of(client, item)[1]
    assert '<meta property="og:title" content="Samsung A14">' in html
    assert '<meta property="og:description" content="65 000 FCFA · ' in html
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert image.startswith(app.config["PUBLIC_URL"].rstrip("/")) and image.endswith(item.cover.large_key)


def test_cards_say_how_long_ago_an_item_was_listed(client, family):
    f.product("Vieille radio", seller=family["seller"], category_=family["phones"], age_minutes=120)
    html = text(client.get("/produits"))
    assert "il y a 2\u00a0h" in html
    client.get("/langue/en")
    assert "2 hr. ago" in text(client.get("/produits"))


def test_relative_age_is_written_in_the_readers_language(app):
    """French keeps the number and its unit together with a no-break space."""
    from flask_babel import force_locale

    now = datetime(2026, 3, 1, 12, 0)
    with app.test_request_context():
        assert relative_age(datetime(2026, 3, 1, 10, 0), now) == "il y a 2\u00a0h"
        assert relative_age(datetime(2026, 2, 26, 12, 0), now) == "il y a 3\u00a0j"
        assert relative_age(datetime(2026, 3, 1, 11, 59, 50), now) == "il y a 1\u00a0min"
        assert relative_age(datetime(2026, 3, 1, 12, 5), now) == "il y a 1\u00a0min"  # clocks apart
        with force_locale("en"):
            assert relative_age(datetime(2026, 3, 1, 10, 0), now) == "2 hr. ago"
