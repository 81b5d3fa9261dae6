"""The order lifecycle: one table of allowed transitions and one function that moves an order
and writes its history; stock reservation and release; tracking; the handover code."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select, update
from sqlalchemy.orm import selectinload

from vgk.database import locked, rows_changed
from vgk.errors import Conflict, Invalid, NotFound, RateLimited
from vgk.extensions import db
from vgk.models import Order, OrderEvent, OrderItem, OrderStatus, Product, ProductStatus, User
from vgk.models.base import utcnow
from vgk.services.catalogue import versions
from vgk.services.messaging import inbox
from vgk.services.notifications import Guest, notify
from vgk.services.notifications.addresses import Recipient
from vgk.services.paging import paginate

log = logging.getLogger(__name__)
S = OrderStatus

TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.PAID, S.AT_PICKUP, S.CANCELLED, S.EXPIRED},
    S.PAID: {S.AT_PICKUP, S.OUT_FOR_DELIVERY, S.REFUNDED},
    S.AT_PICKUP: {S.READY, S.CANCELLED, S.REFUNDED},
    S.READY: {S.COMPLETED, S.CANCELLED, S.REFUNDED},
    S.OUT_FOR_DELIVERY: {S.DELIVERED, S.REFUNDED},
    S.COMPLETED: set(),
    S.DELIVERED: set(),
    S.CANCELLED: set(),
    S.EXPIRED: set(),
    S.REFUNDED: set(),
}
# Leaving the lifecycle without a sale gives the stock back.
RELEASES_STOCK = {S.CANCELLED, S.EXPIRED, S.REFUNDED}
MAX_HANDOVER_TRIES = 5


class IllegalTransition(Conflict):
    code = "illegal_transition"


def can_move(order: Order, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(order.status, set())


def move(order: Order, to_status: str, actor: User | None = None, note: object = "") -> Order:
    """Move the order to `to_status` if the lifecycle allows it, recording the event. No commit."""
    if not can_move(order, to_status):
        raise IllegalTransition(
            _l("Impossible de passer la commande %(ref)s de %(a)s à %(b)s.", ref=order.reference, a=order.status,
               b=to_status)
        )
    previous = order.status
    order.status = to_status
    now = utcnow()
    if to_status == S.PAID:
        order.paid_at = now
    if to_status in RELEASES_STOCK or to_status in S.FINISHED:
        order.closed_at = now
        order.reserved_until = None
    if to_status in RELEASES_STOCK:
        release_stock(order)
    if to_status == S.PAID or to_status in S.FINISHED:  # paid: sold to this buyer, unless refunded
        _mark_sold_out(order)
        close_offers(order)
    db.session.add(OrderEvent(order=order, from_status=previous, to_status=to_status,
                              actor_id=actor.id if actor is not None else None, note=str(note)[:255]))
    log.info("order %s: %s -> %s", order.reference, previous, to_status)
    return order


# --- stock --------------------------------------------------------------------------------------

def reserve_stock(product_id: int, quantity: int) -> bool:
    """Take `quantity` from the product's stock in one conditional UPDATE; False if not enough."""
    result = db.session.execute(
        update(Product)
        .where(Product.id == product_id, Product.status == ProductStatus.ACTIVE, Product.quantity >= quantity)
        .values(
            quantity=Product.quantity - quantity,
            status=case((Product.quantity == quantity, ProductStatus.RESERVED), else_=Product.status),
            updated_at=Product.updated_at,
        )
        .execution_options(synchronize_session=False, **{versions.FEWER: (product_id,)})
    )
    return rows_changed(result) == 1


def release_stock(order: Order) -> None:
    for item in order.items:
        db.session.execute(
            update(Product)
            .where(Product.id == item.product_id)
            .values(
                quantity=Product.quantity + item.quantity,
                # Back on sale: held for this order, or sold out by it (paid, then cancelled or refunded).
                status=case((Product.status == ProductStatus.RESERVED, ProductStatus.ACTIVE),
                            ((Product.status == ProductStatus.SOLD) & (Product.quantity == 0), ProductStatus.ACTIVE),
                            else_=Product.status),
                updated_at=Product.updated_at,
            )
            .execution_options(synchronize_session=False)
        )


def _mark_sold_out(order: Order) -> None:
    for item in order.items:
        db.session.execute(
            update(Product)
            .where(Product.id == item.product_id, Product.quantity == 0, Product.status == ProductStatus.RESERVED)
            .values(status=ProductStatus.SOLD, updated_at=Product.updated_at)
            .execution_options(synchronize_session=False, **{versions.FEWER: (item.product_id,)})
        )


