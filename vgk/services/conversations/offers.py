"""Offers on a negotiable listing, made in the buyer's conversation with the seller.

The buyer offers a price below the listed one; the other side accepts, declines or counters (a counter is
a new offer the buyer may accept, decline or counter in turn). Once accepted, that buyer — and only that
buyer — may check out at the agreed price for OFFER_VALID_HOURS, once: checkout asks `agreed_price` and
calls `use` in its own transaction; the price always comes from here, never from what a client sends.
When the item sells or leaves the shop, the offers still open or agreed close with a line in the
conversation.

Every decision is a conditional UPDATE on the offer's status, so two answers at once (two tabs, two
devices, two databases' worth of races) settle it once, on SQLite as on PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select, update

from vgk.database import rows_changed
from vgk.errors import Conflict, Forbidden, Invalid, NotFound
from vgk.extensions import db
from vgk.models import (
    ChatMessage,
    Conversation,
    ConversationKind,
    EventKind,
    MessageKind,
    Offer,
    OfferStatus,
    Order,
    Product,
    ProductStatus,
    User,
)
from vgk.models.base import utcnow
from vgk.services.conversations import messages, threads
from vgk.services.discovery import events
from vgk.services.paging import parse_int
from vgk.text import format_xaf

ACCEPT, DECLINE, COUNTER = "accept", "decline", "counter"
DECISIONS = (ACCEPT, DECLINE, COUNTER)
MAX_AMOUNT = 100_000_000
ACCEPTED_LINE = _l("Offre acceptée : %(amount)s. L'acheteur peut commander à ce prix pendant %(hours)s h.")
DECLINED_LINE = _l("Offre de %(amount)s refusée.")
CLOSED_SOLD = _l("Cet article a été vendu : les offres en cours sont closes.")
CLOSED_WITHDRAWN = _l("Cette annonce n'est plus en vente : les offres en cours sont closes.")
SETTLED = _l("Cette offre a déjà reçu une réponse.")
USED_LINE = _l("Commande passée au prix négocié : %(amount)s.")
_PENDING = "vgk.offers.pending_lines"


def valid_hours() -> int:
    return int(current_app.config["OFFER_VALID_HOURS"])


def _amount(value: object, product: Product) -> int:
    amount = parse_int(value)
    if amount is None or amount <= 0 or amount > MAX_AMOUNT:
        message = _l("Indiquez un prix en FCFA, en chiffres.")
        raise Invalid(message, fields={"amount": message})
    if amount >= product.price:
        message = _l("Proposez moins que le prix affiché (%(price)s) — ou achetez-le directement.",
                     price=format_xaf(product.price))
        raise Invalid(message, fields={"amount": message})
    return amount


def _buyer_id(conversation: Conversation) -> int | None:
    return conversation.created_by_id if conversation.kind == ConversationKind.LISTING else None


def _negotiable(conversation: Conversation) -> Product:
    product = conversation.product
    if conversation.kind != ConversationKind.LISTING or product is None:
        raise Invalid(_l("On ne fait une offre que sur une annonce."))
    if product.status != ProductStatus.ACTIVE:
        raise Conflict(_l("Cette annonce n'est plus en vente."))
    if not product.negotiable:
        raise Invalid(_l("Le prix de cette annonce n'est pas négociable."))
    return product


def _post(conversation: Conversation, offer: Offer, author: User) -> ChatMessage:
    message = ChatMessage(conversation_id=conversation.id, sender_id=author.id, kind=MessageKind.OFFER,
                          body=format_xaf(offer.amount), offer=offer, created_at=utcnow())
    return messages.added(conversation, message, threads.membership(author, conversation))


def make(buyer: User | None, conversation: Conversation, amount: object) -> Offer:
    """The buyer offers a price (their previous offer still waiting is replaced)."""
    buyer = threads.writer(buyer, conversation).user
    if _buyer_id(conversation) != buyer.id:
        raise Forbidden(_l("Seul l'acheteur fait une offre ; répondez-lui par une contre-offre."))
    product = _negotiable(conversation)
    price = _amount(amount, product)
    db.session.execute(update(Offer).where(Offer.conversation_id == conversation.id,
                                           Offer.status == OfferStatus.OPEN)
                       .values(status=OfferStatus.CLOSED, decided_at=utcnow()))
    offer = Offer(conversation_id=conversation.id, product_id=product.id, buyer_id=buyer.id, made_by_id=buyer.id,
                  amount=price, status=OfferStatus.OPEN, created_at=utcnow())
    db.session.add(offer)
    message = _post(conversation, offer, buyer)
    db.session.commit()
    messages.announce(conversation, message)
    events.record(EventKind.OFFER, events.person_of(buyer), product.id)
    return offer


def find(user: User | None, public_id: object) -> tuple[Offer, Conversation]:
    offer = db.session.scalar(select(Offer).where(Offer.public_id == str(public_id)[:16]))
    if offer is None:
        raise NotFound(_l("Offre introuvable."))
    conversation = db.session.get(Conversation, offer.conversation_id)
    if conversation is None or threads.membership(user, conversation) is None:
        raise NotFound(_l("Offre introuvable."))
    return offer, conversation


def _settle(offer: Offer, status: str, **values: object) -> None:
    """Move the offer from OPEN to `status`, once (Conflict when someone answered first)."""
    result = db.session.execute(update(Offer).where(Offer.id == offer.id, Offer.status == OfferStatus.OPEN)
                                .values(status=status, decided_at=utcnow(), **values))
    if rows_changed(result) != 1:
        db.session.rollback()
        raise Conflict(SETTLED)


def answer(user: User | None, offer_public_id: object, decision: object, amount: object = None) -> Offer:
    """The side that did not make the offer accepts, declines or counters it. Returns the offer that now
    stands (the counter-offer when countering)."""
    offer, conversation = find(user, offer_public_id)
    user = threads.writer(user, conversation).user
    if decision not in DECISIONS:
        raise Invalid(_l("Choisissez : accepter, refuser ou proposer un autre prix."))
    if offer.made_by_id == user.id:
        raise Forbidden(_l("Vous attendez la réponse de l'autre personne."))
    product = _negotiable(conversation)
    if decision == ACCEPT:
        return _accept(offer, conversation, product)
    if decision == DECLINE:
        _settle(offer, OfferStatus.DECLINED)
        line = messages.add_system(conversation, DECLINED_LINE, amount=format_xaf(offer.amount))
        db.session.commit()
        messages.announce(conversation, line)
        return offer
    price = _amount(amount, product)
    _settle(offer, OfferStatus.COUNTERED)
    counter = Offer(conversation_id=conversation.id, product_id=product.id, buyer_id=offer.buyer_id,
                    made_by_id=user.id, parent_id=offer.id, amount=price, status=OfferStatus.OPEN,
                    created_at=utcnow())
    db.session.add(counter)
    message = _post(conversation, counter, user)
    db.session.commit()
    messages.announce(conversation, message)
    return counter


def _accept(offer: Offer, conversation: Conversation, product: Product) -> Offer:
    hours = valid_hours()
    _settle(offer, OfferStatus.ACCEPTED, valid_until=utcnow() + timedelta(hours=hours))
    # One agreement at a time for this buyer and listing: an older one lapses.
    db.session.execute(update(Offer).where(Offer.buyer_id == offer.buyer_id, Offer.product_id == product.id,
                                           Offer.status == OfferStatus.ACCEPTED, Offer.id != offer.id)
                       .values(status=OfferStatus.CLOSED))
    line = messages.add_system(conversation, ACCEPTED_LINE, amount=format_xaf(offer.amount), hours=hours)
    db.session.commit()
    messages.announce(conversation, line)
    db.session.refresh(offer)
    return offer


def agreed_price(buyer: User | None, product: Product) -> Offer | None:
    """The buyer's agreement on this listing that checkout may still use, if any."""
    if buyer is None or getattr(buyer, "id", None) is None:
        return None
    return db.session.scalar(select(Offer).where(
        Offer.buyer_id == buyer.id, Offer.product_id == product.id, Offer.status == OfferStatus.ACCEPTED,
        Offer.valid_until > utcnow(), Offer.order_id.is_(None)).order_by(Offer.id.desc()).limit(1))


