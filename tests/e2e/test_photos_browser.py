"""Photos on a 360×640 phone: the gallery fetches a photo when the visitor asks for it (arrows, keys,
a tap), and in data-saver mode no photo is fetched until tapped."""
import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def album(live_app):
    with live_app.app_context():
        seller = f.user(name="Brice Ngono")
        lamp = f.product("Lampe de chevet en rotin", seller=seller, images=3, age_minutes=1)
        ids = {"lamp": lamp.public_id, "keys": [image.large_key for image in lamp.images]}
        db.session.remove()
    return ids


def photo_requests(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url) if "/media/products/" in request.url else None)
    return seen


def test_gallery_loads_the_other_photos_when_asked(live_server, phone, album):
    seen = photo_requests(phone)
    phone.goto(live_server.url + f"/p/{album['lamp']}")
    phone.wait_for_load_state("networkidle")
    lamp = [url for url in seen if album["lamp"] in url]
    assert len(lamp) == 1  # the first photo only

    expect(phone.locator(".gal-count")).to_have_text("1 / 3")
    phone.get_by_role("button", name="Photo suivante").click()
    expect(phone.locator("#photo-2 img")).to_be_visible()
    expect(phone.locator(".gal-count")).to_have_text("2 / 3")

    strip = phone.get_by_role("region", name="Photos de l’annonce (3)")
    strip.focus()  # reachable with the keyboard, and moved with the arrow keys
    phone.keyboard.press("ArrowRight")
    expect(phone.locator("#photo-3 img")).to_have_count(1)
    expect(phone.locator(".gal-count")).to_have_text("3 / 3")
    expect(phone.get_by_role("button", name="Photo suivante")).to_be_disabled()


def test_data_saver_fetches_no_photo_until_tapped(live_server, browser, album):
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="fr-FR", extra_http_headers={"Save-Data": "on"})
    page = context.new_page()
    try:
        seen = photo_requests(page)
        page.goto(live_server.url + "/")
        page.wait_for_load_state("networkidle")
        assert seen == []
        card = page.locator("article.card", has_text="Lampe de chevet en rotin").first
        card.get_by_role("link", name="Lampe de chevet en rotin Afficher la photo").click()
        expect(card.locator("img")).to_have_attribute("alt", "Lampe de chevet en rotin")
        assert len(seen) == 1 and seen[0].endswith("-320.webp")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
