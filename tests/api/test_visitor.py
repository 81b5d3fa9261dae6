"""The guest's (and the signed-in buyer's) cart, checkout and tracking on the API."""
from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db
from vgk.models import Order, OrderStatus, ProductStatus, Role
from vgk.services.commerce import cart as carts

BUYER = {"customer_name": "Awa Bello", "customer_phone": "690555111", "payment_method": "CASH"}


def add(api, item, **extra):
    return api.post("visitor/add_to_cart/", {"product_id": item.public_id, **extra})


def guest_cart(api, *items):
    key = None
    for item in items:
        key = add(api, item, **({"session_key": key} if key else {})).get_json()["cart"]["session_key"]
    return key


def test_a_guest_gets_a_session_key_and_keeps_filling_the_cart(api):
    radio, chair = f.product("Radio", price=12_000, quantity=3), f.product("Chaise", price=3_000)
    first = add(api, radio).get_json()["cart"]
    key = first["session_key"]
    assert len(key) >= 16 and first["count"] == 1 and first["subtotal"] == 12_000
    add(api, radio, session_key=key, quantity=2)
    cart = add(api, chair, session_key=key).get_json()["cart"]
    assert cart["session_key"] == key and cart["count"] == 4 and cart["subtotal"] == 39_000
    assert [(line["product"]["id"], line["quantity"]) for line in cart["items"]] == [
        (radio.public_id, 3), (chair.public_id, 1)]
    assert api.get("visitor/cart/", query={"session_key": key}).get_json()["cart"] == cart
    other = api.get("visitor/cart/", query={"session_key": "x" * 20}).get_json()["cart"]
    assert other["count"] == 0 and other["items"] == []


def test_update_cart_changes_and_removes_lines(api):
    radio, chair = f.product("Radio", quantity=5), f.product("Chaise")
    key = guest_cart(api, radio, chair)
    cart = api.post("visitor/update_cart/", {"session_key": key, "product_id": radio.public_id, "quantity": 4})
    assert cart.get_json()["cart"]["count"] == 5
    cart = api.post("visitor/update_cart/", {"session_key": key, "product_id": chair.public_id, "quantity": 0})
    assert [line["product"]["title"] for line in cart.get_json()["cart"]["items"]] == ["Radio"]
    too_many = api.post("visitor/update_cart/", {"session_key": key, "product_id": radio.public_id, "quantity": 6})
    assert too_many.status_code == 400 and too_many.get_json()["error"]["fields"] == {"quantity": "too_many"}
    missing = api.post("visitor/update_cart/", {"session_key": key, "product_id": chair.public_id, "quantity": 1})
    assert missing.status_code == 404


def test_bad_cart_input_is_a_400(api):
    item = f.product()
    cases = [
        ({}, "product_id"),
        ({"product_id": item.public_id, "quantity": 0}, "quantity"),
        ({"product_id": item.public_id, "quantity": 100}, "quantity"),
        ({"product_id": item.public_id, "quantity": "two"}, "quantity"),
        ({"product_id": "zzzzzzzzzzzz"}, "product_id"),
        ({"product_id": f.product(status=ProductStatus.PENDING).public_id}, "product_id"),
        ({"product_id": item.public_id, "session_key": "short"}, "session_key"),
        ({"product_id": item.public_id, "quantity": 2}, "quantity"),  # only one in stock
        ({"product_id": "a\x00b"}, "product_id"),
    ]
    for payload, name in cases:
        response = api.post("visitor/add_to_cart/", payload)
        assert response.status_code == 400 and name in response.get_json()["error"]["fields"], payload
    empty = api.get("visitor/cart/").get_json()["cart"]
    assert {**empty, "suggested_pickup_point": None} == {  # no key, no token: nothing in it
        "session_key": None, "count": 0, "subtotal": 0, "subtotal_display": "0 FCFA", "has_problems": False,
        "suggested_pickup_point": None, "items": []}
    assert api.get("visitor/cart/", query={"session_key": "a\x00" * 10}).status_code == 400
    assert api.post("visitor/update_cart/", {"product_id": item.public_id}).status_code == 400
    assert api.post("visitor/update_cart/", {"product_id": item.public_id, "quantity": 1}).status_code == 404


def test_a_sold_out_product_is_a_409(api):
    sold = f.product(status=ProductStatus.SOLD, quantity=0)
    reserved = f.product(status=ProductStatus.RESERVED, quantity=0)
    for item in (sold, reserved):
        response = add(api, item)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


def test_a_signed_in_caller_uses_their_own_cart(api):
    client, item = f.user(), f.product()
    token = f.api_token(client)
    cart = api.post("visitor/add_to_cart/", {"product_id": item.public_id, "session_key": "k" * 20},
                    token=token).get_json()["cart"]
    assert cart["session_key"] is None and carts.count(user=client) == 1
    assert carts.count(session_key="k" * 20) == 0
    assert api.get("visitor/cart/", token=token).get_json()["cart"]["count"] == 1
    own = f.product(seller=client)
    response = api.post("visitor/add_to_cart/", {"product_id": own.public_id}, token=token)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"product_id": "own"}


