"""The checkout form on a 360×640 phone: the delivery fields appear only for home delivery, and the Mobile
Money operator follows the number as it is typed (cash stays cash)."""
import itertools

import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db

pytestmark = pytest.mark.e2e
_n = itertools.count(1)


@pytest.fixture
def cart_page(live_app, live_server, phone):
    """The phone's checkout page with a lamp from Yaoundé in the cart, which delivers for 2 000 FCFA."""
    n = next(_n)
    with live_app.app_context():
        town = f.city(name=f"Yaoundé {n}", slug=f"yaounde-e2e-{n}", delivery_fee=2_000)
        f.pickup_point(town, name=f"Point relais Mvog-Mbi {n}")
        lamp = f.product(f"Lampe de bureau {n}", city_=town, price=8_000)
        product = lamp.public_id
        db.session.remove()
    phone.goto(f"{live_server.url}/p/{product}")
    phone.get_by_role("button", name="Ajouter au panier").click()
    expect(phone.locator("#add-cart-msg")).not_to_be_empty()
    phone.goto(f"{live_server.url}/commande")
    return phone


def test_delivery_fields_follow_the_choice_and_the_operator_follows_the_number(cart_page):
    page = cart_page
    address = page.locator("#delivery_address")
    expect(address).to_be_hidden()
    expect(page.locator("#pickup_point_id")).to_be_visible()
    expect(page.locator("#pickup_point_id option:checked")).to_contain_text("Mvog-Mbi")  # the lamp's city
    page.get_by_label("Livraison à domicile").check()
    expect(address).to_be_visible()
    expect(page.locator("#delivery_city_id")).to_be_visible()
    expect(page.locator("#pickup_point_id")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    page.get_by_label("Retrait en point relais").check()
    expect(address).to_be_hidden()

    page.locator("#phone").press_sequentially("699 12 34 56")
    expect(page.get_by_label("Orange Money")).to_be_checked()
    expect(page.get_by_text("une demande de paiement s’affiche sur votre téléphone")).to_be_visible()
    page.locator("#phone").fill("")
    page.locator("#phone").press_sequentially("677 12 34 56")
    expect(page.get_by_label("MTN Mobile Money")).to_be_checked()
    page.get_by_label("Espèces au point relais").check()
    expect(page.get_by_text("Espèces : vous payez au point relais")).to_be_visible()
    expect(page.get_by_text("une demande de paiement s’affiche sur votre téléphone")).to_be_hidden()
    page.locator("#phone").fill("")
    page.locator("#phone").press_sequentially("699 12 34 56")
    expect(page.get_by_label("Espèces au point relais")).to_be_checked()  # typing never undoes cash
