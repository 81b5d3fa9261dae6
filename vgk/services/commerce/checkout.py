"""Checkout: turn a cart into an order. Prices, fees and commission come from the server only;
stock is reserved atomically, so two buyers can never get the last item. A phone number or an account
has few unpaid orders at a time, and a guest's cash order is only taken once the code sent by SMS to
its phone comes back (confirm_cash_order)."""
import hmac
import logging
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vgk import jobs
from vgk.errors import Conflict, Invalid, RateLimited
from vgk.extensions import db
from vgk.models import City, Fulfilment, Order, OrderEvent, OrderItem, OrderStatus, PaymentMethod, PickupPoint
from vgk.models.base import utcnow
from vgk.services.accounts import _clean_name, normalize_email, normalize_phone
from vgk.services.commerce import cart as carts
from vgk.services.commerce import orders
from vgk.services.messaging import notifications
from vgk.services.paging import parse_int

log = logging.getLogger(__name__)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference():
    return "VGK-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def commission_for(amount):
    """The marketplace's share of a sale, in whole francs (rounded half up)."""
    return (amount * current_app.config["COMMISSION_PERCENT"] + 50) // 100


def delivery_fee(city):
    if city is None or city.delivery_fee is None:
        raise Invalid(_l("La livraison à domicile n'est pas proposée dans cette ville."), {"delivery_city": "unavailable"})
    return city.delivery_fee


def pickup_points():
    return db.session.scalars(
        select(PickupPoint).where(PickupPoint.is_active.is_(True)).order_by(PickupPoint.city_id, PickupPoint.name)
    ).all()


def delivery_cities():
    return db.session.scalars(select(City).where(City.delivery_fee.is_not(None)).order_by(City.position)).all()


def _validate(name, phone, email, fulfilment, pickup_point_id, delivery_city_id, delivery_address, payment_method):
    errors, values = {}, {}
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


def _int(value):
    return parse_int(value) or 0


def place_order(*, cart, name, phone, payment_method, email=None, buyer=None, fulfilment=Fulfilment.PICKUP,
                pickup_point_id=None, delivery_city_id=None, delivery_address=None):
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
    lines = sorted(view.lines, key=lambda line: line.product.id)  # same lock order for everyone
    for line in lines:
        if buyer is not None and line.product.seller_id == buyer.id:
            db.session.rollback()  # give back the stock already reserved for the earlier lines
            raise Invalid(_l("Vous ne pouvez pas acheter votre propre article."), {"cart": "own"})
        if not orders.reserve_stock(line.product.id, line.quantity):
            db.session.rollback()
            raise Conflict(_l("« %(title)s » vient d'être acheté par quelqu'un d'autre.", title=line.product.title))
    _check_unpaid_orders(values["customer_phone"], buyer)
    items = [
        OrderItem(product_id=line.product.id, seller_id=line.product.seller_id, title=line.product.title,
                  unit_price=line.product.price, quantity=line.quantity,
                  commission=commission_for(line.product.price * line.quantity))
        for line in lines
    ]
    subtotal = sum(item.unit_price * item.quantity for item in items)
    fee = delivery_fee(values["delivery_city"]) if fulfilment == Fulfilment.DELIVERY else 0
    # A guest's cash order is only taken once the code sent to the phone comes back: until then the
    # short Mobile Money hold, no handover code, and the sellers are not told to drop anything off.
    phone_check = payment_method == PaymentMethod.CASH and buyer is None
    hold = (timedelta(hours=current_app.config["CASH_HOLD_HOURS"])
            if payment_method == PaymentMethod.CASH and not phone_check
            else timedelta(minutes=current_app.config["RESERVATION_MINUTES"]))
    order = Order(
        reference=new_reference(), buyer_id=buyer.id if buyer is not None else None,
        customer_name=values["customer_name"], customer_phone=values["customer_phone"],
        customer_email=values["customer_email"], fulfilment=fulfilment,
        pickup_point=values.get("pickup_point") if fulfilment == Fulfilment.PICKUP else None,
        delivery_city=values.get("delivery_city"), delivery_address=values.get("delivery_address"),
        payment_method=payment_method, status=OrderStatus.PENDING_PAYMENT, subtotal=subtotal,
        delivery_fee=fee, commission=sum(item.commission for item in items), total=subtotal + fee,
        reserved_until=utcnow() + hold, items=items,
    )
    access_token = orders.issue_access_token(order) if buyer is None else None
    code = _issue_phone_code(order) if phone_check else orders.issue_handover_code(order)
    order.events.append(OrderEvent(from_status=None, to_status=OrderStatus.PENDING_PAYMENT,
                                   actor_id=buyer.id if buyer is not None else None, note="placed"))
    db.session.add(order)
    carts.clear(cart, {line.product.id for line in lines})
    try:
        db.session.commit()
    except IntegrityError:  # a reference collision, practically never: try once more
        db.session.rollback()
        raise Conflict(_l("La commande n'a pas pu être enregistrée. Réessayez."))
    log.info("order %s placed (%s, %s XAF)", order.reference, payment_method, order.total)
    jobs.enqueue_in(hold + timedelta(seconds=5), orders.expire_unpaid)
    if phone_check:
        notifications.send_sms(order.customer_phone, str(PHONE_CODE_SMS) % {"ref": order.reference, "code": code})
    elif payment_method == PaymentMethod.CASH:
        orders.notify(order, CASH_PLACED, code=code)
    else:
        orders.notify(order, _l("Vidé-Grenier Kamer : commande %(ref)s enregistrée. Code de retrait (après paiement) : %(code)s."), code=code)
    order.access_token = access_token  # the plain secret, for this answer only (never stored)
    return order


