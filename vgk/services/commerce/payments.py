"""Payments for orders: Mobile Money collections through the configured gateway, provider callbacks
processed exactly once, and cash taken at the pickup point.

A callback is only a hint: it must carry a genuine signature, and the amount and status are then
confirmed with the gateway itself before anything changes. Every callback is logged with its outcome
and a bounded extract of its fields (nothing but the reference when the signature is not genuine).
Between callbacks, the gateway is asked about pending payments off the request path
(vgk.services.commerce.payment_checks); pages and the API read the status from the database.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from vgk.database import locked
from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.integrations import registry
from vgk.models import Order, OrderStatus, Payment, PaymentCallback, PaymentMethod, PaymentStatus, User
from vgk.models.base import utcnow
from vgk.ops import metrics
from vgk.services.commerce import guests, orders
from vgk.services.conversations import offers

if TYPE_CHECKING:
    from vgk.integrations.payments import SimulatedGateway
    from vgk.integrations.payments.base import Gateway, Transaction

log = logging.getLogger(__name__)


def gateway() -> Gateway:
    return registry.payments()


METHOD_OPERATORS = {PaymentMethod.MTN_MOMO: "MTN", PaymentMethod.ORANGE_MONEY: "ORANGE"}


def operator_mismatch(method: str, number: str) -> str | None:
    """Why a Mobile Money `method` cannot collect from this (valid) number — it belongs to the other
    operator, or to neither — else None. Cash is never refused here."""
    from vgk.integrations.payments import operator_for

    wanted = METHOD_OPERATORS.get(method)
    actual = operator_for(number)
    if wanted is None or actual == wanted:
        return None
    if actual == "MTN":
        return str(_l("Ce numéro est un numéro MTN : choisissez MTN Mobile Money."))
    if actual == "ORANGE":
        return str(_l("Ce numéro est un numéro Orange : choisissez Orange Money."))
    return str(_l("Mobile Money demande un numéro MTN ou Orange."))


def operator_prefixes() -> dict[str, list[str]]:
    """Each Mobile Money method's number prefixes (after +237), for the pages' operator picker."""
    from vgk.integrations.payments import OPERATOR_PREFIXES

    return {method: list(OPERATOR_PREFIXES[operator]) for method, operator in METHOD_OPERATORS.items()}


def start(order: Order, method: str, phone: str | None) -> Payment:
    """Ask the buyer's phone to approve a Mobile Money payment of the order's total, or, for a card,
    open the gateway's payment page (start_card)."""
    from vgk.integrations.payments import USSD_CODES, PaymentError
    from vgk.services.accounts.people import normalize_phone

    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(_l("Cette commande n'attend plus de paiement."))
    if method == PaymentMethod.CARD:
        return start_card(order)
    if method not in PaymentMethod.MOBILE:
        raise Invalid(_l("Choisissez MTN Mobile Money, Orange Money ou la carte bancaire."),
                      {"payment_method": "invalid"})
    number = normalize_phone(phone)
    mismatch = operator_mismatch(method, number)
    if mismatch:
        raise Invalid(mismatch, {"payment_method": "operator_mismatch"})
    try:
        collection = gateway().collect(
            amount=order.total, phone=number, external_reference=order.reference,
            description=_description(order),
        )
    except PaymentError as error:
        log.warning("collect for order %s failed: %s", order.reference, error)
        raise Conflict(_l("Le paiement n'a pas pu être lancé. Réessayez dans un instant.")) from None
    payment = Payment(
        order=order, provider=gateway().name, method=method, reference=collection.reference, amount=order.total,
        phone=number, status=PaymentStatus.PENDING,
        ussd_code=collection.ussd_code or USSD_CODES.get(METHOD_OPERATORS[method], ""),
        approve_url=getattr(collection, "approve_url", "") or "",
    )
    return _started(order, payment)


def _description(order: Order) -> str:
    return str(_l("Commande %(ref)s Vidé-Grenier Kamer", ref=order.reference))


def _started(order: Order, payment: Payment) -> Payment:
    from vgk.services.commerce import payment_checks

    order.payment_method = payment.method
    payment_checks.plan(payment)
    db.session.add(payment)
    db.session.commit()
    payment_checks.follow(payment)
    log.info("payment %s started for order %s", payment.reference, order.reference)
    return payment


