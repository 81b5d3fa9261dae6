"""Finding 6: anonymous cash orders were unthrottled (10 in 0.8 s held 10 items for 72 h, sent 10 SMS to
arbitrary numbers and told 10 sellers to drop off). Now a guest's cash order only holds the stock for
RESERVATION_MINUTES and tells nobody until the code sent to its phone comes back; a phone number and an
account have at most MAX_UNPAID_ORDERS unpaid orders; checkout, payments and the webhook are limited per IP."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.web.test_auth import post, text
from vgk.extensions import db
from vgk.models import Notification, Order, OrderStatus, Product, ProductStatus
from vgk.models.base import utcnow
from vgk.services.commerce import orders, pickup
from vgk.services.messaging import inbox


@pytest.fixture
def api(app):
    return ApiClient(app)


def sale_notices():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == inbox.SALE))


def web_cash_order(client, item, point, phone):
    post(client, "/panier/ajouter", {"product": item.public_id, "quantity": "1"}, page=f"/p/{item.public_id}")
    return post(client, "/commande", {"name": "Awa Bello", "phone": phone, "fulfilment": "PICKUP",
                                      "pickup_point_id": str(point.id), "payment_method": "CASH"}, page="/commande")


def test_a_burst_of_guest_cash_orders_holds_briefly_tells_no_seller_and_is_cut_off(app, client):
    point = f.pickup_point()
    items = [f.product(f"Objet {n}", seller=f.user()) for n in range(11)]
    answers = [web_cash_order(client, item, point, f"6770000{n:02d}") for n, item in enumerate(items)]
    assert [a.status_code for a in answers[:10]] == [303] * 10
    assert answers[10].status_code == 429  # the per-IP checkout limit (10 per minute by default)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 10
    assert sale_notices() == 0  # no seller is told to drop anything off
    assert pickup.expected_dropoffs(point) == []
    for order in db.session.scalars(select(Order)):
        assert order.awaits_phone_check and order.handover_nonce is None
        assert timedelta(minutes=29) < order.reserved_until - order.created_at <= timedelta(minutes=31)
        sms = f.outbox(order.customer_phone)
        assert len(sms) == 1 and "code de confirmation" in sms[0].body and "retrait :" not in sms[0].body

    # Half an hour later, the unconfirmed orders have expired and the items are back on sale.
    latest = max(o.reserved_until for o in db.session.scalars(select(Order)))
    assert orders.expire_unpaid(now=latest + timedelta(seconds=1)) == 10
    db.session.expire_all()
    assert {p.status for p in db.session.scalars(select(Product))} == {ProductStatus.ACTIVE}
    assert sale_notices() == 0


def test_the_code_sent_to_the_phone_confirms_the_cash_order(app, client):
    seller = f.user()
    item = f.product("Vélo", seller=seller)
    point = f.pickup_point()
    assert web_cash_order(client, item, point, "677111222").status_code == 303
    order = db.session.scalar(select(Order))
    page = f"/commande/{order.reference}"
    assert "Confirmer la commande" in text(client.get(page))

    wrong = post(client, f"{page}/confirmer",
                 {"code": "000000" if f.last_code("+237677111222") != "000000" else "111111"})
    assert wrong.status_code == 400 and sale_notices() == 0
    stranger = app.test_client()
    assert post(stranger, f"{page}/confirmer", {"code": f.last_code("+237677111222")}, page="/suivi").status_code == 404

    confirmed = post(client, f"{page}/confirmer", {"code": f.last_code("+237677111222")})
    assert confirmed.status_code == 303
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert not order.awaits_phone_check and order.handover_nonce
    assert timedelta(hours=71) < order.reserved_until - order.created_at <= timedelta(hours=73)
    assert sale_notices() == 1 and [i.order_id for i in pickup.expected_dropoffs(point)] == [order.id]
    assert "Code de retrait" in f.outbox("+237677111222")[0].body
    again = post(client, f"{page}/confirmer", {"code": "123456"})
    assert again.status_code == 409


def test_wrong_codes_are_limited(app, api):
    item = f.product("Radio")
    point = f.pickup_point()
    key = api.post("visitor/add_to_cart/", {"product_id": item.public_id}).get_json()["cart"]["session_key"]
    answer = api.post("visitor/create_order/", {
        "session_key": key, "customer_name": "Awa", "customer_phone": "677333444",
        "pickup_point_id": point.public_id, "payment_method": "CASH"}).get_json()
    assert answer["order"]["awaits_phone_check"] is True
    reference, token = answer["order"]["reference"], answer["access_token"]
    right = f.last_code("+237677333444")
    wrong = "000000" if right != "000000" else "111111"
    body = {"order_reference": reference, "access_token": token, "code": wrong}
    assert api.post("visitor/confirm_order/", {**body, "access_token": "z" * 32}).status_code == 404
    for _ in range(5):
        assert api.post("visitor/confirm_order/", body).status_code == 400
    assert api.post("visitor/confirm_order/", {**body, "code": right}).status_code == 429
    assert sale_notices() == 0 and db.session.scalar(select(Order)).awaits_phone_check


def test_the_app_confirms_with_the_code(app, api):
    item = f.product("Radio", seller=f.user())
    point = f.pickup_point()
    key = api.post("visitor/add_to_cart/", {"product_id": item.public_id}).get_json()["cart"]["session_key"]
    answer = api.post("visitor/create_order/", {
        "session_key": key, "customer_name": "Awa", "customer_phone": "677333444",
        "pickup_point_id": point.public_id, "payment_method": "CASH"}).get_json()
    confirmed = api.post("visitor/confirm_order/", {"order_reference": answer["order"]["reference"],
                                                    "access_token": answer["access_token"],
                                                    "code": f.last_code("+237677333444")})
    assert confirmed.status_code == 200 and confirmed.get_json()["order"]["awaits_phone_check"] is False
    assert sale_notices() == 1


def test_one_phone_number_and_one_account_have_few_unpaid_orders(app, api):
    limit = app.config["MAX_UNPAID_ORDERS"]
    point = f.pickup_point()
    for _ in range(limit):
        f.place_order(f.product(), payment_method="MTN_MOMO", phone="677555666", point=point)
    added = api.post("visitor/add_to_cart/", {"product_id": f.product("Encore").public_id})
    key = added.get_json()["cart"]["session_key"]
    refused = api.post("visitor/create_order/", {"session_key": key, "customer_name": "Awa",
                                                 "customer_phone": "6 77 55 56 66", "pickup_point_id": point.public_id,
                                                 "payment_method": "CASH"})
    assert refused.status_code == 429 and refused.get_json()["error"]["fields"] == {"customer_phone": "too_many_orders"}
    assert db.session.scalar(select(func.count()).select_from(Order)) == limit
    assert db.session.scalar(select(Product).where(Product.title == "Encore")).status == ProductStatus.ACTIVE
    assert f.outbox("+237677555666")[0].body.count("confirmation") == 0  # no SMS for the refused one

    # One account, whatever numbers it gives.
    buyer = f.user()
    for n in range(limit):
        f.place_order(f.product(), payment_method="ORANGE_MONEY", buyer=buyer, phone=f"69900000{n}", point=point)
    client = app.test_client()
    f.sign_in(client, buyer)
    response = web_cash_order(client, f.product("Encore 2"), point, "699111999")
    assert response.status_code == 429 and "en attente de paiement" in text(response)

    # Paying one frees a place.
    paid = db.session.scalars(select(Order).where(Order.buyer_id == buyer.id)).first()
    orders.move(paid, OrderStatus.PAID)
    db.session.commit()
    assert post(client, "/commande", {"name": "Jean", "phone": "699111999", "fulfilment": "PICKUP",
                                      "pickup_point_id": str(point.id), "payment_method": "CASH"},
                page="/commande").status_code == 303


def test_the_app_checkout_and_the_webhook_are_limited_per_ip(app, api, client):
    point = f.pickup_point()
    codes = []
    for n in range(11):
        key = api.post("visitor/add_to_cart/", {"product_id": f.product().public_id}).get_json()["cart"]["session_key"]
        codes.append(api.post("visitor/create_order/", {
            "session_key": key, "customer_name": "Awa", "customer_phone": f"6770001{n:02d}",
            "pickup_point_id": point.public_id, "payment_method": "MTN_MOMO"}).status_code)
    assert codes == [201] * 10 + [429]

    answers = [client.post("/paiements/campay/webhook", data={"reference": f"R{n}", "status": "SUCCESSFUL"}).status_code
               for n in range(61)]
    assert answers[:60] == [400] * 60 and answers[60] == 429


def test_guest_orders_made_with_someones_number_never_stop_their_account(app):
    """Anyone can type a phone number: guest orders placed with a buyer's number fill the guests' quota
    for that number, never the account of the person who owns it."""
    limit = app.config["MAX_UNPAID_ORDERS"]
    point = f.pickup_point()
    owner = f.user(phone="+237677888999", phone_verified_at=utcnow())
    for _ in range(limit):
        f.place_order(f.product(), payment_method="MTN_MOMO", phone="677888999", point=point)
    client = app.test_client()
    f.sign_in(client, owner)
    response = web_cash_order(client, f.product("Le sien"), point, "677888999")
    assert response.status_code == 303, text(response)
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.buyer_id == owner.id)) == 1