def close_offers(order: Order) -> None:
    """The order's articles that are now all sold: the offers on them close (no commit; the caller
    announces the lines after its commit, with offers.announce_pending)."""
    from vgk.services.conversations import offers  # (offers → messages → selling → catalogue…)

    sold_out = db.session.scalars(select(Product.id).where(
        Product.id.in_([item.product_id for item in order.items if item.product_id is not None]),
        Product.quantity == 0)).all()
    if sold_out:
        offers.close_later(sold_out, sold=True)


def expire_unpaid(now: datetime | None = None) -> int:
    """Job: unpaid orders whose reservation ran out expire and give their stock back."""
    now = now or utcnow()
    expired = 0
    ids = db.session.scalars(
        select(Order.id).where(Order.status == S.PENDING_PAYMENT, Order.reserved_until < now)
    ).all()
    for order_id in ids:
        order = locked(select(Order).where(Order.id == order_id).options(selectinload(Order.items)))
        if (order is None or order.status != S.PENDING_PAYMENT or order.reserved_until is None
                or order.reserved_until >= now):
            db.session.rollback()
            continue
        move(order, S.EXPIRED, note="reservation expired")
        db.session.commit()
        tell(order, "order.expired")
        expired += 1
    return expired


# --- lookups ------------------------------------------------------------------------------------

def by_reference(reference: str | None, for_update: bool = False) -> Order:
    stmt = select(Order).where(Order.reference == str(reference or "").strip().upper()[:16]).options(
        selectinload(Order.items).selectinload(OrderItem.product).selectinload(Product.images),
        selectinload(Order.events),
        selectinload(Order.pickup_point),
    )
    order = locked(stmt) if for_update else db.session.scalar(stmt)
    if order is None:
        raise NotFound(_l("Commande introuvable."))
    return order


def _token_hash(token: str) -> str:
    return hashlib.sha256(f"order-access:{token}".encode()).hexdigest()


def issue_access_token(order: Order) -> str:
    """A new secret for a guest's order: answered once to whoever placed it, only its hash kept. No commit."""
    token = secrets.token_urlsafe(24)
    order.access_token_hash = _token_hash(token)
    return token


def for_caller(reference: str | None, *, user: User | None = None, access_token: object = None,
               proven: bool = False) -> Order:
    """The order for a caller entitled to see it in full (the buyer's name, phone and address) and to
    pay it: an account's order for that signed-in account only; a guest's order for whoever holds its
    access token (given once, at checkout) or has `proven` it is theirs (the browser that placed it, or
    that found it with the reference and the phone number given at checkout). Anybody else, however
    well they know the reference (a seller sees it), is told the order does not exist."""
    order = by_reference(reference)
    if entitled(order, user=user, access_token=access_token, proven=proven):
        return order
    raise NotFound(_l("Commande introuvable."))


def entitled(order: Order, *, user: User | None = None, access_token: object = None, proven: bool = False) -> bool:
    """for_caller's rule, for an order already read (however little of it was loaded)."""
    if order.buyer_id is not None:
        return user is not None and user.id == order.buyer_id
    if proven:
        return True
    return bool(access_token and order.access_token_hash and hmac.compare_digest(
        order.access_token_hash, _token_hash(str(access_token))))


def track(reference: str | None, phone: str | None) -> Order:
    """A guest finds their order with its reference and the phone number given at checkout."""
    from vgk.services.accounts.people import normalize_phone

    try:
        number = normalize_phone(phone)
        order = by_reference(reference)
    except (Invalid, NotFound):
        raise NotFound(_l("Aucune commande ne correspond à cette référence et ce numéro.")) from None
    if not hmac.compare_digest(order.customer_phone, number):
        raise NotFound(_l("Aucune commande ne correspond à cette référence et ce numéro."))
    return order


def for_buyer(user: User) -> Sequence[Order]:
    return db.session.scalars(
        select(Order).where(Order.buyer_id == user.id).order_by(Order.created_at.desc()).limit(100)
    ).all()


def buyer_orders_page(user: User, page: int = 1, per_page: int = 20) -> tuple[Sequence[Order], int]:
    """One page of the user's purchases, newest first, and their number."""
    found = paginate(
        select(Order).where(Order.buyer_id == user.id)
        .options(selectinload(Order.items), selectinload(Order.pickup_point))
        .order_by(Order.created_at.desc(), Order.id.desc()),
        page, per_page,
    )
    return found.items, found.total


