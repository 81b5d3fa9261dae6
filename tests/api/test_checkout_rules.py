"""The checkout's rules from the app, the same as on the web: the Mobile Money operator must match the
number (ordering and paying), and the cart suggests the pickup point in the items' city."""
from sqlalchemy import func, select

from tests import factories as f
from tests.api.test_visitor import guest_cart
from vgk.extensions import db
from vgk.models import Order, Payment

ORANGE, MTN = "+237699555111", "+237677555111"


def test_mtn_with_an_orange_number_is_refused_when_ordering_and_paying(api):
    point = f.pickup_point()
    key = guest_cart(api, f.product())
    order = {"session_key": key, "customer_name": "Awa Bello", "pickup_point_id": point.public_id}
    refused = api.post("visitor/create_order/", {**order, "customer_phone": ORANGE, "payment_method": "MTN_MOMO"})
    body = refused.get_json()
    assert refused.status_code == 400 and body["success"] is False
    assert body["error"]["fields"]["payment_method"] == "Ce numéro est un numéro Orange : choisissez Orange Money."
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    placed = api.post("visitor/create_order/", {**order, "customer_phone": MTN, "payment_method": "MTN_MOMO"})
    assert placed.status_code == 201
    reference, token = placed.get_json()["order"]["reference"], placed.get_json()["access_token"]
    paying = api.post("payment/", {"order_reference": reference, "access_token": token,
                                   "payment_method": "ORANGE_MONEY", "phone": MTN})
    assert paying.status_code == 400 and "numéro MTN" in paying.get_json()["error"]["message"]
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    orange = api.post("payment/", {"order_reference": reference, "access_token": token,
                                   "payment_method": "ORANGE_MONEY", "phone": ORANGE})
    assert orange.status_code == 201 and orange.get_json()["payment"]["ussd_code"] == "#150#"


def test_the_cart_suggests_the_pickup_point_of_the_items_city(api):
    douala, yaounde = f.city("Douala"), f.city("Yaoundé")
    f.pickup_point(douala, name="Akwa")
    in_yaounde = f.pickup_point(yaounde, name="Mvog-Mbi")
    key = guest_cart(api, f.product(city_=yaounde), f.product(city_=yaounde), f.product(city_=douala))
    cart = api.get("visitor/cart/", query={"session_key": key}).get_json()["cart"]
    assert cart["suggested_pickup_point"]["id"] == in_yaounde.public_id
    assert cart["suggested_pickup_point"]["name"] == "Mvog-Mbi"
