"""Checkout: turn a cart into an order. Prices, fees and commission come from the server only;
stock is reserved atomically, so two buyers can never get the last item. A phone number or an account
has few unpaid orders at a time, and a guest's cash order is only taken once the code sent by SMS to
its phone comes back (confirm_cash_order)."""
from __future__ import annotations

import hmac
import logging
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vgk import jobs
from vgk.errors import Conflict, Invalid, RateLimited
from vgk.extensions import db
from vgk.models import (
    Cart,
    City,
    EventKind,
    Fulfilment,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    PickupPoint,
    User,
)
from vgk.models.base import utcnow
from vgk.services.accounts.people import clean_name as _clean_name
from vgk.services.accounts.people import normalize_email, normalize_phone
from vgk.services.backoffice import settings
from vgk.services.commerce import cart as carts
from vgk.services.commerce import guests, orders, payments
from vgk.services.conversations import offers
from vgk.services.discovery import events
from vgk.services.paging import parse_int

log = logging.getLogger(__name__)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "VGK-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def commission_for(amount: int) -> int:
    """The marketplace's share of a sale, in whole francs (rounded half up)."""
    return (amount * settings.commission_percent() + 50) // 100


def delivery_fee(city: City | None) -> int:
    if city is None or city.delivery_fee is None:
        raise Invalid(_l("La livraison à domicile n'est pas proposée dans cette ville."),
                      {"delivery_city": "unavailable"})
    return city.delivery_fee


def pickup_points() -> Sequence[PickupPoint]:
    return db.session.scalars(
        select(PickupPoint).where(PickupPoint.is_active.is_(True)).order_by(PickupPoint.city_id, PickupPoint.name)
    ).all()


def default_pickup_point(lines: Iterable[carts.Line], user: User | None) -> PickupPoint | None:
    """The pickup point the checkout suggests (web and API): one in the city of most of the cart's items
    (on a tie, the city of the earlier line), else in the signed-in buyer's city, else the first active
    point. None when there is no active point at all."""
    points = pickup_points()
    cities = [city_id for city_id, _ in Counter(line.product.city_id for line in lines).most_common()]
    if user is not None and user.city_id is not None:
        cities.append(user.city_id)
    for city_id in cities:
        for point in points:
            if point.city_id == city_id:
                return point
    return points[0] if points else None


def delivery_cities() -> Sequence[City]:
    return db.session.scalars(select(City).where(City.delivery_fee.is_not(None)).order_by(City.position)).all()


