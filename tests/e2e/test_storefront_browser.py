"""A visitor on a 360×640 phone browses, filters, searches and opens a product."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests import factories as f
from vgk.extensions import db
from vgk.models import Product, ProductStatus

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def catalogue(live_app):
    with live_app.app_context():
        electronics = f.category("Électronique", slug="electronique", name_en="Electronics")
        phones = f.category("Téléphones", slug="telephones", parent=electronics, name_en="Phones")
        fashion = f.category("Mode", slug="mode", name_en="Fashion")
        douala = f.city("Douala", slug="douala")
        yaounde = f.city("Yaoundé", slug="yaounde")
        seller = f.user(name="Jean Fotso")
        for n in range(30):
            f.product(f"Chemise coton {n:02d}", seller=seller, category_=fashion, city_=yaounde,
                      price=3_000 + n * 100, images=1, age_minutes=100 + n)
        tv = f.product("Télé Samsung 43 pouces", seller=seller, category_=electronics, city_=douala,
                       price=125_000, images=2, age_minutes=1, description="Écran plat, télécommande incluse.")
        f.product("Tecno Spark 10", seller=seller, category_=phones, city_=douala, price=65_000,
                  images=1, age_minutes=2)
        ids = {"tv": tv.public_id}
        db.session.remove()
    return ids


def test_visitor_browses_filters_searches_and_opens_a_product(live_server, live_app, phone, catalogue):
    page = phone
    page.goto(live_server.url + "/?ville=douala")  # this city's trend: its few listings, the television among them
    expect(page.locator("#trending")).to_contain_text("Télé Samsung 43 pouces")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling

    # Browse the list, then load more cards in place (htmx).
    page.goto(live_server.url + "/produits")
    cards = page.locator("#product-grid a[href^='/p/']")
    first_count = cards.count()
    assert first_count >= 20
    with live_app.app_context():  # the browser tests share one site: count what is on sale there now
        on_sale = db.session.scalar(select(func.count()).select_from(Product)
                                    .where(Product.status == ProductStatus.ACTIVE))
        db.session.remove()
    page.locator("#load-more").first.click()
    expect(cards).to_have_count(min(on_sale, 2 * first_count))
    assert page.url.endswith("/produits")

    # Filter by category through the filter form: results swap in without a full reload.
    page.select_option("#filters select[name=category]", "electronique")
    expect(page.locator("#results")).to_contain_text("Tecno Spark 10")
    expect(page.locator("#results")).not_to_contain_text("Chemise coton")
    assert "category=electronique" in page.url

    # Search without accents finds the accented title.
    search = page.locator("header input[name=q]")
    search.fill("tele samsung")
    search.press("Enter")
    page.wait_for_url(re.compile(r".*q=tele\+samsung.*"))
    expect(page.locator("#results")).to_contain_text("Télé Samsung 43 pouces")

    # Open the product.
    page.locator(f"#results a[href='/p/{catalogue['tv']}']").first.click()
    page.wait_for_url(re.compile(rf".*/p/{catalogue['tv']}$"))
    expect(page.locator("h1")).to_contain_text("Télé Samsung 43 pouces")
    expect(page.locator("body")).to_contain_text("125 000 FCFA")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_on_a_phone_the_price_and_the_buy_button_are_on_the_first_screen(live_server, phone, catalogue):
    page = phone
    page.goto(live_server.url + f"/p/{catalogue['tv']}")
    button = page.get_by_role("button", name="Ajouter au panier")
    expect(button).to_be_visible()
    for thing in (button, page.locator(".item-price .price")):
        box = thing.bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 640, box
        assert 0 <= box["x"] and box["x"] + box["width"] <= 360, box
    photo = page.locator(".slide").first.bounding_box()
    assert photo is not None and photo["height"] <= 0.4 * 640 + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_role("link", name="Partager sur WhatsApp")).to_have_attribute(
        "href", re.compile(r"^https://wa\.me/\?text=T%C3%A9l%C3%A9%20Samsung"))