def agreements(buyer_id: int | None, product_ids: Collection[int]) -> dict[int, Offer]:
    """`agreed_price` for several listings at once (a cart's), by product id: one query."""
    if buyer_id is None or not product_ids:
        return {}
    found = db.session.scalars(select(Offer).where(
        Offer.buyer_id == buyer_id, Offer.product_id.in_(list(product_ids)), Offer.status == OfferStatus.ACCEPTED,
        Offer.valid_until > utcnow(), Offer.order_id.is_(None)).order_by(Offer.id))
    return {offer.product_id: offer for offer in found}


def use(offer: Offer, order: Order) -> ChatMessage:
    """Checkout placed `order` at the offer's price: the agreement is spent, with a line in the
    conversation (no commit — the order's transaction; `announce_pending` after it). Conflict when it
    was spent or lapsed meanwhile."""
    result = db.session.execute(update(Offer).where(
        Offer.id == offer.id, Offer.status == OfferStatus.ACCEPTED, Offer.order_id.is_(None),
        Offer.valid_until > utcnow()).values(status=OfferStatus.USED, order_id=order.id)
        .execution_options(synchronize_session=False))
    if rows_changed(result) != 1:
        raise Conflict(_l("Ce prix négocié n'est plus valable : rechargez la page."))
    conversation = db.session.get(Conversation, offer.conversation_id)
    assert conversation is not None  # the offer's conversation is deleted with it
    line = messages.add_system(conversation, USED_LINE, amount=format_xaf(offer.amount))
    db.session.info.setdefault(_PENDING, []).append(line)
    return line