def for_buyer_by_id(user: User | None, public_id: str) -> Order:
    """The user's own order by its public id, with its history; anybody else's is not found."""
    order = db.session.scalar(
        select(Order).where(Order.public_id == str(public_id)[:16]).options(
            selectinload(Order.items), selectinload(Order.events), selectinload(Order.pickup_point))
    )
    if order is None or user is None or order.buyer_id != user.id:
        raise NotFound(_l("Commande introuvable."))
    return order


def sales_page(user: User, page: int = 1, per_page: int = 20) -> tuple[Sequence[OrderItem], int]:
    """One page of the order lines the user sold, newest first, and their number."""
    found = paginate(
        select(OrderItem).join(Order).where(OrderItem.seller_id == user.id)
        .options(selectinload(OrderItem.order))
        .order_by(Order.created_at.desc(), OrderItem.id.desc()),
        page, per_page,
    )
    return found.items, found.total


def sales_of(user: User) -> Sequence[OrderItem]:
    return db.session.scalars(
        select(OrderItem).join(Order).where(OrderItem.seller_id == user.id)
        .options(selectinload(OrderItem.order)).order_by(Order.created_at.desc()).limit(200)
    ).all()


# --- messages and handover code -----------------------------------------------------------------

def buyers_of(order: Order) -> list[Recipient]:
    """Who hears about the order: the buyer's account, and the phone given at checkout when it is not the
    account's (whoever collects needs the code); for a guest, the phone and email given at checkout, in the
    language of their checkout."""
    language = order.language if order.language in ("fr", "en") else "fr"
    if order.buyer is None:
        return [Guest(phone=order.customer_phone, email=order.customer_email or None, language=language)]
    if order.customer_phone and order.customer_phone != order.buyer.phone:
        return [order.buyer, Guest(phone=order.customer_phone, language=order.buyer.locale or language)]
    return [order.buyer]


def tell(order: Order, event_name: str, *, once: bool = True, **values: object) -> None:
    """Tell the buyer about `event_name` (messages name the order by its reference, with its tracking link),
    and the sellers what the order now asks of them. Called after the service committed the move; commits,
    and the messages leave then. `once`: a retry or a double click tells nothing more (one per order and
    event). A handover `code` only ever travels by SMS."""
    from vgk.services.commerce import drop_off

    context = {"ref": order.reference, "link": order_link(order) if order.buyer is not None else tracking_url(order),
               **values}
    for person in buyers_of(order):
        notify(person, event_name, context, dedup_key=f"order:{order.reference}:{event_name}" if once else None)
    told = tell_sellers(order)
    db.session.commit()
    if told:
        drop_off.schedule_reminder(order)


def order_link(order: Order) -> str:
    return f"/commande/{order.reference}"


def _sale_link(order: Order) -> str:
    return f"/compte/ventes#{order.reference}"


def awaits_drop_off(order: Order) -> bool:
    """Paid, or a cash order taken for real (a guest confirmed their phone): the seller brings the item."""
    return order.status == S.PAID or (order.status == S.PENDING_PAYMENT and order.is_cash
                                      and not order.awaits_phone_check)


def tell_sellers(order: Order) -> bool:
    """Each seller hears once that their item sold and where to bring it by when (when the order awaits the
    drop-off), and once that it was called off (if they had been told it sold). No commit: answers whether a
    seller was told of a drop-off (its reminder is then due)."""
    from vgk.services.commerce import drop_off

    link = _sale_link(order)
    told = False
    for seller, titles in drop_off.titles_by_seller(order.items).values():
        if awaits_drop_off(order) and not inbox.already_told(seller.id, inbox.SALE, link):
            event_name, values = drop_off.message(order, titles, "sale.new")
            told = bool(notify(seller, event_name, {**values, "link": link},
                               dedup_key=f"order:{order.reference}:sold")) or told
        elif (order.status in RELEASES_STOCK and inbox.already_told(seller.id, inbox.SALE, link)
              and not inbox.already_told(seller.id, inbox.SALE_CANCELLED, link)):
            notify(seller, "sale.cancelled", {"ref": order.reference, "titles": titles, "link": link},
                   dedup_key=f"order:{order.reference}:sale.cancelled")
    return told


