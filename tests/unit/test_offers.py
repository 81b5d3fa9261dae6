"""Offers: who may make and answer them, counters, the agreed price for that buyer only, within its
validity, once; offers closing when the item sells."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.errors import Conflict, Forbidden, Invalid, NotFound
from vgk.extensions import db
from vgk.models import ChatMessage, MessageKind, Offer, OfferStatus
from vgk.models.base import utcnow
from vgk.services.conversations import messages, offers, threads


@pytest.fixture
def talk(app):
    seller = f.user(name="Nadège Fotso")
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    buyer = f.user(name="Awa Bello")
    conversation = threads.open_about_listing(buyer, phone.public_id)
    return {"seller": seller, "buyer": buyer, "product": phone, "conversation": conversation}


def test_offer_counter_accept(talk):
    buyer, seller, conversation = talk["buyer"], talk["seller"], talk["conversation"]
    offer = offers.make(buyer, conversation, "50000")
    assert offer.status == OfferStatus.OPEN and offer.amount == 50_000
    with pytest.raises(Forbidden):  # one does not answer one's own offer
        offers.answer(buyer, offer.public_id, offers.ACCEPT)
    counter = offers.answer(seller, offer.public_id, offers.COUNTER, "58000")
    assert counter.amount == 58_000 and counter.parent_id == offer.id and counter.made_by_id == seller.id
    db.session.refresh(offer)
    assert offer.status == OfferStatus.COUNTERED
    with pytest.raises(Conflict):  # already answered
        offers.answer(seller, offer.public_id, offers.ACCEPT)
    agreed = offers.answer(buyer, counter.public_id, offers.ACCEPT)
    assert agreed.status == OfferStatus.ACCEPTED
    assert agreed.valid_until is not None and agreed.valid_until > utcnow() + timedelta(hours=23)
    assert offers.agreed_price(buyer, talk["product"]).id == counter.id
    assert offers.agreed_price(seller, talk["product"]) is None
    assert offers.agreed_price(f.user(), talk["product"]) is None
    kinds = db.session.scalars(select(ChatMessage.kind).where(ChatMessage.conversation_id == conversation.id)
                               .order_by(ChatMessage.id)).all()
    assert kinds == [MessageKind.OFFER, MessageKind.OFFER, MessageKind.SYSTEM]
    assert "58 000 FCFA" in messages.page(buyer, conversation)[0][-1].text


def test_only_the_buyer_offers_and_only_below_the_price(talk):
    conversation = talk["conversation"]
    with pytest.raises(Forbidden):
        offers.make(talk["seller"], conversation, 40_000)
    for bad in ("", "abc", "-5", "0", "65000", "90000", "1e5", 10**12):
        with pytest.raises(Invalid):
            offers.make(talk["buyer"], conversation, bad)
    talk["product"].negotiable = False
    db.session.commit()
    with pytest.raises(Invalid):
        offers.make(talk["buyer"], conversation, 40_000)


def test_strangers_cannot_see_or_answer_an_offer(talk):
    offer = offers.make(talk["buyer"], talk["conversation"], 50_000)
    for stranger in (f.user(), None):
        with pytest.raises(NotFound):
            offers.answer(stranger, offer.public_id, offers.ACCEPT)


def test_an_agreement_is_used_once_and_lapses(talk):
    buyer, seller = talk["buyer"], talk["seller"]
    offer = offers.make(buyer, talk["conversation"], 50_000)
    offers.answer(seller, offer.public_id, offers.ACCEPT)
    agreed = offers.agreed_price(buyer, talk["product"])
    order = f.place_order(f.product("Autre", seller=f.user()), buyer=buyer)
    offers.use(agreed, order)
    db.session.commit()
    with pytest.raises(Conflict):
        offers.use(agreed, order)
    assert offers.agreed_price(buyer, talk["product"]) is None

    second = offers.make(buyer, talk["conversation"], 51_000)
    offers.answer(seller, second.public_id, offers.ACCEPT)
    db.session.execute(db.update(Offer).where(Offer.id == second.id).values(valid_until=utcnow() - timedelta(1)))
    db.session.commit()
    assert offers.agreed_price(buyer, talk["product"]) is None
    with pytest.raises(Conflict):
        offers.use(db.session.get(Offer, second.id), order)


def test_offers_close_when_the_item_sells(talk):
    offer = offers.make(talk["buyer"], talk["conversation"], 50_000)
    lines = offers.close_for(talk["product"], sold=True)
    db.session.commit()
    db.session.refresh(offer)
    assert offer.status == OfferStatus.CLOSED and len(lines) == 1
    assert messages.page(talk["buyer"], talk["conversation"])[0][-1].text.startswith("Cet article a été vendu")