def close_for(product: Product, sold: bool) -> list[ChatMessage]:
    """The item sold (or left the shop): its open and agreed offers close, with a line in each
    conversation. No commit — the caller's; call `messages.announce` for each line after it."""
    conversations = list(db.session.scalars(select(Conversation).join(Offer, Offer.conversation_id == Conversation.id)
                                            .where(Offer.product_id == product.id,
                                                   Offer.status.in_(OfferStatus.LIVE)).distinct()))
    db.session.execute(update(Offer).where(Offer.product_id == product.id, Offer.status.in_(OfferStatus.LIVE))
                       .values(status=OfferStatus.CLOSED, decided_at=utcnow()))
    key = CLOSED_SOLD if sold else CLOSED_WITHDRAWN
    return [messages.add_system(conversation, key) for conversation in conversations]


def close_later(product_ids: Collection[int], sold: bool) -> None:
    """`close_for` from inside a transaction another service commits (an order's move): the lines wait
    in the session until `announce_pending` runs after that commit."""
    for product in db.session.scalars(select(Product).where(Product.id.in_(list(product_ids)))):
        db.session.info.setdefault(_PENDING, []).extend(close_for(product, sold=sold))


def announce_lines(lines: Iterable[ChatMessage]) -> None:
    """After the commit: tell the members of their conversations about lines added here (a line whose
    transaction was rolled back instead is no longer persistent: nothing to tell)."""
    for line in lines:
        if not inspect(line).persistent:
            continue
        conversation = db.session.get(Conversation, line.conversation_id)
        if conversation is not None:
            messages.announce(conversation, line)


def announce_pending() -> None:
    """After the commit: tell the members about the lines `use` and `close_later` added."""
    announce_lines(db.session.info.pop(_PENDING, []))
