"""Work at a pickup point: items expected from sellers, receiving them, handing orders over against
the buyer's code (taking cash for cash orders), and the day's report.

Receiving and handing over are audited here, in the same transaction as the change, so that the staff
portal and the mobile API write the same entries (the caller passes the request's IP)."""
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import (
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PickupPoint,
    Product,
    User,
)
from vgk.models.base import utcnow
from vgk.services.backoffice import audit
from vgk.services.commerce import guests, handover, orders, payments, wallet
from vgk.services.conversations import offers

log = logging.getLogger(__name__)
S = OrderStatus


def _order_at(point: PickupPoint, reference: str | None) -> Order:
    order = orders.by_reference(reference, for_update=True)
    if order.pickup_point_id != point.id:
        raise NotFound(_l("Cette commande n'est pas attendue dans votre point relais."))
    return order


# What staff compare with the item brought: the listing's photos, loaded with the lines (no query per line).
_LISTING_PHOTOS = selectinload(OrderItem.product).selectinload(Product.images)


def expected_dropoffs(point: PickupPoint) -> Sequence[OrderItem]:
    """Items sellers must bring, with their listing's photos: paid orders, and cash orders still waiting
    for the item (a guest's only once its phone is confirmed)."""
    taken_cash = ((Order.status == S.PENDING_PAYMENT) & (Order.payment_method == PaymentMethod.CASH)
                  & Order.phone_code_hash.is_(None))
    return db.session.scalars(
        select(OrderItem).join(Order)
        .where(Order.pickup_point_id == point.id, OrderItem.received_at.is_(None),
               (Order.status == S.PAID) | taken_cash)
        .options(selectinload(OrderItem.order), selectinload(OrderItem.seller), _LISTING_PHOTOS)
        .order_by(Order.created_at)
    ).all()


def expected_pickups(point: PickupPoint) -> Sequence[Order]:
    """Orders ready for their buyers, with their lines, sellers and listing photos."""
    items = selectinload(Order.items)
    return db.session.scalars(
        select(Order).where(Order.pickup_point_id == point.id, Order.status == S.READY)
        .options(items.selectinload(OrderItem.seller), items.selectinload(OrderItem.product)
                 .selectinload(Product.images))
        .order_by(Order.updated_at)
    ).all()


def held_items(point: PickupPoint) -> Sequence[OrderItem]:
    """Items received from sellers and kept at the point until their order is collected."""
    return db.session.scalars(
        select(OrderItem).join(Order)
        .where(Order.pickup_point_id == point.id, OrderItem.received_at.is_not(None),
               Order.status.in_((S.PENDING_PAYMENT, S.PAID, S.AT_PICKUP, S.READY)))
        .options(selectinload(OrderItem.order), selectinload(OrderItem.seller), _LISTING_PHOTOS)
        .order_by(OrderItem.received_at)
    ).all()


def _audit_receive(staff: User, order: Order, item: OrderItem, accepted: bool, reason: str, ip: str) -> None:
    audit.record(staff, "item.receive" if accepted else "item.refuse", "order_item", item.id,
                 {"order": order.reference}, {"order": order.reference, "order_status": order.status,
                                              "accepted": accepted, "reason": reason if not accepted else ""}, ip)


def receipt_notice(order: Order, accepted: bool) -> str:
    """What the staff read once an item is received (or refused) for `order`."""
    if not accepted:
        return str(_l("Article refusé : la commande %(ref)s est annulée.", ref=order.reference))
    if order.status == "READY":
        return str(_l("Commande %(ref)s prête : l’acheteur a reçu son code de retrait par SMS.", ref=order.reference))
    return str(_l("Article reçu pour la commande %(ref)s.", ref=order.reference))


def receive_item(staff: User, point: PickupPoint, reference: str | None, item_id: int | str, accepted: bool = True,
                 reason: str | None = "", ip: str = "") -> Order:
    """The seller brought an item: staff compare it with the listing photos and accept or refuse it.
    Audited (item.receive or item.refuse) with the staff member and `ip`."""
    order = _order_at(point, reference)
    if not orders.awaits_drop_off(order):
        raise Conflict(_l("Cette commande n'attend pas de dépôt."))
    item = next((i for i in order.items if i.id == int(item_id)), None)
    if item is None or item.received_at is not None:
        raise NotFound(_l("Article introuvable ou déjà reçu."))
    if not accepted:
        return _refuse_item(staff, order, item, reason, ip)
    item.received_at = utcnow()
    item.received_by_id = staff.id
    if all(i.received_at is not None for i in order.items):
        orders.move(order, S.AT_PICKUP, actor=staff, note="all items received")
        orders.move(order, S.READY, actor=staff, note="buyer told")
        orders.issue_handover_code(order)  # the code sent when the order was taken (made now for an older order)
        _audit_receive(staff, order, item, True, "", ip)
        db.session.commit()
        orders.tell_with_code(order, "order.ready", point=point.name)
    else:
        _audit_receive(staff, order, item, True, "", ip)
        db.session.commit()
    return order


