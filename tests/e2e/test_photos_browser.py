"""Photos on a 360×640 phone: a list fetches the photos of the cards near the screen only, the others as
the visitor scrolls (and every one without JavaScript); the gallery fetches a photo when the visitor asks
for it (arrows, keys, a tap), and in data-saver mode no photo is fetched until tapped."""
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


@pytest.fixture(scope="module")
def stools(live_app):
    """Twelve listings found by one search, older than the others (the end of every other list)."""
    with live_app.app_context():
        seller = f.user(name="Odile Fotso")
        for number in range(12):
            f.product(f"Tabouret sculpté {number + 1}", seller=seller, images=1, age_minutes=50_000 + number)
        db.session.remove()
    return "/produits?q=tabouret"


def photo_requests(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url) if "/media/products/" in request.url else None)
    return seen


SHOWN = """Array.from(document.querySelectorAll('article.card img')).filter((img) => img.complete
  && img.naturalWidth > 0).length"""


def test_a_list_fetches_the_photos_near_the_screen_and_the_others_as_one_scrolls(live_server, phone, stools):
    seen = photo_requests(phone)
    phone.goto(live_server.url + stools)
    phone.wait_for_load_state("networkidle")
    cards = phone.locator("article.card")
    expect(cards).to_have_count(12)
    first = len(seen)
    assert 1 <= first <= 4  # the first row or two, not a dozen photos nobody has seen yet
    assert phone.evaluate(SHOWN) == first
    cards.last.scroll_into_view_if_needed()
    expect(cards.last.locator("img")).to_have_js_property("complete", True)
    assert phone.evaluate("document.querySelector('article.card:last-of-type img').naturalWidth") > 0
    assert len(seen) > first


def test_cards_swapped_in_by_a_filter_get_their_photos_too(live_server, phone, stools):
    phone.goto(live_server.url + stools)
    phone.wait_for_load_state("networkidle")
    phone.select_option("#f-sort", "price_desc")  # htmx replaces the results
    phone.wait_for_url("**sort=price_desc**")
    phone.wait_for_load_state("networkidle")
    cards = phone.locator("article.card")
    expect(cards).to_have_count(12)
    phone.wait_for_function(f"({SHOWN}) >= 1")  # the cards on the screen show their photos (none is left blank)
    cards.last.scroll_into_view_if_needed()
    expect(cards.last.locator("img")).to_have_js_property("complete", True)


def test_without_javascript_every_card_shows_its_photo(live_server, browser, stools):
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + stools)
        photos = page.locator("article.card img")
        expect(photos).to_have_count(12)
        photos.last.scroll_into_view_if_needed()
        expect(photos.last).to_be_visible()
        expect(photos.last).to_have_js_property("complete", True)
    finally:
        context.close()


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
        page.goto(live_server.url + "/produits?q=rotin")  # (the home page's newest may be other tests' listings)
        page.wait_for_load_state("networkidle")
        assert seen == []
        card = page.locator("article.card", has_text="Lampe de chevet en rotin").first
        card.get_by_role("link", name="Lampe de chevet en rotin Afficher la photo").click()
        expect(card.locator("img")).to_have_attribute("alt", "Lampe de chevet en rotin")
        assert len(seen) == 1 and seen[0].endswith("-320.webp")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
