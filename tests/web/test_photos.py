"""Listing photos on the pages: each screen gets the smallest size that looks sharp, the first photo
comes first, the others wait to be asked for; data-saver mode shows none until tapped."""
import re
from pathlib import Path

import pytest

from tests import factories as f
from tests.web.test_auth import post
from vgk.models import User

SAVE_DATA = {"Save-Data": "on"}


@pytest.fixture
def listed(app):
    seller = f.user(name="Aïcha Mbarga")
    older = f.product("Robe en pagne wax", seller=seller, images=1, age_minutes=30)
    tv = f.product("Télé Samsung 43 pouces", seller=seller, images=3, age_minutes=5)
    return {"tv": tv, "dress": older}


def imgs(html):
    return re.findall(r"<img [^>]*>", html)


def test_product_page_loads_the_first_photo_first_and_the_others_on_demand(client, listed):
    tv = listed["tv"]
    html = client.get(f"/p/{tv.public_id}").get_data(as_text=True)
    gallery = html[html.index('class="gallery"'):html.index('class="info"')]
    [first] = imgs(gallery)  # one photo fetched; the two others are links until asked for
    assert 'fetchpriority="high"' in first and 'loading="lazy"' not in first
    cover = tv.images[0]
    # The test photos are 640 px wide: their 960 px size is the same picture, not offered twice.
    assert (f'srcset="/media/{cover.thumb_key} 320w, /media/{cover.phone_key} 480w, /media/{cover.medium_key} 640w"'
            in first)
    assert 'sizes="' in first
    later = re.findall(r'<a class="ph-later" href="/media/([^"]+)"', gallery)
    assert later == [tv.images[1].large_key, tv.images[2].large_key]
    assert "Photo 2 sur 3" in gallery and "Afficher la photo" in gallery
    # The strip that scrolls sideways can be reached and scrolled with the keyboard.
    assert re.search(r'<div class="slides" tabindex="0" role="region" aria-label="[^"]+"', gallery)


def test_cards_offer_the_small_sizes_and_only_the_first_is_urgent(client, listed):
    html = client.get("/").get_data(as_text=True)
    newest = html[html.index('id="h-new"'):]
    cards = imgs(newest)
    assert len(cards) >= 2
    tv = listed["tv"].images[0]
    assert f'srcset="/media/{tv.thumb_key} 320w, /media/{tv.phone_key} 480w, /media/{tv.medium_key} 640w"' in cards[0]
    assert 'fetchpriority="high"' in cards[0] and 'loading="lazy"' not in cards[0]
    assert all('loading="lazy"' in card and "fetchpriority" not in card for card in cards[1:])
    # The others are written for browsers without JavaScript; static/js/photos.js shows them near the screen.
    assert re.findall(r"<noscript data-photo>(<img [^>]*>)</noscript>", newest) == cards[1:]


def test_cart_photo_link_has_a_name(client, listed):
    tv = listed["tv"]
    post(client, "/panier/ajouter", {"product": tv.public_id, "quantity": "1"}, page=f"/p/{tv.public_id}")
    html = client.get("/panier").get_data(as_text=True)
    link = re.search(r'<a class="cart-ph"[^>]*>', html).group(0)
    assert f'aria-label="{tv.title}"' in link


def test_save_data_shows_the_descriptions_and_no_photo_until_tapped(client, listed):
    normal = client.get("/")
    assert "Save-Data" in normal.headers.get("Vary", "")
    assert any("/media/" in tag for tag in imgs(normal.get_data(as_text=True)))

    saving = client.get("/", headers=SAVE_DATA)
    html = saving.get_data(as_text=True)
    assert "Save-Data" in saving.headers["Vary"]
    assert not any("/media/" in tag for tag in imgs(html))
    tv = listed["tv"].images[0]
    placeholder = re.search(rf'<a class="ph-later" href="/media/{tv.thumb_key}"[^>]*>(.*?)</a>', html, re.S)
    assert placeholder and "Télé Samsung 43 pouces" in placeholder.group(1)
    assert "Afficher la photo" in placeholder.group(1)
    assert "js/photos." in html
    # Not inside the card's link (a link in a link is not allowed).
    card = html[html.rindex("<article", 0, placeholder.start()):placeholder.start()]
    assert "<a " not in card

    product = client.get(f"/p/{listed['tv'].public_id}", headers=SAVE_DATA).get_data(as_text=True)
    gallery = product[product.index('class="gallery"'):product.index('class="info"')]
    assert imgs(gallery) == []
    assert re.findall(r'<a class="ph-later" href="/media/([^"]+)"', gallery) == [
        image.thumb_key for image in listed["tv"].images]  # the smallest size


def test_visitor_choice_is_a_cookie_set_only_when_they_choose(client, listed):
    assert "vgk_eco" not in client.get("/").headers.get("Set-Cookie", "")
    page = client.get("/economie-donnees").get_data(as_text=True)
    assert "Économie de données" in page
    response = post(client, "/economie-donnees", {"mode": "on", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "vgk_eco=1" in response.headers["Set-Cookie"]
    assert not any("/media/" in tag for tag in imgs(client.get("/").get_data(as_text=True)))

    post(client, "/economie-donnees", {"mode": "off"})
    html = client.get("/", headers=SAVE_DATA).get_data(as_text=True)  # their choice wins over the browser
    assert any("/media/" in tag for tag in imgs(html))

    post(client, "/economie-donnees", {"mode": "auto"})
    assert not any("/media/" in tag for tag in imgs(client.get("/", headers=SAVE_DATA).get_data(as_text=True)))
    assert post(client, "/economie-donnees", {"mode": "maybe"}).status_code == 400


def test_client_choice_is_kept_in_the_account(client, app, listed):
    from vgk.extensions import db

    buyer = f.user(name="Awa Bello")
    f.sign_in(client, buyer)
    post(client, "/economie-donnees", {"mode": "on"})
    db.session.expire_all()
    assert db.session.get(User, buyer.id).data_saver is True
    assert not any("/media/" in tag for tag in imgs(client.get("/").get_data(as_text=True)))


@pytest.mark.parametrize("size", [480, 640])
def test_photos_stored_before_a_size_existed_get_it_when_first_asked(client, app, listed, size):
    cover = listed["dress"].images[0]
    key = cover.sized_key(size)
    stored = Path(app.config["MEDIA_ROOT"], key)
    assert stored.is_file()  # an upload stores the four sizes
    stored.unlink()  # as for a photo stored before that size existed
    response = client.get(f"/media/{key}")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert stored.is_file()
    assert client.get(f"/media/products/nothing/abc-{size}.webp").status_code == 404


def test_media_sizes_command_fills_the_missing_480_and_640_files(app, listed):
    covers = [image for product in listed.values() for image in product.images]
    for image in covers:
        Path(app.config["MEDIA_ROOT"], image.medium_key).unlink()
        Path(app.config["MEDIA_ROOT"], image.phone_key).unlink()
    result = app.test_cli_runner().invoke(args=["media-sizes"])
    assert result.exit_code == 0, result.output
    assert f"{2 * len(covers)} missing 480 and 640 px files made." in result.output
    assert all(Path(app.config["MEDIA_ROOT"], image.medium_key).is_file() for image in covers)
    assert all(Path(app.config["MEDIA_ROOT"], image.phone_key).is_file() for image in covers)
