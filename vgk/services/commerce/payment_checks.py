"""Keeping pending payments' status fresh without a gateway call in any page or API request.

The gateway's callback (vgk.services.commerce.payments.handle_callback) settles most payments. Between
callbacks, a background job (`check`, on RQ or on the process's background thread: vgk.jobs.in_background)
asks the gateway about each pending payment with a growing delay — 10 s after the request, then 20 s,
40 s... (at most 5 min apart) until the order's reservation runs out. Each check is claimed first by one
conditional UPDATE of the payment's check count, so two runs of the same check (a retried job, two
processes' sweeps) ask the gateway once; the answer is then applied once (payments.settle). The payer's
"check my payment" (`ask`) moves the next check to now, at most once every ASK_EVERY seconds per order.

Pages read the status from the database; the order page's poll compares its status version (`version`)
with the one it holds (`poll_state`, one statement) and is told "nothing changed" when they agree.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from vgk import jobs
from vgk.database import rows_changed
from vgk.errors import NotFound
from vgk.extensions import db
from vgk.models import Order, OrderStatus, Payment, PaymentStatus, User
from vgk.models.base import utcnow
from vgk.services.commerce import orders, payments

if TYPE_CHECKING:
    from vgk.integrations.payments.base import Transaction

log = logging.getLogger(__name__)

FIRST_CHECK = 10  # seconds after the request; each later check waits twice as long...
LONGEST_WAIT = 300  # ...but never more than this
WINDOW = timedelta(minutes=30)  # how long a payment without a reservation end is checked
ASK_EVERY = timedelta(seconds=15)  # the payer's "check my payment": at most one check per order so often
EARLY = timedelta(seconds=1)  # a check that comes a little early (timers) still runs

# What `ask` did: a check was handed to the background, one was asked for a moment ago, or nothing can be
# checked (settled, or a card page whose transaction the gateway has not named yet).
QUEUED, RECENT, NOTHING = "queued", "recent", "nothing"


def wait_after(checks: int) -> int:
    """Seconds from a payment's check number `checks` (0: the request itself) to the next one."""
    return int(min(FIRST_CHECK * 2 ** min(checks, 16), LONGEST_WAIT))


def _checkable(payment: Payment) -> bool:
    return payment.status == PaymentStatus.PENDING and not payment.reference.startswith(payments.CARD_PREFIX)


def plan(payment: Payment, now: datetime | None = None) -> None:
    """The first check of a payment just asked for (no commit; `follow` after the commit)."""
    now = now or utcnow()
    if payment.created_at is None:
        payment.created_at = now
    payment.checks = 0
    payment.next_check_at = now + timedelta(seconds=FIRST_CHECK) if _checkable(payment) else None


def follow(payment: Payment) -> None:
    """After the commit that planned it: the payment's next check is handed to the background."""
    if payment.next_check_at is not None:
        delay = max(0.0, (payment.next_check_at - utcnow()).total_seconds())
        jobs.in_background(check, payment.id, delay=delay)


def _expiry(order_status: str, reserved_until: datetime | None, created_at: datetime) -> datetime | None:
    """When the payment stops being checked: the order's reservation end; None once it no longer awaits it."""
    if order_status != OrderStatus.PENDING_PAYMENT:
        return None
    return reserved_until or created_at + WINDOW


def check(payment_id: int, now: datetime | None = None) -> str:
    """Job: ask the gateway about a pending payment whose check is due, apply the answer once, and hand
    the next check on. Returns what happened: a settlement outcome (payments.settle), "pending",
    "unavailable" (the gateway did not answer), "not_due", "taken" (another run claimed this check),
    "stopped" or "settled"."""
    from vgk.integrations.payments import PaymentError

    now = now or utcnow()
    row = db.session.execute(
        select(Payment.reference, Payment.status, Payment.checks, Payment.next_check_at, Payment.created_at,
               Order.status, Order.reserved_until)
        .join(Order, Order.id == Payment.order_id).where(Payment.id == payment_id)
    ).one_or_none()
    if row is None or row[1] != PaymentStatus.PENDING:
        db.session.rollback()
        return "settled"
    reference, _, seen, due, created_at, order_status, reserved_until = row
    if due is None or due > now + EARLY:
        db.session.rollback()
        return "not_due"
    expires = _expiry(order_status, reserved_until, created_at)
    stop = expires is None or now >= expires or reference.startswith(payments.CARD_PREFIX)
    following = None if stop else now + timedelta(seconds=wait_after(seen + 1))
    if following is not None and expires is not None and following > expires:
        following = None
    claimed = rows_changed(db.session.execute(
        update(Payment).where(Payment.id == payment_id, Payment.status == PaymentStatus.PENDING,
                              Payment.checks == seen)
        .values(checks=seen + 1, next_check_at=following).execution_options(synchronize_session=False)))
    db.session.commit()  # the claim is written before the gateway is asked: no lock is held meanwhile
    if not claimed:
        return "taken"
    if stop:
        return "stopped"
    try:
        outcome = payments.settle(reference, payments.gateway().transaction(reference))
    except PaymentError as error:
        log.warning("status of payment %s unavailable: %s", reference, error)
        db.session.rollback()
        outcome = "unavailable"
    if outcome == "mismatch":  # left pending for an admin's review: asking again changes nothing
        db.session.execute(update(Payment).where(Payment.id == payment_id).values(next_check_at=None))
        db.session.commit()
    elif outcome in ("pending", "unavailable") and following is not None:
        jobs.in_background(check, payment_id, delay=(following - now).total_seconds())
    log.info("payment %s checked: %s", reference, outcome)
    return outcome