# A card payment asked for by a payment page link carries our own reference (CARD-...) until the gateway
# names its transaction: Campay's link answer may not, its callback does (echoing ours as external_reference).
CARD_PREFIX = "CARD-"


def start_card(order: Order) -> Payment:
    """Ask the gateway for a card payment page of the order's total; the payer is sent to
    `payment.approve_url`. Coming back from it (payment_checks.card_returned) never marks anything paid by itself."""
    from vgk.integrations.payments import PaymentError
    from vgk.models.base import new_public_id
    from vgk.urls import public_url

    ours = f"{CARD_PREFIX}{new_public_id()}"
    back = public_url("shop.card_return", reference=order.reference)
    try:
        page = gateway().payment_link(amount=order.total, description=_description(order), external_reference=ours,
                                      redirect_url=back, failure_redirect_url=f"{back}?echec=1")
    except PaymentError as error:
        log.warning("card payment page for order %s failed: %s", order.reference, error)
        raise Conflict(_l("Le paiement n'a pas pu être lancé. Réessayez dans un instant.")) from None
    payment = Payment(order=order, provider=gateway().name, method=PaymentMethod.CARD,
                      reference=(page.reference or ours)[:64], amount=order.total, status=PaymentStatus.PENDING,
                      approve_url=page.approve_url[:255])
    return _started(order, payment)


def named_card(reference: str, ours: object) -> Transaction | None:
    """The gateway's transaction `reference`, once it is confirmed (asked of the gateway) to be the one
    of our card payment `ours`, which then takes its name. None when it is not; PaymentError passes."""
    ours = str(ours or "")[:64]
    if not ours.startswith(CARD_PREFIX) or not reference:
        return None
    transaction = gateway().transaction(reference)
    if transaction.external_reference != ours:
        return None
    payment = locked(select(Payment).where(Payment.reference == ours, Payment.status == PaymentStatus.PENDING))
    if payment is None:
        db.session.rollback()
        return None
    payment.reference = transaction.reference[:64]
    db.session.commit()
    return transaction


def latest_payment(order: Order) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(Payment.order_id == order.id).order_by(Payment.id.desc()).limit(1)
    )


def refresh(order: Order) -> Payment:
    """Ask the gateway about the order's pending payment and apply the answer, now: only where the gateway
    is called anyway (paying again, vgk.services.commerce.payment_checks for everything else)."""
    from vgk.integrations.payments import PaymentError

    payment = latest_payment(order)
    if payment is None:
        raise NotFound(_l("Aucun paiement en cours pour cette commande."))
    if payment.status != PaymentStatus.PENDING or payment.reference.startswith(CARD_PREFIX):
        return payment  # settled, or a card page whose transaction the gateway has not named yet
    try:
        transaction = gateway().transaction(payment.reference)
    except PaymentError as error:
        log.warning("status of payment %s unavailable: %s", payment.reference, error)
        return payment
    settle(payment.reference, transaction)
    db.session.expire_all()
    return db.session.get_one(Payment, payment.id)


def settle(reference: str, transaction: Transaction) -> str:
    """Apply a transaction confirmed by the gateway to our payment, once (its row locked, see
    vgk.database.locked, then only while it is still pending). Returns the outcome name."""
    payment = locked(select(Payment).where(Payment.reference == reference))
    if payment is None:
        return "unknown"
    if payment.status != PaymentStatus.PENDING:
        db.session.rollback()
        return "duplicate"
    if transaction.status == PaymentStatus.PENDING:
        db.session.rollback()
        return "pending"
    provider = payment.provider  # read now: a commit or rollback expires it
    if transaction.status == PaymentStatus.FAILED:
        payment.status = PaymentStatus.FAILED
        payment.settled_at = utcnow()
        payment.next_check_at = None
        db.session.commit()
        metrics.count_payment(provider, "failed")
        return "processed"
    if int(transaction.amount) != payment.amount or (transaction.currency or "XAF") != "XAF":
        log.error("payment %s: gateway reports %s %s, expected %s XAF; left pending for review",
                  reference, transaction.amount, transaction.currency, payment.amount)
        db.session.rollback()
        metrics.count_payment(provider, "mismatch")
        return "mismatch"
    order = locked(select(Order).where(Order.id == payment.order_id))
    if order is None:  # the payment's order is a foreign key: it is always there
        raise NotFound(_l("Commande introuvable."))
    payment.status = PaymentStatus.SUCCESSFUL
    payment.operator_reference = (transaction.operator_reference or "")[:64]
    payment.settled_at = utcnow()
    payment.next_check_at = None
    if order.status == OrderStatus.PENDING_PAYMENT:
        orders.move(order, OrderStatus.PAID, note=f"paid by {payment.method} ({payment.reference})")
        db.session.commit()
        metrics.count_payment(provider, "successful")
        offers.announce_pending()
        guests.send_receipt(order, payment)  # sent with the buyer's message, when it commits
        orders.tell(order, "order.paid")
    else:
        # Paid after the reservation ran out: keep the money on record for a refund by an admin.
        log.error("payment %s arrived for order %s in state %s: refund needed", reference, order.reference,
                  order.status)
        db.session.commit()
        metrics.count_payment(provider, "late")
    return "processed"