def _validate(name: str, phone: str, email: str | None, fulfilment: str, pickup_point_id: object,
              delivery_city_id: object, delivery_address: str | None, payment_method: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, check in (
        ("customer_name", lambda: _clean_name(name)),
        ("customer_phone", lambda: normalize_phone(phone)),
        ("customer_email", lambda: normalize_email(email)),
    ):
        try:
            values[field] = check()
        except Invalid as error:
            errors[field] = str(error.message)
    if payment_method not in PaymentMethod.ALL:
        errors["payment_method"] = str(_l("Choisissez un moyen de paiement."))
    elif "customer_phone" in values and (mismatch := payments.operator_mismatch(payment_method,
                                                                                values["customer_phone"])):
        errors["payment_method"] = mismatch
    if fulfilment not in Fulfilment.ALL:
        errors["fulfilment"] = str(_l("Choisissez le retrait en point relais ou la livraison."))
    elif fulfilment == Fulfilment.PICKUP:
        point = db.session.get(PickupPoint, _int(pickup_point_id))
        if point is None or not point.is_active:
            errors["pickup_point_id"] = str(_l("Choisissez un point relais."))
        values["pickup_point"] = point
    else:
        city = db.session.get(City, _int(delivery_city_id))
        address = " ".join((delivery_address or "").split())[:255]
        if city is None or city.delivery_fee is None:
            errors["delivery_city"] = str(_l("La livraison à domicile n'est pas proposée dans cette ville."))
        if len(address) < 5:
            errors["delivery_address"] = str(_l("Indiquez l'adresse de livraison (quartier, rue, repère)."))
        if payment_method == PaymentMethod.CASH:
            errors["payment_method"] = str(_l("Le paiement en espèces se fait au point relais uniquement."))
        values["delivery_city"], values["delivery_address"] = city, address
    if errors:
        raise Invalid(_l("Vérifiez les champs indiqués."), errors)
    return values


def _int(value: object) -> int:
    return parse_int(value) or 0


def place_order(*, cart: Cart, name: str, phone: str, payment_method: str, email: str | None = None,
                buyer: User | None = None, fulfilment: str = Fulfilment.PICKUP, pickup_point_id: object = None,
                delivery_city_id: object = None, delivery_address: str | None = None,
                person: events.Person | None = None) -> Order:
    """Create the order for the cart's available lines, reserving their stock, and empty the cart.

    Raises Invalid for bad details, Conflict when an item is no longer available (nothing is kept).
    """
    values = _validate(name, phone, email, fulfilment, pickup_point_id, delivery_city_id, delivery_address,
                       payment_method)
    view = carts.view_of(cart)
    if not view.lines:
        raise Invalid(_l("Votre panier est vide."), {"cart": "empty"})
    if view.has_problems:
        raise Conflict(_l("Un article de votre panier n'est plus disponible : vérifiez votre panier."))
    lines = _reserve_lines(view.lines, buyer)
    _check_unpaid_orders(values["customer_phone"], buyer)
    items = [
        OrderItem(product_id=line.product.id, seller_id=line.product.seller_id, title=line.product.title,
                  unit_price=line.unit_price, quantity=line.quantity, commission=commission_for(line.total))
        for line in lines
    ]
    subtotal = sum(item.unit_price * item.quantity for item in items)
    fee = delivery_fee(values["delivery_city"]) if fulfilment == Fulfilment.DELIVERY else 0
    # A guest's cash order is only taken once the code sent to the phone comes back: until then the
    # short Mobile Money hold, no handover code, and the sellers are not told to drop anything off.
    phone_check = payment_method == PaymentMethod.CASH and buyer is None
    hold = (timedelta(hours=settings.cash_hold_hours())
            if payment_method == PaymentMethod.CASH and not phone_check
            else timedelta(minutes=settings.reservation_minutes()))
    order = Order(
        reference=new_reference(), buyer_id=buyer.id if buyer is not None else None,
        customer_name=values["customer_name"], customer_phone=values["customer_phone"],
        customer_email=values["customer_email"], fulfilment=fulfilment,
        pickup_point=values.get("pickup_point") if fulfilment == Fulfilment.PICKUP else None,
        delivery_city=values.get("delivery_city"), delivery_address=values.get("delivery_address"),
        payment_method=payment_method, status=OrderStatus.PENDING_PAYMENT, subtotal=subtotal,
        delivery_fee=fee, commission=sum(item.commission for item in items), total=subtotal + fee,
        language=guests.checkout_language(), reserved_until=utcnow() + hold, items=items,
    )
    access_token = orders.issue_access_token(order) if buyer is None else None
    code = _issue_phone_code(order) if phone_check else orders.issue_handover_code(order)
    order.events.append(OrderEvent(from_status=None, to_status=OrderStatus.PENDING_PAYMENT,
                                   actor_id=buyer.id if buyer is not None else None, note="placed"))
    db.session.add(order)
    carts.clear(cart, {line.product.id for line in lines})
    try:
        _use_agreements(order, lines, taken=payment_method == PaymentMethod.CASH and not phone_check)
        db.session.commit()
    except IntegrityError:  # a reference collision, practically never: try once more
        db.session.rollback()
        raise Conflict(_l("La commande n'a pas pu être enregistrée. Réessayez.")) from None
    offers.announce_pending()
    for item in items:
        events.record(EventKind.PURCHASE, person or events.person_of(buyer), item.product_id)
    log.info("order %s placed (%s, %s XAF)", order.reference, payment_method, order.total)
    jobs.enqueue_in(hold + timedelta(seconds=5), orders.expire_unpaid)
    guests.send_confirmation(order, access_token, None if phone_check else code)  # sent with the SMS's commit
    _send_placed_message(order, phone_check, code)
    order.access_token = access_token  # the plain secret, for this answer only (never stored)
    return order


def _use_agreements(order: Order, lines: list[carts.Line], taken: bool) -> None:
    """Spend the agreed prices the order uses, in its transaction (a spent or lapsed one undoes all); a cash
    order taken now sells its last articles: their other offers close."""
    used = [line.offer for line in lines if line.offer is not None]
    if used or taken:
        db.session.flush()  # the order's id and items
    try:
        for offer in used:
            offers.use(offer, order)
    except Conflict:
        db.session.rollback()
        raise
    if taken:
        orders.close_offers(order)


def _reserve_lines(lines: list[carts.Line], buyer: User | None) -> list[carts.Line]:
    """Reserve the stock of every line, in the same lock order for everyone; nothing is kept on failure.
    An agreed price stays on a line only for the buyer it was agreed with (never a guest)."""
    ordered = sorted(lines, key=lambda line: line.product.id)
    for line in ordered:
        if line.offer is not None and (buyer is None or line.offer.buyer_id != buyer.id):
            line.offer = None
        if buyer is not None and line.product.seller_id == buyer.id:
            db.session.rollback()  # give back the stock already reserved for the earlier lines
            raise Invalid(_l("Vous ne pouvez pas acheter votre propre article."), {"cart": "own"})
        if not orders.reserve_stock(line.product.id, line.quantity):
            db.session.rollback()
            raise Conflict(_l("« %(title)s » vient d'être acheté par quelqu'un d'autre.", title=line.product.title))
    return ordered


def _send_placed_message(order: Order, phone_check: bool, code: str) -> None:
    """The SMS that follows a new order: the phone check code, or the handover code."""
    if phone_check:
        orders.tell(order, "order.phone_check", code=code)
    else:
        orders.tell_with_code(order, "order.placed_cash" if order.payment_method == PaymentMethod.CASH
                              else "order.placed")

MAX_PHONE_CODE_TRIES = 5


def _check_unpaid_orders(phone: str, buyer: User | None) -> None:
    """At most MAX_UNPAID_ORDERS orders waiting for payment per account, and per phone number among
    guests' orders (each holds stock and sends SMS). A signed-in buyer is counted by account only, so
    guest orders placed by someone else with their number never stop them. Called once the stock is
    reserved, so that on SQLite the count is made under the write lock; on PostgreSQL a lock per
    account or phone number serialises the same count."""
    from sqlalchemy import func, text

    key = f"orders:account:{buyer.id}" if buyer is not None else f"orders:phone:{phone}"
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    if buyer is not None:
        same = Order.buyer_id == buyer.id
    else:
        same = (Order.customer_phone == phone) & Order.buyer_id.is_(None)
    limit = current_app.config["MAX_UNPAID_ORDERS"]
    waiting = db.session.scalar(select(func.count()).select_from(Order)
                                .where(Order.status == OrderStatus.PENDING_PAYMENT, same))
    if waiting >= limit:
        db.session.rollback()  # gives back the stock reserved for this attempt
        log.warning("order refused: %s unpaid orders already for this phone or account", waiting)
        raise RateLimited(_l("Vous avez déjà %(n)s commandes en attente de paiement : payez-les ou attendez "
                             "leur expiration avant d'en passer une autre.", n=waiting),
                          {"customer_phone": "too_many_orders"})


def _phone_code_hash(order: Order, code: str) -> str:
    return orders.order_code_hash(order, "phone", code)


def _issue_phone_code(order: Order) -> str:
    code, order.phone_code_hash = orders.new_order_code(order, "phone")
    order.phone_code_attempts = 0
    return code


def confirm_cash_order(order: Order, code: object) -> Order:
    """A guest confirms their cash order with the code sent to its phone: the stock is then held for
    CASH_HOLD_HOURS, the handover code goes out by SMS and the sellers are told to drop the items off.
    Conflict if the order does not wait for that code; RateLimited after MAX_PHONE_CODE_TRIES wrong ones.
    A refusal leaves nothing stale in the session (it is rolled back, or the wrong code's count committed),
    so the caller reads the order afresh."""
    from vgk.database import locked

    current = locked(select(Order).where(Order.id == order.id))
    if current is None or not current.awaits_phone_check:
        db.session.rollback()
        raise Conflict(_l("Cette commande n'attend pas de code de confirmation."))
    if current.phone_code_attempts >= MAX_PHONE_CODE_TRIES:
        db.session.rollback()
        raise RateLimited(_l("Trop de codes faux : la commande expirera d'elle-même, passez-en une nouvelle."))
    candidate = "".join(ch for ch in str(code or "") if ch.isdigit())[:6]
    if not hmac.compare_digest(current.phone_code_hash or "", _phone_code_hash(current, candidate)):
        current.phone_code_attempts += 1
        db.session.commit()
        raise Invalid(_l("Code de confirmation incorrect."), {"code": "wrong"})
    hold = timedelta(hours=settings.cash_hold_hours())
    current.phone_code_hash = None
    current.reserved_until = utcnow() + hold
    orders.issue_handover_code(current)
    orders.close_offers(current)
    db.session.commit()
    offers.announce_pending()
    log.info("order %s: phone confirmed, cash order taken", current.reference)
    jobs.enqueue_in(hold + timedelta(seconds=5), orders.expire_unpaid)
    orders.tell_with_code(current, "order.placed_cash")
    return current