def _refuse_item(staff: User, order: Order, item: OrderItem, reason: str | None, ip: str) -> Order:
    """The item does not match its listing: the order is called off (refunded when it was paid)."""
    why = " ".join((reason or "").split())
    if len(why) < 3:
        raise Invalid(_l("Indiquez pourquoi l'article est refusé."), {"reason": "required"})
    item.refused_reason = why[:255]
    orders.move(order, S.CANCELLED if order.is_cash else S.REFUNDED, actor=staff,
                note=f"refused at drop-off: {why}")
    _audit_receive(staff, order, item, False, why, ip)
    db.session.commit()
    orders.tell(order, "order.refused")
    return order


def hand_over(staff: User, point: PickupPoint, reference: str | None, code: object, cash_received: bool = False,
              ip: str = "") -> Order:
    """The buyer collects with their code; a cash order is paid here. Credits the sellers.
    Audited (order.hand_over) with the staff member and `ip`."""
    order = _order_at(point, reference)
    if order.status != S.READY:
        raise Conflict(_l("Cette commande n'est pas prête à être retirée."))
    orders.check_handover_code(order, code)
    cash: Payment | None = None
    if order.is_cash:
        if not cash_received:
            raise Invalid(_l("Encaissez %(total)s FCFA avant de remettre la commande.",
                             total=f"{order.total:,}".replace(",", " ")),
                          {"cash": "required"})
        cash = payments.record_cash(order, staff)
    orders.move(order, S.COMPLETED, actor=staff, note="handed over")
    wallet.credit_sale(order)
    audit.record(staff, "order.hand_over", "order", order.reference, {"status": S.READY},
                 {"status": order.status, "cash": bool(cash_received)}, ip)
    db.session.commit()
    offers.announce_pending()
    if cash is not None:
        guests.send_receipt(order, cash)
    guests.send_review_link(order)
    orders.tell(order, "order.handed_over")  # commits: the messages leave
    return order


def resend_code(staff: User, point: PickupPoint, reference: str | None, ip: str = "") -> Order:
    """Staff send the buyer of an order at their point a new handover code (lost, or locked by wrong
    codes). Audited (order.code_resent)."""
    order = _order_at(point, reference)
    handover.resend_code(order, staff=staff, ip=ip)
    return order


@dataclass
class DayReport:
    day: date
    received: int
    handed_over: int
    cash_total: int
    cash_count: int
    waiting_dropoff: int
    waiting_pickup: int


LOCAL_TIME = ZoneInfo("Africa/Douala")


def local_today() -> date:
    return datetime.now(LOCAL_TIME).date()


def day_report(point: PickupPoint, day: date | None = None) -> DayReport:
    """The point's numbers for one local (Cameroon) day; times are stored in UTC."""
    day = day or local_today()
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TIME).astimezone(UTC).replace(tzinfo=None)
    end = start + timedelta(days=1)
    received = db.session.scalar(
        select(func.count()).select_from(OrderItem).join(Order)
        .where(Order.pickup_point_id == point.id, OrderItem.received_at >= start, OrderItem.received_at < end)
    )
    handed_over = db.session.scalar(
        select(func.count()).select_from(OrderEvent).join(Order)
        .where(Order.pickup_point_id == point.id, OrderEvent.to_status == S.COMPLETED,
               OrderEvent.created_at >= start, OrderEvent.created_at < end)
    )
    cash = db.session.execute(
        select(func.coalesce(func.sum(Payment.amount), 0), func.count()).select_from(Payment).join(Order)
        .where(Order.pickup_point_id == point.id, Payment.provider == "cash",
               Payment.status == PaymentStatus.SUCCESSFUL, Payment.settled_at >= start, Payment.settled_at < end)
    ).one()
    return DayReport(day=day, received=received or 0, handed_over=handed_over or 0, cash_total=int(cash[0]),
                     cash_count=cash[1],
                     waiting_dropoff=len(expected_dropoffs(point)), waiting_pickup=len(expected_pickups(point)))
