"""Discovery in the browser, on a 360×640 phone: a product page shows similar items with their reasons and
what other visitors also saw; a visitor who looked at listings in one city finds that city's trend on the
home page, and "Pour vous" appears with its reasons."""
import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db
from vgk.services.discovery import build, events
from vgk.services.discovery.events import Person

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(live_app):
    with live_app.app_context():
        bafoussam = f.city("Bafoussam", slug="bafoussam-decouverte", position=90)
        kribi = f.city("Kribi", slug="kribi-decouverte", position=91)
        fridges = f.category("Réfrigérateurs", slug="frigos-decouverte")
        boats = f.category("Bateaux", slug="bateaux-decouverte")
        haier = f.product("Frigo Haier 150 litres", category_=fridges, city_=bafoussam, price=90_000, images=1)
        lg = f.product("Frigo LG 200 litres", category_=fridges, city_=bafoussam, price=110_000, images=1)
        sofa = f.product("Canapé trois places", city_=bafoussam, price=70_000, images=1)
        canoe = f.product("Pirogue en bois", category_=boats, city_=kribi, price=250_000, images=1)
        paddle = f.product("Pagaie sculptée", category_=boats, city_=kribi, price=15_000, images=1)
        for n in range(3):
            visitor = Person(visitor=f"e2e-discovery-{n:010d}")
            for item in (haier, sofa, canoe):
                events.record("view", visitor, item.id)
        build.rebuild()
        ids = {name: item.public_id for name, item in
               (("haier", haier), ("lg", lg), ("canoe", canoe), ("paddle", paddle))}
        db.session.remove()
    return ids


def test_the_product_page_shows_similar_items_with_reasons(live_server, phone, shop):
    page = phone
    page.goto(f"{live_server.url}/p/{shop['haier']}")
    similar = page.locator("section", has=page.locator("#h-sim"))
    expect(similar).to_contain_text("Frigo LG 200 litres")
    card = similar.locator(".card", has_text="Frigo LG 200 litres")
    expect(card.locator(".card-why")).to_have_text("Même catégorie · à Bafoussam · prix proche")
    also = page.locator("section", has=page.locator("#h-also"))
    expect(also).to_contain_text("Canapé trois places")
    expect(also).to_contain_text("Pirogue en bois")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_home_page_shows_the_trend_of_the_visitors_city_and_their_suggestions(live_server, phone, shop):
    page = phone
    page.goto(f"{live_server.url}/p/{shop['paddle']}")  # a visitor looking at listings in Kribi
    for _ in range(100):  # app.js asks for their visitor id once the page has loaded
        if any(cookie["name"] == "vgk_v" for cookie in page.context.cookies()):
            break
        page.wait_for_timeout(100)
    page.goto(f"{live_server.url}/p/{shop['paddle']}")
    page.goto(f"{live_server.url}/")
    trending = page.locator("#trending")
    expect(trending.locator("h2")).to_have_text("Tendances à Kribi")
    expect(trending).to_contain_text("Pirogue en bois")
    expect(page.locator("#ville")).to_have_value("kribi-decouverte")
    for_you = page.locator("#for-you")  # loaded by htmx after the page
    expect(for_you.locator(".card-why").first).to_be_visible()
    expect(for_you).to_contain_text("Pirogue en bois")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.select_option("#ville", "bafoussam-decouverte")  # another city, chosen and remembered
    page.get_by_role("button", name="Voir").click()
    expect(page.locator("#trending h2")).to_have_text("Tendances à Bafoussam")
    expect(page.locator("#trending")).to_contain_text("Frigo Haier 150 litres")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#trending h2")).to_have_text("Tendances à Bafoussam")