def order_code_hash(order: Order, kind: str, code: str) -> str:
    """The keyed hash kept for one of an order's 6-digit codes (`kind`: "handover", "phone")."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{kind}:{order.reference}:{code}".encode(), hashlib.sha256).hexdigest()


def new_order_code(order: Order, kind: str) -> tuple[str, str]:
    """A new random 6-digit code of `kind` for the order, and its hash to keep."""
    code = f"{secrets.randbelow(10**6):06d}"
    return code, order_code_hash(order, kind, code)


def _code_hash(order: Order, code: str) -> str:
    return order_code_hash(order, "handover", code)


def _derived_code(order: Order, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"handover:{order.reference}:{nonce}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**6:06d}"


def handover_code(order: Order) -> str | None:
    """The order's code for collecting it, derived again from its nonce (never stored in clear); None
    before one is issued, and for an older order whose code only exists as a hash."""
    return _derived_code(order, order.handover_nonce) if order.handover_nonce else None


def issue_handover_code(order: Order) -> str:
    """The order's one handover code: made on the first call, the same on every later one. No commit.
    An older order keeps its hashed code working beside the new one until a re-send."""
    if not order.handover_nonce:
        order.handover_nonce = secrets.token_hex(16)
    return _derived_code(order, order.handover_nonce)


def rotate_handover_code(order: Order) -> str:
    """A new code for the order (only on an explicit re-send): the previous one stops working. No commit."""
    order.handover_nonce = secrets.token_hex(16)
    order.handover_code_hash = None
    order.handover_attempts = 0
    return _derived_code(order, order.handover_nonce)


def awaits_handover(order: Order) -> bool:
    """The buyer will collect the order (or the courier bring it) with the handover code."""
    return order.status in (S.AT_PICKUP, S.READY, S.OUT_FOR_DELIVERY) or awaits_drop_off(order)


def handover_qr(order: Order) -> str | None:
    """What the order's QR code holds for the pickup point's scanner: the reference and the code."""
    code = handover_code(order)
    return f"{order.reference} {code}" if code else None


def tracking_url(order: Order) -> str:
    """The order's page on the public site; a guest's goes through the tracking form (phone asked)."""
    from vgk.urls import public_url

    if order.buyer_id is not None:
        return public_url("shop.order", reference=order.reference)
    return public_url("shop.track", ref=order.reference)


def tell_with_code(order: Order, event_name: str, *, once: bool = True, **values: object) -> None:
    """`tell` with the order's handover code (sent by SMS only)."""
    tell(order, event_name, once=once, code=issue_handover_code(order), **values)


def check_handover_code(order: Order, code: object) -> None:
    if order.handover_attempts >= MAX_HANDOVER_TRIES:
        raise RateLimited(_l("Trop de codes faux pour cette commande : renvoyez un nouveau code à l'acheteur."))
    candidate = "".join(ch for ch in str(code or "") if ch.isdigit())[:6]
    current = handover_code(order)
    right = current is not None and hmac.compare_digest(current, candidate)
    if not right and order.handover_code_hash:  # an order from before derived codes
        right = hmac.compare_digest(order.handover_code_hash, _code_hash(order, candidate))
    if not right:
        order.handover_attempts += 1
        db.session.commit()
        raise Invalid(_l("Code de retrait incorrect."), {"code": "wrong"})


# --- home delivery ------------------------------------------------------------------------------

def dispatch(order: Order, actor: User) -> None:
    """A paid home-delivery order leaves with the courier."""
    from vgk.models import Fulfilment

    if order.fulfilment != Fulfilment.DELIVERY:
        raise Conflict(_l("Cette commande se retire en point relais."))
    move(order, S.OUT_FOR_DELIVERY, actor=actor, note="out for delivery")
    db.session.commit()
    tell(order, "order.dispatched")


def deliver(order: Order, actor: User, code: object) -> Order:
    """The courier hands the order over against the buyer's code; the sellers are credited."""
    from vgk.services.commerce import guests, wallet
    from vgk.services.conversations import offers

    if order.status != S.OUT_FOR_DELIVERY:
        raise Conflict(_l("Cette commande n'est pas en cours de livraison."))
    check_handover_code(order, code)
    move(order, S.DELIVERED, actor=actor, note="delivered")
    wallet.credit_sale(order)
    db.session.commit()
    offers.announce_pending()
    guests.send_review_link(order)
    tell(order, "order.delivered")  # commits: the messages leave
    return order
