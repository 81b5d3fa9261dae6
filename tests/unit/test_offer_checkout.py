"""Checkout at the agreed price: only for the buyer it was agreed with, within its validity, once; two
agreements on the last article sell it once; offers close when the item sells or leaves the shop."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.errors import Conflict
from vgk.extensions import db
from vgk.models import Offer, OfferStatus, Order, OrderStatus, Product, ProductStatus
from vgk.models.base import utcnow
from vgk.services.commerce import cart as carts
from vgk.services.commerce import checkout
from vgk.services.conversations import messages, offers, threads


def _agree(buyer, product, amount=58_000):
    conversation = threads.open_about_listing(buyer, product.public_id)
    offer = offers.make(buyer, conversation, amount)
    offers.answer(product.seller, offer.public_id, offers.ACCEPT)
    return conversation, db.session.get(Offer, offer.id)


@pytest.fixture
def deal(app):
    seller = f.user(name="Nadège Fotso")
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True, quantity=1)
    buyer = f.user(name="Awa Bello")
    conversation, offer = _agree(buyer, phone)
    return {"seller": seller, "buyer": buyer, "product": phone, "conversation": conversation, "offer": offer}


def _place(buyer, payment_method="CASH", phone="+237690555111"):
    return checkout.place_order(cart=carts.find(user=buyer), buyer=buyer, name="Awa Bello", phone=phone,
                                payment_method=payment_method, pickup_point_id=f.pickup_point().id)


def _texts(user, conversation):
    return [seen.text for seen in messages.page(user, conversation)[0]]


def test_the_buyer_pays_the_agreed_price_once(deal):
    buyer, phone = deal["buyer"], deal["product"]
    view = carts.view_of(f.cart_with(phone, user=buyer))
    line = view.lines[0]
    assert line.total == 58_000 and view.subtotal == 58_000
    assert line.agreed_note.startswith("Prix négocié : 58 000 FCFA au lieu de 65 000 FCFA, valable jusqu'au ")
    order = _place(buyer)
    item = order.items[0]
    assert (item.unit_price, order.subtotal, item.commission) == (58_000, 58_000, checkout.commission_for(58_000))
    db.session.refresh(deal["offer"])
    assert deal["offer"].status == OfferStatus.USED and deal["offer"].order_id == order.id
    assert any(text.startswith("Commande passée au prix négocié : 58 000 FCFA") for text in
               _texts(buyer, deal["conversation"]))
    assert offers.agreed_price(buyer, phone) is None


def test_guests_and_other_buyers_pay_the_listed_price(deal):
    phone = deal["product"]
    assert carts.view_of(f.cart_with(phone, session_key="guest")).subtotal == 65_000
    other = f.user()
    assert carts.view_of(f.cart_with(phone, user=other)).subtotal == 65_000
    order = _place(other, payment_method="MTN_MOMO", phone="+237670000001")
    assert order.items[0].unit_price == 65_000
    db.session.refresh(deal["offer"])
    assert deal["offer"].status == OfferStatus.ACCEPTED  # untouched (and the item is now reserved)


def test_a_lapsed_agreement_is_the_listed_price_and_a_spent_one_refused(deal, monkeypatch):
    buyer, phone, offer = deal["buyer"], deal["product"], deal["offer"]
    offer.valid_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert carts.view_of(f.cart_with(phone, user=buyer)).subtotal == 65_000
    offer.valid_until = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert carts.view(user=buyer).subtotal == 58_000
    # Spent meanwhile (another tab) between reading the cart and placing the order: refused, nothing kept.
    db.session.execute(db.update(Offer).where(Offer.id == offer.id).values(status=OfferStatus.USED))
    db.session.commit()
    monkeypatch.setattr(offers, "agreements", lambda buyer_id, ids: {phone.id: offer})
    with pytest.raises(Conflict) as refused:
        checkout.place_order(cart=carts.find(user=buyer), buyer=buyer, name="Awa Bello", phone="+237690555111",
                             payment_method="CASH", pickup_point_id=f.pickup_point().id)
    assert "plus valable" in str(refused.value.message)
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 0
    db.session.refresh(phone)
    assert (phone.quantity, phone.status) == (1, ProductStatus.ACTIVE)
    assert len(carts.find(user=buyer).items) == 1


def test_two_agreements_on_the_last_article_sell_it_once(deal):
    """Two buyers each agreed a price on the one article: the stock reservation lets one order through."""
    phone, rival = deal["product"], f.user(name="Jean Mbarga")
    _conversation, rival_offer = _agree(rival, phone, 60_000)
    f.cart_with(phone, user=deal["buyer"])
    f.cart_with(phone, user=rival)
    assert carts.view(user=rival).subtotal == 60_000
    first = _place(deal["buyer"], payment_method="MTN_MOMO", phone="+237670000001")
    assert first.items[0].unit_price == 58_000
    with pytest.raises(Conflict):  # the rival's agreement still stands, the article does not
        _place(rival, phone="+237690555222")
    db.session.refresh(rival_offer)
    assert rival_offer.status == OfferStatus.ACCEPTED and rival_offer.order_id is None
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 1


def test_a_cash_order_taken_on_the_last_article_closes_the_other_offers(deal):
    rival = f.user(name="Jean Mbarga")
    rival_conversation, rival_offer = _agree(rival, deal["product"], 60_000)
    f.cart_with(deal["product"], user=deal["buyer"])
    _place(deal["buyer"])  # a signed-in buyer's cash order is taken at once
    db.session.refresh(rival_offer)
    assert rival_offer.status == OfferStatus.CLOSED
    assert _texts(rival, rival_conversation)[-1].startswith("Cet article a été vendu")


def test_offers_close_when_the_order_is_paid(deal):
    phone = deal["product"]
    rival = f.user()
    rival_conversation = threads.open_about_listing(rival, phone.public_id)
    offers.make(rival, rival_conversation, 40_000)
    f.cart_with(phone, user=deal["buyer"])
    order = _place(deal["buyer"], payment_method="MTN_MOMO", phone="+237670000001")
    from vgk.services.commerce import orders

    orders.move(order, OrderStatus.PAID)
    db.session.commit()
    offers.announce_pending()
    assert _texts(rival, rival_conversation)[-1].startswith("Cet article a été vendu")
    statuses = db.session.scalars(select(Offer.status).where(Offer.product_id == phone.id)).all()
    assert OfferStatus.OPEN not in statuses and OfferStatus.ACCEPTED not in statuses


def test_offers_close_when_the_listing_is_withdrawn_or_taken_down(deal):
    from vgk.models import Role
    from vgk.services.selling import listings, moderation

    phone = deal["product"]
    listings.archive(deal["seller"], phone.public_id)
    assert _texts(deal["buyer"], deal["conversation"])[-1].startswith("Cette annonce n'est plus en vente")
    assert offers.agreed_price(deal["buyer"], phone) is None

    other = f.product("Sac", seller=deal["seller"], price=20_000, negotiable=True)
    conversation, _offer = _agree(deal["buyer"], other, 15_000)
    moderation.take_down(f.user(role=Role.ADMIN), other.public_id, "Contrefaçon")
    assert _texts(deal["buyer"], conversation)[-1].startswith("Cette annonce n'est plus en vente")
    assert offers.agreed_price(deal["buyer"], other) is None
    assert db.session.get(Product, other.id).status == ProductStatus.REJECTED


def test_a_guests_cash_order_closes_the_offers_once_its_phone_is_confirmed(deal):
    order = f.place_order(deal["product"], confirm=False)
    assert db.session.get(Offer, deal["offer"].id).status == OfferStatus.ACCEPTED  # not taken yet
    checkout.confirm_cash_order(order, f.last_code(order.customer_phone))
    db.session.expire_all()
    assert db.session.get(Offer, deal["offer"].id).status == OfferStatus.CLOSED
    assert _texts(deal["buyer"], deal["conversation"])[-1].startswith("Cet article a été vendu")


def test_two_agreements_placed_at_once_on_postgresql_make_one_order(postgresql_app, media_root):
    """Real concurrent connections: each buyer holds an agreement on the one article; one order, at its
    buyer's agreed price."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import clean_database, make_app
    from vgk.models import User

    app = make_app(postgresql_app.config["SQLALCHEMY_DATABASE_URI"], media_root,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 5, "max_overflow": 0, "pool_pre_ping": True})
    with app.app_context():
        phone = f.product("Tecno Spark 10", price=65_000, negotiable=True, quantity=1)
        buyers = [f.user(name="Awa Bello"), f.user(name="Jean Mbarga")]
        for buyer, amount in zip(buyers, (58_000, 60_000), strict=True):
            _agree(buyer, phone, amount)
            f.cart_with(phone, user=buyer)
        ids, point_id = [buyer.id for buyer in buyers], f.pickup_point().id
        db.session.remove()
    barrier = threading.Barrier(2)

    def buy(n):
        with app.app_context():
            buyer = db.session.get(User, ids[n])
            cart = carts.find(user=buyer)
            barrier.wait(timeout=30)
            try:
                return checkout.place_order(cart=cart, buyer=buyer, name="Acheteur", phone=f"+23767000000{n}",
                                            payment_method="MTN_MOMO", pickup_point_id=point_id).items[0].unit_price
            except Conflict:
                return "conflict"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(buy, range(2), timeout=60))
    try:
        with app.app_context():
            assert len(outcomes) == 2 and "conflict" in outcomes
            assert {58_000, 60_000} & set(outcomes)  # the winner paid its own agreed price
            assert db.session.scalar(select(db.func.count()).select_from(Order)) == 1
            used = db.session.scalars(select(Offer).where(Offer.status == OfferStatus.USED)).all()
            assert len(used) == 1 and used[0].amount in outcomes
    finally:
        with app.app_context():
            clean_database()
            db.engine.dispose()