CASH_PLACED = _l("Vidé-Grenier Kamer : commande %(ref)s enregistrée. Vous paierez en espèces au retrait. Code de retrait : %(code)s.")
PHONE_CODE_SMS = _l("Vidé-Grenier Kamer : code de confirmation de la commande %(ref)s : %(code)s. Saisissez-le pour confirmer le retrait et le paiement en espèces.")
MAX_PHONE_CODE_TRIES = 5


def _check_unpaid_orders(phone, buyer):
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
                             "leur expiration avant d'en passer une autre.", n=waiting), {"customer_phone": "too_many_orders"})


def _phone_code_hash(order, code):
    return orders.order_code_hash(order, "phone", code)


def _issue_phone_code(order):
    code, order.phone_code_hash = orders.new_order_code(order, "phone")
    order.phone_code_attempts = 0
    return code


def confirm_cash_order(order, code):
    """A guest confirms their cash order with the code sent to its phone: the stock is then held for
    CASH_HOLD_HOURS, the handover code goes out by SMS and the sellers are told to drop the items off.
    Conflict if the order does not wait for that code; RateLimited after MAX_PHONE_CODE_TRIES wrong ones.
    A refusal leaves nothing stale in the session (it is rolled back, or the wrong code's count committed),
    so the caller reads the order afresh."""
    from vgk.database import locked

    order = locked(select(Order).where(Order.id == order.id))
    if order is None or not order.awaits_phone_check:
        db.session.rollback()
        raise Conflict(_l("Cette commande n'attend pas de code de confirmation."))
    if order.phone_code_attempts >= MAX_PHONE_CODE_TRIES:
        db.session.rollback()
        raise RateLimited(_l("Trop de codes faux : la commande expirera d'elle-même, passez-en une nouvelle."))
    candidate = "".join(ch for ch in str(code or "") if ch.isdigit())[:6]
    if not hmac.compare_digest(order.phone_code_hash, _phone_code_hash(order, candidate)):
        order.phone_code_attempts += 1
        db.session.commit()
        raise Invalid(_l("Code de confirmation incorrect."), {"code": "wrong"})
    hold = timedelta(hours=current_app.config["CASH_HOLD_HOURS"])
    order.phone_code_hash = None
    order.reserved_until = utcnow() + hold
    handover = orders.issue_handover_code(order)
    db.session.commit()
    log.info("order %s: phone confirmed, cash order taken", order.reference)
    jobs.enqueue_in(hold + timedelta(seconds=5), orders.expire_unpaid)
    orders.notify(order, CASH_PLACED, code=handover)
    return order
