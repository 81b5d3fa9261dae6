"""The mobile API's guest checkout with an email: validated, and the confirmation sent in the app's language."""
from sqlalchemy import func, select

from tests import factories as f
from tests.api.test_visitor import BUYER, guest_cart
from vgk.extensions import db
from vgk.models import Order


def test_a_guest_checkout_with_an_email_gets_the_confirmation_with_the_order_link(api):
    point = f.pickup_point(name="Akwa")
    key = guest_cart(api, f.product("Radio", price=12_000))
    response = api.post("visitor/create_order/", {
        **BUYER, "session_key": key, "pickup_point_id": point.public_id, "customer_email": "Awa@Example.cm"},
        headers={"Accept-Language": "en"})
    assert response.status_code == 201
    answer = response.get_json()
    [mail] = f.outbox("awa@example.cm")
    reference = answer["order"]["reference"]
    assert mail.subject == f"Your order {reference}" and "Radio × 1 : 12 000 FCFA" in mail.body
    assert f"/commande/{reference}?cle={answer['access_token']}" in mail.body


def test_a_bad_email_is_refused_with_a_clear_error(api):
    key = guest_cart(api, f.product())
    response = api.post("visitor/create_order/", {
        **BUYER, "session_key": key, "pickup_point_id": f.pickup_point().public_id, "customer_email": "awa@"})
    body = response.get_json()
    assert response.status_code == 400 and body["success"] is False and "customer_email" in body["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert f.outbox() == []
