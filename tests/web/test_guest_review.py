"""Over HTTP with CSRF on: a guest's checkout with an email (confirmation in the browser's language), and
the page reached by the signed link sent after collection to rate the seller once."""
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from tests import factories as f
from tests.web.test_auth import location, post, text
from tests.web.test_shop import add, checkout
from vgk.extensions import db
from vgk.models import Order, Review, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.catalogue import social
from vgk.services.commerce import pickup


def _collected_order(seller=None):
    point = f.pickup_point()
    staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    order = f.place_order(f.product("Lampe", seller=seller or f.user(name="Nadège Fotso"), price=8_000),
                          point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    pickup.hand_over(staff, point, order.reference, f.last_code("+237690555111"), cash_received=True)
    sms = next(m.body for m in f.outbox("+237690555111") if "/avis/" in m.body)
    return order, "/avis/" + sms.rsplit("/avis/", 1)[1].strip()


def _reviews():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Review))


def test_a_guest_checkout_with_an_email_gets_the_confirmation_in_english_with_public_links(app, client):
    item = f.product("Radio", price=12_000)
    point = f.pickup_point(name="Akwa")
    en = {"Accept-Language": "en"}
    add(client, item)
    data = {"name": "Awa Bello", "phone": "6 90 55 51 11", "email": "awa@example.cm", "fulfilment": "PICKUP",
            "pickup_point_id": str(point.id), "payment_method": "CASH"}
    app.config["PUBLIC_URL"] = "https://vgk.example"  # links name the public site, never the request's host
    try:
        response = post(client, "/commande", data, headers=en)
    finally:
        app.config["PUBLIC_URL"] = "http://localhost"
    assert response.status_code == 303
    order = db.session.scalar(select(Order))
    assert order.language == "en"
    [mail] = f.outbox("awa@example.cm")
    assert mail.subject == f"Your order {order.reference}" and "Total: 12 000 FCFA" in mail.body
    assert "Collection at the pickup point: Akwa" in mail.body
    assert f"Follow your order: https://vgk.example/commande/{order.reference}?cle=" in mail.body


def test_a_bad_email_at_checkout_is_refused_clearly(client):
    add(client, f.product())
    response = checkout(client, f.pickup_point(), email="pas-un-email")
    assert response.status_code == 400 and db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_guest_rates_the_seller_once_through_the_link(client):
    seller = f.user(name="Nadège Fotso")
    order, url = _collected_order(seller)
    page = client.get(url)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Nadège Fotso" in text(page) and order.reference in text(page) and "Envoyer mon avis" in text(page)
    assert post(client, url, {"rating": "9", "text": ""}).status_code == 400 and _reviews() == 0
    response = post(client, url, {"rating": "4", "text": "Bon vendeur"})
    assert response.status_code == 303 and location(response).endswith(url)
    thanks = text(client.get(url))
    assert "Merci pour votre avis" in thanks and "Envoyer mon avis" not in thanks
    again = post(client, url, {"rating": "1", "text": "Encore"}, page="/suivi")
    assert "Merci pour votre avis" in text(again) and _reviews() == 1
    seller_page = text(client.get(f"/vendeur/{seller.public_id}"))
    assert "Acheteur invité" in seller_page and "Bon vendeur" in seller_page and "1 avis" in seller_page
    other_item = f.product("Chaise", seller=seller)
    assert "Note : 4.0 / 5 · 1 avis" in text(client.get(f"/p/{other_item.public_id}"))


def test_expired_forged_and_other_orders_links_get_a_clear_message(app, client):
    order, url = _collected_order()
    forged = URLSafeTimedSerializer("wrong-key", salt=social.GUEST_REVIEW_SALT).dumps({"o": order.public_id})
    bad = client.get(f"/avis/{forged}")
    assert bad.status_code == 400 and "pas valide" in text(bad)
    assert client.get("/avis/n'importe-quoi").status_code == 400
    expired_token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=social.GUEST_REVIEW_SALT,
                                           signer_kwargs={}).dumps({"o": order.public_id})
    from unittest import mock

    with mock.patch("itsdangerous.timed.time.time", return_value=utcnow().timestamp() + 31 * 86400):
        expired = client.get(f"/avis/{expired_token}")
    assert expired.status_code == 400 and "a expiré" in text(expired)
    account_order = f.place_order(f.product(), buyer=f.user())
    other = client.get(f"/avis/{social.guest_review_token(account_order)}")
    assert other.status_code == 404 and "Commande introuvable" in text(other)
    assert _reviews() == 0


def test_the_review_page_is_rate_limited(app, client):
    _, url = _collected_order()
    app.config["CHECKOUT_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [client.get(url).status_code for _ in range(3)]
    finally:
        app.config["CHECKOUT_RATE_LIMIT"] = "10 per minute; 40 per hour"
    assert statuses == [200, 200, 429]