# What is kept of a callback: the fields that say what happened, each cut short. Anybody can post to
# the webhook, so an unverified callback keeps nothing but its (cut) reference and the outcome.
STORED_FIELDS = ("status", "reference", "amount", "currency", "operator", "code", "operator_reference",
                 "external_reference")
STORED_LENGTH = 64


def stored_payload(params: Mapping[str, str], verified: bool) -> str:
    """The JSON kept in payment_callbacks: at most STORED_FIELDS of STORED_LENGTH characters each, and
    only for a genuinely signed callback ("{}" otherwise); never the signature."""
    if not verified:
        return "{}"
    return json.dumps({key: str(params[key])[:STORED_LENGTH] for key in STORED_FIELDS if key in params},
                      sort_keys=True)


def _confirmed(reference: str, external_reference: object) -> str:
    """A genuine callback about `reference`: confirmed with the gateway, then applied once."""
    from vgk.integrations.payments import PaymentError

    payment = db.session.scalar(select(Payment).where(Payment.reference == reference))
    try:
        if payment is None:
            named = named_card(reference, external_reference)  # a card page's transaction, named at last
            if named is None:
                log.warning("payment callback for unknown reference %r", reference)
                return "unknown"
            return settle(reference, named)
        if payment.status != PaymentStatus.PENDING:
            return "duplicate"
        return settle(reference, gateway().transaction(reference))
    except PaymentError as error:
        log.warning("could not confirm callback for %s: %s", reference, error)
        return "pending"


def handle_callback(provider: str, raw: Mapping[str, Any]) -> str:
    """Process a provider's callback; returns the outcome (also logged in payment_callbacks)."""
    # Bounded, but generous enough for a signed token (the signature is a JWT).
    params = {str(k)[:64]: str(v)[:4096] for k, v in list(dict(raw).items())[:50]}
    reference = params.get("reference", "")[:64]
    if not gateway().verify_callback(params):
        outcome = "forged"
        log.warning("forged payment callback for reference %r", reference)
    else:
        outcome = _confirmed(reference, params.get("external_reference"))
    db.session.add(PaymentCallback(provider=provider[:16], reference=reference,
                                   payload=stored_payload(params, verified=outcome != "forged"), outcome=outcome))
    db.session.commit()
    log.info("payment callback %r: %s", reference, outcome)
    return outcome


def payable_order(reference: str | None, user: User | None = None, access_token: object = None) -> Order:
    """The order a payer may pay or check: an account's order only for that account; a guest order only
    for whoever holds its access token. Anyone else is told it does not exist (orders.for_caller)."""
    return orders.for_caller(reference, user=user, access_token=access_token)


def start_again(order: Order, method: str, phone: str) -> Payment:
    """Pay an order (web and API alike): start(), unless a payment request is still waiting on the
    payer's phone — the gateway is asked about it first, so one that failed or expired does not block a
    new one. One pending request at a time; a card payment page left unpaid does not block another try."""
    latest = latest_payment(order)
    if latest is not None and latest.status == PaymentStatus.PENDING and latest.method != PaymentMethod.CARD:
        if refresh(order).status == PaymentStatus.PENDING:
            raise Conflict(_l("Un paiement est déjà en attente : validez-le ou vérifiez-le."))
        db.session.refresh(order)
    return start(order, method, phone)


# --- the simulated payer's phone ------------------------------------------------------------------

