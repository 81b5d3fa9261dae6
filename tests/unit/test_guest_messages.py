"""A guest's emails (order confirmation, payment receipt) and the signed link to rate the seller after
collection: what arrives in the outbox, in the language of the checkout, and the link's rules."""
from datetime import datetime
from unittest import mock

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from tests import factories as f
from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import OrderStatus, Review, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.catalogue import social
from vgk.services.commerce import payments, pickup
from vgk.services.commerce.guests import send_review_link

EMAIL = "awa@example.cm"


def _emails(subject_part):
    return [m for m in f.outbox(EMAIL) if m.channel == "EMAIL" and subject_part in m.subject]


def _order(app, language="fr", **kw):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        return f.place_order(f.product("Radio Sony", price=12_000), email=EMAIL, **kw)


def _collected(app, language="fr"):
    point = f.pickup_point(name="Akwa Centre")
    staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    order = _order(app, language, point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    pickup.hand_over(staff, point, order.reference, f.last_code("+237690555111"), cash_received=True)
    assert order.status == OrderStatus.COMPLETED
    return order


def _review_token(order):
    sms = next(m.body for m in f.outbox("+237690555111") if "/avis/" in m.body)
    return sms.rsplit("/avis/", 1)[1].strip()


def test_a_guest_cash_order_is_confirmed_by_email_in_french(app):
    order = _order(app, payment_method="ORANGE_MONEY")
    [mail] = _emails(order.reference)
    assert mail.subject == f"Votre commande {order.reference}"
    assert "Radio Sony × 1 : 12 000 FCFA" in mail.body and "Total : 12 000 FCFA" in mail.body
    assert "Retrait au point relais" in mail.body and "Paiement : Orange Money" in mail.body
    assert f"http://localhost/commande/{order.reference}?cle={order.access_token}" in mail.body
    sms = f.outbox("+237690555111")[0].body
    code = sms.split("Code de retrait (après paiement) : ")[1][:6]
    assert code in mail.body  # the SMS carries the handover code: the email too


def test_the_confirmation_follows_the_checkout_language_and_keeps_the_phone_check_code_out(app):
    order = _order(app, "en", confirm=False)  # a guest's cash order waits for the code sent by SMS
    [mail] = _emails(order.reference)
    assert mail.subject == f"Your order {order.reference}"
    assert "Total: 12 000 FCFA" in mail.body and "Payment: Cash at the pickup point" in mail.body
    phone_code = f.last_code("+237690555111")
    assert phone_code not in mail.body and "Handover code" not in mail.body


def test_no_email_without_an_address_nor_for_an_account(app):
    f.place_order(f.product())
    f.place_order(f.product(), buyer=f.user(email="buyer@example.cm"))
    assert [m for m in f.outbox() if m.channel == "EMAIL"] == []


def test_a_mobile_money_payment_sends_a_receipt_in_the_checkout_language(app):
    order = _order(app, "en", payment_method="ORANGE_MONEY")
    payment = payments.start(order, "ORANGE_MONEY", "690555111")
    with mock.patch("vgk.services.commerce.payments.utcnow", return_value=datetime(2026, 12, 2, 13, 5)):
        adapters_of(app).payments.approve(payment.reference)
        payments.refresh(order)
    [mail] = _emails("receipt")
    assert mail.subject == f"Payment receipt — order {order.reference}"
    assert "Amount paid: 12 000 FCFA" in mail.body and "Payment method: Orange Money" in mail.body
    assert "Date: 2 Dec 2026, 14:05 (Cameroon time)" in mail.body  # Douala is UTC+1


def test_collection_sends_the_receipt_and_the_review_link(app):
    order = _collected(app)
    [receipt] = _emails("Reçu de paiement")
    assert "Montant payé : 12 000 FCFA" in receipt.body and "Espèces au point relais" in receipt.body
    [mail] = _emails("Votre avis")
    token = _review_token(order)
    assert f"http://localhost/avis/{token}" in mail.body and "30 jours" in mail.body
    assert social.guest_review_order(token).id == order.id


def test_a_guest_reviews_once_and_the_seller_rating_counts_it(app):
    order = _collected(app)
    token = _review_token(order)
    with pytest.raises(Invalid):
        social.leave_guest_review(token, 6, "")
    social.leave_guest_review(token, 4, "Vendeur sérieux")
    with pytest.raises(Conflict):
        social.leave_guest_review(token, 5, "Encore")
    [review] = db.session.scalars(select(Review)).all()
    assert (review.author_id, review.rating, review.text) == (None, 4, "Vendeur sérieux")
    assert social.rating_of(order.items[0].seller) == (4.0, 1)


def test_the_review_link_is_signed_per_order_and_expires(app):
    order = _collected(app)
    token = _review_token(order)
    forged = URLSafeTimedSerializer("not-the-key", salt=social.GUEST_REVIEW_SALT).dumps({"o": order.public_id})
    with pytest.raises(Invalid):
        social.guest_review_order(forged)
    with pytest.raises(Invalid):
        social.guest_review_order(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    later = datetime.now().timestamp() + (social.GUEST_REVIEW_DAYS + 1) * 86400
    with mock.patch("itsdangerous.timed.time.time", return_value=later), pytest.raises(Invalid) as expired:
        social.guest_review_order(token)
    assert expired.value.fields == {"token": "expired"}


def test_the_link_of_an_order_not_yet_collected_or_of_an_account_does_not_review(app):
    pending = _order(app)
    with pytest.raises(Conflict):
        social.leave_guest_review(social.guest_review_token(pending), 5)
    account_order = f.place_order(f.product(), buyer=f.user())
    with pytest.raises(NotFound):
        social.guest_review_order(social.guest_review_token(account_order))
    send_review_link(account_order)  # an account reviews from its orders page: no link sent
    assert not [m for m in f.outbox() if "/avis/" in m.body]


def test_a_delivered_guest_order_gets_the_review_link_too(app):
    from vgk.services.commerce import checkout, orders

    town = f.city(delivery_fee=1_500)
    cart = f.cart_with(f.product("Frigo", price=80_000), session_key="delivery")
    order = checkout.place_order(cart=cart, name="Awa Bello", phone="690555111", payment_method="ORANGE_MONEY",
                                 email=EMAIL, fulfilment="DELIVERY", delivery_city_id=town.id,
                                 delivery_address="Bastos, rue 1.234")
    code = f.last_code("+237690555111")
    assert "Livraison à domicile : Bastos, rue 1.234" in _emails("Votre commande")[0].body
    payment = payments.start(order, "ORANGE_MONEY", "690555111")
    adapters_of(app).payments.approve(payment.reference)
    payments.refresh(order)
    admin = f.user(Role.ADMIN)
    orders.dispatch(order, admin)
    assert not [m for m in f.outbox() if "/avis/" in m.body]  # not before the handover
    orders.deliver(order, admin, code)
    assert social.guest_review_order(_review_token(order)).id == order.id
    assert len(_emails("Votre avis")) == 1


# --- through the notification engine -----------------------------------------------------------------

def test_the_delivery_log_never_keeps_the_handover_code_nor_the_private_links(app):
    from vgk.models import NotificationDelivery

    _collected(app)
    placed = next(m.body for m in f.outbox("+237690555111") if "Code de retrait" in m.body)
    code = placed.split("Code de retrait : ")[1][:6]
    rows = db.session.scalars(select(NotificationDelivery).where(NotificationDelivery.recipient == "+237690555111")
                              ).all()
    events = {row.event for row in rows}
    assert {"order.placed_cash", "order.confirmation", "order.handed_over", "review.invite",
            "review.invite_email"} <= events
    assert all(row.status == "sent" for row in rows)
    for row in rows:  # sent: the sealed code and links are wiped, none ever in clear
        assert code not in (row.context or "") and "cle=" not in (row.context or "")
        assert "/avis/" not in (row.context or "")


def test_a_retried_payment_confirmation_texts_the_buyer_once(app):
    from vgk.services.commerce import orders

    order = _order(app, payment_method="ORANGE_MONEY")
    orders.move(order, OrderStatus.PAID)
    db.session.commit()
    orders.tell(order, "order.paid")
    orders.tell(order, "order.paid")  # a provider's callback arriving twice
    paid = [m for m in f.outbox("+237690555111") if "paiement reçu" in m.body]
    assert len(paid) == 1 and order.reference in paid[0].body


def test_a_buyer_collecting_with_another_phone_gets_the_code_there_and_on_their_account(app):
    buyer = f.user(phone="+237690111222")
    order = f.place_order(f.product("Radio"), buyer=buyer, phone="+237690333444")
    [theirs] = f.outbox("+237690111222")
    [collector] = f.outbox("+237690333444")
    assert theirs.body == collector.body and order.reference in collector.body
    assert f"/commande/{order.reference}" in collector.body