def test_offers_close_when_an_admin_refuses_the_edited_listing(deal):
    from vgk.models import Role
    from vgk.services.selling import moderation

    deal["product"].status = ProductStatus.PENDING  # the seller edited it: back to moderation
    db.session.commit()
    moderation.reject(f.user(role=Role.ADMIN), deal["product"].public_id, "Photo floue")
    assert offers.agreed_price(deal["buyer"], deal["product"]) is None
    assert _texts(deal["buyer"], deal["conversation"])[-1].startswith("Cette annonce n'est plus en vente")


def test_one_spent_agreement_undoes_the_others_in_the_order(deal, monkeypatch):
    buyer = deal["buyer"]
    bag = f.product("Sac en cuir", seller=deal["seller"], price=20_000, negotiable=True)
    _bag_conversation, bag_offer = _agree(buyer, bag, 15_000)
    f.cart_with(deal["product"], user=buyer)
    f.cart_with(bag, user=buyer)
    db.session.execute(db.update(Offer).where(Offer.id == bag_offer.id).values(status=OfferStatus.USED))
    db.session.commit()
    stale = {deal["product"].id: deal["offer"], bag.id: bag_offer}  # as read just before the other tab
    monkeypatch.setattr(offers, "agreements", lambda buyer_id, ids: stale)
    with pytest.raises(Conflict):
        _place(buyer)
    offers.announce_pending()  # nothing left to tell from the undone order
    db.session.expire_all()
    assert db.session.get(Offer, deal["offer"].id).status == OfferStatus.ACCEPTED
    assert not any(text.startswith("Commande passée") for text in _texts(buyer, deal["conversation"]))
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 0


def test_offers_close_when_the_seller_deletes_the_account(deal):
    from vgk.services.accounts import personal

    personal.delete_account(deal["seller"])
    assert offers.agreed_price(deal["buyer"], deal["product"]) is None
    assert _texts(deal["buyer"], deal["conversation"])[-1].startswith("Cette annonce n'est plus en vente")


def test_offers_close_when_the_seller_marks_it_sold(deal):
    from vgk.services.selling import listings

    listings.mark_sold(deal["seller"], deal["product"].public_id)
    assert offers.agreed_price(deal["buyer"], deal["product"]) is None
    assert _texts(deal["buyer"], deal["conversation"])[-1].startswith("Cet article a été vendu")
