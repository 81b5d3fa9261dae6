"""Sellers bringing sold items to the pickup point: the SMS that tells them where and by when, and one
reminder before that deadline.

The deadline is the order's hold: a cash order's reservation (`reserved_until`, CASH_HOLD_HOURS once it
is taken); a paid order gets the same CASH_HOLD_HOURS from its payment. The reminder goes out
DROP_OFF_REMINDER_HOURS before it, once per order and seller: the seller's in-app reminder notice is the
record that it was sent (checked under the order's row lock, so two sweeps never send it twice).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from vgk.database import locked
from vgk.extensions import db
from vgk.models import DeliveryStatus, Order, OrderItem, OrderStatus, PaymentMethod, User
from vgk.models.base import utcnow
from vgk.services.backoffice import settings
from vgk.services.messaging import inbox
from vgk.services.notifications import notify
from vgk.services.notifications.events import SMS

log = logging.getLogger(__name__)
LOCAL_TIME = ZoneInfo("Africa/Douala")

def hold() -> timedelta:
    return timedelta(hours=settings.cash_hold_hours())


def reminder_lead() -> timedelta:
    return timedelta(hours=settings.drop_off_reminder_hours())


def deadline(order: Order) -> datetime | None:
    """When the seller must have brought the item (UTC, naive as stored), None if nothing is awaited."""
    if order.is_cash:
        return order.reserved_until
    start = order.paid_at
    return start + hold() if start is not None else None


def local_deadline(order: Order) -> str:
    """The deadline as written in an SMS: Cameroon time, day and hour."""
    due = deadline(order)
    if due is None:
        return ""
    return due.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")


def message(order: Order, titles: str, event_name: str) -> tuple[str, dict[str, object]]:
    """The event that fits the order (`event_name`, to bring the items to a pickup point, or its "_delivery"
    twin, to keep them ready for the courier) and its values."""
    point = order.pickup_point
    values: dict[str, object] = {"titles": titles, "ref": order.reference, "deadline": local_deadline(order)}
    if point is None:
        return f"{event_name}_delivery", values
    return event_name, {**values, "point": point.name, "address": point.address}


def schedule_reminder(order: Order) -> None:
    """Once sellers were told of a sale: schedule the drop-off reminder on the worker."""
    due = deadline(order)
    if due is not None:
        from vgk import jobs

        jobs.enqueue_in(max(due - reminder_lead() - utcnow(), timedelta(0)) + timedelta(seconds=5), remind_sellers)


def _reminder_link(order: Order) -> str:
    return f"/compte/ventes#{order.reference}"


def _due_soon(now: datetime) -> list[int]:
    """Ids of the orders awaiting a drop-off whose deadline falls within the reminder lead."""
    lead, span = reminder_lead(), hold()
    cash = and_(Order.status == OrderStatus.PENDING_PAYMENT, Order.payment_method == PaymentMethod.CASH,
                Order.phone_code_hash.is_(None), Order.reserved_until > now, Order.reserved_until <= now + lead)
    paid = and_(Order.status == OrderStatus.PAID, Order.paid_at > now - span, Order.paid_at <= now - span + lead)
    return list(db.session.scalars(select(Order.id).where(or_(cash, paid)).order_by(Order.id)))


def titles_by_seller(items: Iterable[OrderItem]) -> dict[int, tuple[User, str]]:
    """The sellers of the order lines, each with the titles of their lines as written to them."""
    sellers: dict[int, tuple[User, list[str]]] = {}
    for item in items:
        if item.seller is not None:
            sellers.setdefault(item.seller.id, (item.seller, []))[1].append(item.title[:40])
    return {key: (seller, ", ".join(f"« {title} »" for title in sold)) for key, (seller, sold) in sellers.items()}


def _remind_order(order_id: int, now: datetime) -> int:
    """Remind the sellers of one order (committed; the SMS leave then) and answer how many go by SMS."""
    from vgk.services.commerce.orders import awaits_drop_off

    order = locked(select(Order).where(Order.id == order_id).options(
        selectinload(Order.items).selectinload(OrderItem.seller), selectinload(Order.pickup_point)))
    due = deadline(order) if order is not None else None
    if order is None or due is None or not awaits_drop_off(order) or not now < due <= now + reminder_lead():
        db.session.rollback()
        return 0
    link = _reminder_link(order)
    texts = 0
    waiting = titles_by_seller(item for item in order.items if item.received_at is None)
    for seller, titles in waiting.values():
        if inbox.already_told(seller.id, inbox.SALE_REMINDER, link):
            continue
        event_name, values = message(order, titles, "sale.reminder")
        rows = notify(seller, event_name, {**values, "link": link}, dedup_key=f"order:{order.reference}:reminder")
        texts += sum(1 for row in rows if row.channel == SMS and row.status in DeliveryStatus.ACTIVE)
    db.session.commit()
    return texts


def remind_sellers(now: datetime | None = None) -> int:
    """Job: remind each seller, once, to bring the items of orders whose drop-off deadline is near.
    Answers how many reminders go by SMS."""
    now = now or utcnow()
    sent = sum(_remind_order(order_id, now) for order_id in _due_soon(now))
    if sent:
        log.info("drop-off reminders sent: %s", sent)
    return sent
