"""The price agreed in a conversation, on the cart and checkout pages and in the order, for that buyer only;
a price posted with the order form is ignored."""
from tests import factories as f
from tests.web.test_auth import text
from tests.web.test_shop import add, checkout, the_order
from vgk.extensions import db
from vgk.models import Offer, OfferStatus
from vgk.services.conversations import offers, threads


def _agreed(buyer, product, amount):
    conversation = threads.open_about_listing(buyer, product.public_id)
    offer = offers.make(buyer, conversation, amount)
    offers.answer(product.seller, offer.public_id, offers.ACCEPT)
    return offer


def test_the_cart_and_checkout_show_the_agreed_price_and_the_order_uses_it(client):
    phone = f.product("Tecno Spark 10", price=65_000, negotiable=True)
    buyer = f.user(name="Awa Bello", phone="+237690555111")
    offer = _agreed(buyer, phone, 58_000)
    f.sign_in(client, buyer)
    add(client, phone)
    cart = text(client.get("/panier"))
    assert "Prix négocié : 58 000 FCFA au lieu de 65 000 FCFA, valable jusqu" in cart
    page = text(client.get("/commande"))
    assert "Prix négocié : 58 000 FCFA au lieu de 65 000 FCFA" in page and "65 000 FCFA" in page
    response = checkout(client, f.pickup_point(), price="1", unit_price="1", amount="1")
    order = the_order()
    assert response.status_code == 303
    assert (order.items[0].unit_price, order.total) == (58_000, 58_000)
    assert db.session.get(Offer, offer.id).status == OfferStatus.USED


def test_another_buyer_sees_and_pays_the_listed_price(client):
    phone = f.product("Tecno Spark 10", price=65_000, negotiable=True)
    _agreed(f.user(), phone, 58_000)
    f.sign_in(client, f.user(phone="+237690555111"))
    add(client, phone)
    assert "Prix négocié" not in text(client.get("/panier"))
    checkout(client, f.pickup_point(), price="58000")
    assert the_order().items[0].unit_price == 65_000
