"""The app's cart and order at the price agreed in a conversation, for that buyer only; any price sent
with the order is ignored."""
from sqlalchemy import select

from tests import factories as f
from tests.api.test_visitor import BUYER
from vgk.extensions import db
from vgk.models import Offer, OfferStatus, Order
from vgk.services.conversations import offers, threads


def test_the_agreed_price_in_the_cart_and_the_order(api):
    phone = f.product("Tecno Spark 10", price=65_000, negotiable=True)
    buyer = f.user()
    conversation = threads.open_about_listing(buyer, phone.public_id)
    offer = offers.make(buyer, conversation, 58_000)
    offers.answer(phone.seller, offer.public_id, offers.ACCEPT)
    token = f.api_token(buyer)
    cart = api.post("visitor/add_to_cart/", {"product_id": phone.public_id}, token=token).get_json()["cart"]
    line = cart["items"][0]
    assert (cart["subtotal"], line["total"], line["agreed_price"]) == (58_000, 58_000, 58_000)
    assert line["agreed_note"].startswith("Prix négocié : 58 000 FCFA au lieu de 65 000 FCFA")
    placed = api.post("visitor/create_order/", {**BUYER, "pickup_point_id": f.pickup_point().public_id,
                                                "price": 1, "unit_price": 1, "total": 1}, token=token)
    assert placed.status_code == 201 and placed.get_json()["order"]["total"] == 58_000
    assert db.session.get(Offer, offer.id).status == OfferStatus.USED


def test_a_guest_pays_the_listed_price_whatever_it_sends(api):
    phone = f.product("Tecno Spark 10", price=65_000, negotiable=True)
    buyer = f.user()
    offer = offers.make(buyer, threads.open_about_listing(buyer, phone.public_id), 58_000)
    offers.answer(phone.seller, offer.public_id, offers.ACCEPT)
    added = api.post("visitor/add_to_cart/", {"product_id": phone.public_id}).get_json()["cart"]
    assert added["subtotal"] == 65_000 and added["items"][0]["agreed_price"] is None
    placed = api.post("visitor/create_order/", {**BUYER, "session_key": added["session_key"], "price": 58_000,
                                                "pickup_point_id": f.pickup_point().public_id})
    assert placed.status_code == 201
    assert db.session.scalar(select(Order)).items[0].unit_price == 65_000