def test_a_guest_orders_for_pickup_and_posted_prices_are_ignored(api):
    item = f.product("Radio", price=12_000)
    point = f.pickup_point(name="Akwa")
    key = guest_cart(api, item)
    response = api.post("visitor/create_order/", {
        **BUYER, "session_key": key, "pickup_point_id": point.public_id, "customer_email": "awa@example.cm",
        "total": 1, "subtotal": 1, "price": 1})
    assert response.status_code == 201
    order = response.get_json()["order"]
    assert order["reference"].startswith("VGK-") and order["status"] == "PENDING_PAYMENT"
    assert order["total"] == 12_000 and order["pickup_point"]["id"] == point.public_id
    assert order["customer_phone"] == "+237690555111" and order["fulfilment"] == "PICKUP"
    assert db.session.scalar(select(Order)).buyer_id is None
    assert api.get("visitor/cart/", query={"session_key": key}).get_json()["cart"]["count"] == 0


def test_a_signed_in_client_orders_home_delivery_and_becomes_the_buyer(api):
    client, item = f.user(), f.product(price=20_000)
    city = f.city(slug="yaounde", delivery_fee=2_000)
    token = f.api_token(client)
    api.post("visitor/add_to_cart/", {"product_id": item.public_id}, token=token)
    response = api.post("visitor/create_order/", {
        **BUYER, "payment_method": "ORANGE_MONEY", "delivery_address": "Bastos, rue 1.234", "delivery_city": "yaounde"},
        token=token)
    assert response.status_code == 201
    order = response.get_json()["order"]
    assert order["fulfilment"] == "DELIVERY" and order["total"] == 22_000
    assert order["delivery_city"]["slug"] == city.slug
    assert db.session.scalar(select(Order)).buyer_id == client.id


def test_bad_orders_are_400s(api):
    item = f.product()
    point = f.pickup_point()
    key = guest_cart(api, item)
    good = {**BUYER, "session_key": key, "pickup_point_id": point.public_id}
    cases = [
        ({**good, "payment_method": "BITCOIN"}, "payment_method"),
        ({**good, "customer_name": ""}, "customer_name"),
        ({**good, "customer_phone": "12"}, "customer_phone"),
        ({**good, "pickup_point_id": "zzzzzzzzzzzz"}, "pickup_point_id"),
        ({**good, "pickup_point_id": None, "delivery_address": "Akwa, rue 2", "delivery_city": "nowhere"},
         "delivery_city"),
        ({**good, "pickup_point_id": None, "delivery_address": "Akwa, rue 2"}, "delivery_city"),
        ({**good, "fulfilment": "DRONE"}, "fulfilment"),
        ({key: value for key, value in good.items() if key != "session_key"}, "cart"),  # no cart
        ({**good, "session_key": "e" * 20}, "cart"),  # an empty cart
    ]
    for payload, name in cases:
        response = api.post("visitor/create_order/", payload)
        assert response.status_code == 400, payload
        assert name in response.get_json()["error"]["fields"], (payload, response.get_json())
    assert db.session.scalar(select(Order)) is None


def test_an_item_sold_meanwhile_is_a_409(api):
    item = f.product()
    point = f.pickup_point()
    key = guest_cart(api, item)
    f.place_order(item)  # somebody else was quicker
    response = api.post("visitor/create_order/", {**BUYER, "session_key": key, "pickup_point_id": point.public_id})
    assert response.status_code == 409


def test_tracking_needs_the_reference_and_its_phone(api, app):
    order = f.place_order(f.product(), phone="+237690555111")
    found = api.get("visitor/track_order/", query={"reference": order.reference.lower(), "phone": "690 55 51 11"})
    body = found.get_json()["order"]
    assert body["reference"] == order.reference and body["events"][0]["to_status"] == OrderStatus.PENDING_PAYMENT
    wrong_phone = {"reference": order.reference, "phone": "690000000"}
    assert api.get("visitor/track_order/", query=wrong_phone).status_code == 404
    assert api.get("visitor/track_order/", query={"reference": "VGK-NOPE123", "phone": "690555111"}).status_code == 404
    assert api.get("visitor/track_order/", query={"reference": order.reference}).status_code == 400


def test_tracking_is_rate_limited(api, app):
    app.config["AUTH_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [api.get("visitor/track_order/", query={"reference": "VGK-NOPE123", "phone": "690555111"}).status_code
                 for _ in range(4)]
    finally:
        app.config["AUTH_RATE_LIMIT"] = "20 per minute; 200 per hour"
    assert codes == [404, 404, 404, 429]


def test_staff_may_browse_and_cart_like_anyone(api):
    item = f.product()
    response = api.post("visitor/add_to_cart/", {"product_id": item.public_id}, user=f.user(Role.STAFF))
    assert response.status_code == 200


def test_a_guest_gets_a_new_handover_code_with_the_order_s_access_token(api):
    from vgk.services.commerce import orders

    order = f.place_order(f.product(), phone="+237690555111")
    old = orders.handover_code(order)
    asked = {"order_reference": order.reference, "access_token": order.access_token}
    assert api.post("visitor/resend_handover_code/", {**asked, "access_token": "wrong"}).status_code == 404
    assert api.post("visitor/resend_handover_code/", {"order_reference": order.reference}).status_code == 404
    response = api.post("visitor/resend_handover_code/", asked)
    assert response.status_code == 200 and response.get_json()["order"]["reference"] == order.reference
    db.session.expire_all()
    new = orders.handover_code(db.session.get(Order, order.id))
    assert new != old and new in f.outbox("+237690555111")[0].body
    for _ in range(2):
        api.post("visitor/resend_handover_code/", asked)
    refused = api.post("visitor/resend_handover_code/", asked)
    assert refused.status_code == 429 and refused.get_json()["success"] is False