def sweep(now: datetime | None = None, limit: int = 200) -> int:
    """Job: hand the background a check of each pending payment whose check is overdue (a job lost in a
    restart, a worker down); how many."""
    now = now or utcnow()
    ids = db.session.scalars(
        select(Payment.id).where(Payment.next_check_at <= now, Payment.status == PaymentStatus.PENDING)
        .order_by(Payment.next_check_at).limit(limit)
    ).all()
    db.session.rollback()
    for payment_id in ids:
        jobs.in_background(check, payment_id)
    return len(ids)


def ask(order: Order, now: datetime | None = None) -> tuple[Payment, str]:
    """The payer's "check my payment" (web button, API): the order's pending payment is checked in the
    background now, unless a check was asked for it less than ASK_EVERY ago. The payment as it stands
    and QUEUED, RECENT or NOTHING. NotFound when no payment was ever asked for."""
    payment = payments.latest_payment(order)
    if payment is None:
        raise NotFound(_l("Aucun paiement en cours pour cette commande."))
    if not _checkable(payment):
        return payment, NOTHING
    now = now or utcnow()
    asked = rows_changed(db.session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.status == PaymentStatus.PENDING,
                              or_(Payment.asked_at.is_(None), Payment.asked_at <= now - ASK_EVERY))
        .values(asked_at=now, next_check_at=now).execution_options(synchronize_session=False)))
    db.session.commit()
    if not asked:
        return payment, RECENT
    jobs.in_background(check, payment.id)
    return payment, QUEUED


def card_returned(order: Order, reference: object = None) -> Payment | None:
    """The payer is back from the card payment page, which names its transaction (`reference`): the
    gateway is asked about it in the background (confirm_card). The visit itself proves nothing; the
    order's latest payment as it stands."""
    payment = payments.latest_payment(order)
    named = str(reference or "").strip()[:64]
    if (payment is not None and payment.status == PaymentStatus.PENDING
            and payment.reference.startswith(payments.CARD_PREFIX) and named):
        jobs.in_background(confirm_card, payment.id, named)
    return payment


def confirm_card(payment_id: int, reference: str) -> str:
    """Job: a card payment's transaction named by the return from the payment page, confirmed with the
    gateway to be this payment's (payments.named_card), then applied once; still pending, it is checked
    like any other from then on."""
    from vgk.integrations.payments import PaymentError

    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.status != PaymentStatus.PENDING or not payment.reference.startswith(
            payments.CARD_PREFIX):
        db.session.rollback()
        return "settled"
    try:
        transaction = payments.named_card(reference, payment.reference)
    except PaymentError as error:
        log.warning("card payment return for payment %s unconfirmed: %s", payment_id, error)
        return "unavailable"
    if transaction is None:
        return "unknown"
    return _settled_or_followed(payment_id, transaction)


def _settled_or_followed(payment_id: int, transaction: Transaction) -> str:
    outcome = payments.settle(transaction.reference, transaction)
    if outcome == "pending":
        payment = db.session.get_one(Payment, payment_id)
        plan(payment)
        db.session.commit()
        follow(payment)
    return outcome


# --- the order page's status poll ----------------------------------------------------------------

def version(order_status: str, updated_at: datetime | None, payment_id: int | None,
            payment_status: str | None) -> str:
    """A short name for what the order's status block shows: it changes whenever the order (its status,
    reservation, handover code...) or its latest payment changes."""
    stamp = updated_at.isoformat() if updated_at else ""
    return hashlib.sha256(f"{order_status}|{stamp}|{payment_id}|{payment_status}".encode()).hexdigest()[:16]


def version_of(order: Order, payment: Payment | None) -> str:
    return version(order.status, order.updated_at, payment.id if payment else None,
                   payment.status if payment else None)


@dataclass(frozen=True)
class PollState:
    version: str
    reference: str
    buyer_id: int | None
    waiting: bool  # a payment is pending while the order awaits it


def poll_state(reference: str | None, *, user: User | None = None, proven: bool = False) -> PollState:
    """The order's status version for whoever may see the order (orders.for_caller's rule), in one
    statement; NotFound for anybody else. While a payment is pending, its checks are kept running in this
    process (a restart without a job worker)."""
    latest = select(Payment.id).where(Payment.order_id == Order.id).order_by(Payment.id.desc()).limit(1)
    latest_status = select(Payment.status).where(Payment.order_id == Order.id).order_by(Payment.id.desc()).limit(1)
    row = db.session.execute(
        select(Order, latest.correlate(Order).scalar_subquery(), latest_status.correlate(Order).scalar_subquery())
        .where(Order.reference == str(reference or "").strip().upper()[:16])
    ).one_or_none()
    if row is None or not orders.entitled(row[0], user=user, proven=proven):
        raise NotFound(_l("Commande introuvable."))
    order, payment_id, payment_status = row
    waiting = order.status == OrderStatus.PENDING_PAYMENT and payment_status == PaymentStatus.PENDING
    if waiting:
        _keep_checking()
    return PollState(version(order.status, order.updated_at, payment_id, payment_status), order.reference,
                     order.buyer_id, waiting)


def _keep_checking() -> None:
    """Without a job worker: this process's background thread runs (it sweeps overdue checks when idle)."""
    if jobs.queue() is None:
        from vgk.jobs import background

        background.runner(current_app._get_current_object()).start()  # type: ignore[attr-defined]