DECISIONS = ("approve", "decline")


def is_simulated() -> bool:
    """Whether the configured gateway is the simulated one (its payer's phone is then a page of ours)."""
    from vgk.integrations.payments import SimulatedGateway

    return isinstance(gateway(), SimulatedGateway)


def _simulator() -> SimulatedGateway:
    """The simulated gateway, or NotFound when a real one is configured."""
    from vgk.integrations.payments import SimulatedGateway

    current = gateway()
    if not isinstance(current, SimulatedGateway):
        raise NotFound(_l("Introuvable."))
    return current


def simulated_collection(reference: str) -> dict[str, Any]:
    """What the simulated payer's phone shows for a collection request (reference, status, amount,
    operator, phone, description, external_reference...). NotFound without the simulated gateway or for
    a reference that is not one of its collections."""
    from vgk.integrations.payments import PaymentError

    try:
        details = _simulator().details(reference)
    except PaymentError:
        raise NotFound(_l("Introuvable.")) from None
    if details.get("kind") not in ("COLLECT", "CARD"):
        raise NotFound(_l("Introuvable."))
    return details


def decide_simulated(reference: str, decision: str) -> str:
    """The simulated payer's phone answers a collection request: approve or decline it, then the
    gateway's signed callback goes through handle_callback, as a real provider's would. Returns the
    callback's outcome. NotFound without the simulated gateway or for a reference that is not one of
    its collections; Conflict once the request was settled."""
    from vgk.integrations.payments import PaymentError

    simulator = _simulator()
    if decision not in DECISIONS:
        raise Invalid(_l("Choisissez Approuver ou Refuser."), {"decision": "invalid"})
    details = simulated_collection(reference)
    try:
        (simulator.approve if decision == "approve" else simulator.decline)(details["reference"])
    except PaymentError:
        raise Conflict(_l("Cette demande de paiement a déjà été traitée.")) from None
    return handle_callback("simulated", simulator.callback_for(details["reference"]))


def record_cash(order: Order, staff: User) -> Payment:
    """Cash counted at the pickup point for a cash order, at handover. No commit."""
    from vgk.models.base import new_public_id

    payment = Payment(order=order, provider="cash", method=PaymentMethod.CASH,
                      reference=f"CASH-{new_public_id()}", amount=order.total, status=PaymentStatus.SUCCESSFUL,
                      received_by_id=staff.id, settled_at=utcnow())
    db.session.add(payment)
    order.paid_at = utcnow()
    return payment


def refund(order: Order, actor: User, reason: object) -> Order:
    """Send a paid order's money back to the number that paid it, then mark the order REFUNDED.

    The transfer goes first: if the gateway refuses, nothing changes and the admin can try again.
    Cash orders are only paid at handover, so there is nothing to send back before that.
    """
    from vgk.integrations.payments import PaymentError

    why = " ".join(str(reason or "").split())[:200]
    if not why:
        raise Invalid(_l("Indiquez la raison du remboursement."), {"reason": "required"})
    if not orders.can_move(order, OrderStatus.REFUNDED):
        raise orders.IllegalTransition(_l("Cette commande ne peut pas être remboursée dans son état actuel."))
    paid = db.session.scalar(
        select(Payment).where(Payment.order_id == order.id, Payment.status == PaymentStatus.SUCCESSFUL,
                              Payment.provider != "cash")
    )
    if paid is None:
        raise Conflict(_l("Aucun paiement Mobile Money à rembourser pour cette commande."))
    if paid.method == PaymentMethod.CARD:  # no number to send it to: the card is refunded from Campay's side
        raise Conflict(_l("Un paiement par carte se rembourse depuis le compte Campay, pas par Mobile Money."))
    try:
        payout = gateway().withdraw(
            amount=paid.amount, phone=paid.phone, external_reference=f"{order.reference}-R",
            description=str(_l("Remboursement commande %(ref)s", ref=order.reference)),
        )
    except PaymentError as error:
        log.warning("refund of order %s failed: %s", order.reference, error)
        raise Conflict(_l("Le remboursement n'a pas pu être envoyé. Réessayez plus tard.")) from None
    orders.move(order, OrderStatus.REFUNDED, actor=actor, note=f"{why} (refund {payout.reference})"[:255])
    db.session.commit()
    orders.tell(order, "order.refunded")
    return order
