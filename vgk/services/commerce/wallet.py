"""Sellers' wallets: an append-only ledger (the balance is the sum of its lines), credited with the
price minus commission when an order is handed over, and debited by payouts to Mobile Money."""
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select

from vgk.database import locked, locked_awaiting
from vgk.errors import Conflict, Invalid
from vgk.extensions import db
from vgk.integrations import registry
from vgk.models import (
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    Payout,
    PayoutStatus,
    User,
    WalletEntry,
    WalletEntryKind,
)
from vgk.models.base import utcnow
from vgk.services.backoffice import audit
from vgk.services.notifications import notify

log = logging.getLogger(__name__)


def balance(user: User) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(WalletEntry.amount), 0)).where(WalletEntry.user_id == user.id)
    ) or 0


# Orders whose lines are sold but not yet collected: paid (or a cash order taken), not finished.
PENDING_STATUSES = (OrderStatus.PAID, OrderStatus.AT_PICKUP, OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY)


def pending(user: User) -> int:
    """Money on its way: the seller's share (price minus commission) of lines of orders paid, or cash
    orders taken, that the buyer has not collected yet (and not already credited): it reaches the balance
    at the handover."""
    taken_cash = and_(Order.status == OrderStatus.PENDING_PAYMENT, Order.payment_method == PaymentMethod.CASH,
                      Order.phone_code_hash.is_(None))
    share = OrderItem.unit_price * OrderItem.quantity - OrderItem.commission
    return db.session.scalar(
        select(func.coalesce(func.sum(share), 0)).select_from(OrderItem).join(Order)
        .where(OrderItem.seller_id == user.id, or_(Order.status.in_(PENDING_STATUSES), taken_cash),
               ~exists().where(WalletEntry.order_item_id == OrderItem.id))
    ) or 0


@dataclass(frozen=True)
class LedgerLine:
    """A wallet movement as the seller reads it."""

    id: int
    created_at: datetime
    amount: int
    kind: str
    label: str
    note: str


def _label(entry: WalletEntry, reference: str | None, title: str | None, phone: str | None) -> str:
    from vgk.services.accounts.people import format_phone

    if entry.kind == WalletEntryKind.SALE and reference:
        return str(_l("Vente — Commande %(ref)s — %(title)s", ref=reference, title=title or ""))
    if entry.kind == WalletEntryKind.PAYOUT and phone:
        return str(_l("Retrait vers %(phone)s", phone=format_phone(phone)))
    if entry.kind == WalletEntryKind.PAYOUT_REVERSAL and phone:
        return str(_l("Retrait vers %(phone)s annulé : montant rendu", phone=format_phone(phone)))
    return entry.note


def ledger(user: User, limit: int = 100) -> list[LedgerLine]:
    """The user's newest wallet movements, each said in words (the sale's order and item, the payout's
    number) in the current language; one query."""
    rows = db.session.execute(
        select(WalletEntry, Order.reference, OrderItem.title, Payout.phone)
        .outerjoin(OrderItem, OrderItem.id == WalletEntry.order_item_id)
        .outerjoin(Order, Order.id == OrderItem.order_id)
        .outerjoin(Payout, Payout.id == WalletEntry.payout_id)
        .where(WalletEntry.user_id == user.id).order_by(WalletEntry.id.desc()).limit(limit)
    ).all()
    return [LedgerLine(entry.id, entry.created_at, entry.amount, entry.kind,
                       _label(entry, reference, title, phone), entry.note)
            for entry, reference, title, phone in rows]


def payouts_of(user: User, limit: int = 50) -> Sequence[Payout]:
    return db.session.scalars(
        select(Payout).where(Payout.user_id == user.id).order_by(Payout.id.desc()).limit(limit)
    ).all()


def credit_sale(order: Order) -> None:
    """Credit each seller with their share of a finished order. No commit; a line is credited once."""
    for item in order.items:
        already = db.session.scalar(select(WalletEntry.id).where(WalletEntry.order_item_id == item.id))
        if already is None:
            db.session.add(WalletEntry(user_id=item.seller_id, amount=item.seller_share, kind=WalletEntryKind.SALE,
                                       order_item_id=item.id, note=f"{order.reference} · {item.title}"[:255]))


def request_payout(user: User, amount: object, phone: str | None) -> Payout:
    """The seller asks for `amount` to be sent to their Mobile Money number; the amount is held now.
    Money leaving the platform is as sensitive as a change of phone number: the person must have given
    the password (or a fresh second factor) within REAUTH_MAX_AGE_SECONDS in this session
    (accounts.ReauthRequired otherwise, before anything is read or held)."""
    from vgk.services.accounts.people import normalize_phone
    from vgk.services.accounts.signin import require_recent_authentication

    require_recent_authentication(user)
    try:
        francs = int(str(amount).replace(" ", ""))
    except (TypeError, ValueError):
        raise Invalid(_l("Montant invalide."), {"amount": "invalid"}) from None
    minimum = current_app.config["MIN_PAYOUT"]
    if francs < minimum:
        raise Invalid(_l("Le retrait minimum est de %(n)s FCFA.", n=minimum), {"amount": "too_small"})
    number = normalize_phone(phone)
    locked(select(User).where(User.id == user.id))  # one request at a time, on SQLite too
    if francs > balance(user):
        db.session.rollback()
        raise Invalid(_l("Votre solde est insuffisant."), {"amount": "too_large"})
    payout = Payout(user_id=user.id, amount=francs, phone=number)
    db.session.add(payout)
    db.session.flush()
    db.session.add(WalletEntry(user_id=user.id, amount=-francs, kind=WalletEntryKind.PAYOUT, payout_id=payout.id,
                               note=f"retrait {payout.public_id}"))
    db.session.commit()
    return payout


def _payout(public_id: str) -> Payout:
    return locked_awaiting(select(Payout).where(Payout.public_id == str(public_id)[:16]), PayoutStatus.REQUESTED,
                           missing=_l("Retrait introuvable."), settled=_l("Ce retrait a déjà été traité."))


def _reverse(payout: Payout, status: str, admin: User | None, note: str) -> None:
    payout.status = status
    payout.decided_by_id = admin.id if admin else None
    payout.decided_at = utcnow()
    payout.note = note[:255]
    db.session.add(WalletEntry(user_id=payout.user_id, amount=payout.amount, kind=WalletEntryKind.PAYOUT_REVERSAL,
                               payout_id=payout.id, note=f"retrait {payout.public_id} annulé"))


def _notice(payout: Payout, event_name: str, **values: object) -> None:
    """Tell the seller of a payout decision (`event_name`), once; written with it, sent when it commits."""
    notify(payout.user, event_name, {"amount": payout.amount, "link": "/compte/portefeuille", **values},
           dedup_key=f"payout:{payout.public_id}:{event_name}")


def approve_payout(admin: User, public_id: str, ip: str = "") -> Payout:
    """An admin approves: the gateway sends the money (audited as payout.approve); if it refuses, the
    amount returns to the wallet."""
    from vgk.integrations.payments import PaymentError

    payout = _payout(public_id)
    try:
        result = registry.payments().withdraw(
            amount=payout.amount, phone=payout.phone, external_reference=payout.public_id,
            description=str(_l("Retrait Vidé-Grenier Kamer")),
        )
    except PaymentError as error:
        log.warning("payout %s failed: %s", payout.public_id, error)
        _reverse(payout, PayoutStatus.FAILED, admin, str(error))
        _notice(payout, "payout.failed")
        db.session.commit()
        raise Conflict(_l("Le transfert a échoué ; le montant est revenu dans le portefeuille du vendeur.")) from None
    payout.status = PayoutStatus.PAID
    payout.provider_reference = (result.reference or "")[:64]
    payout.decided_by_id = admin.id
    payout.decided_at = utcnow()
    _notice(payout, "payout.sent", phone=payout.phone)
    audit.record(admin, "payout.approve", "payout", payout.public_id, {"status": PayoutStatus.REQUESTED},
                 {"status": payout.status, "amount": payout.amount}, ip)
    db.session.commit()
    return payout


def reject_payout(admin: User, public_id: str, reason: str, ip: str = "") -> Payout:
    """An admin refuses with a reason: the amount returns to the wallet; audited as payout.reject."""
    why = " ".join((reason or "").split())
    if len(why) < 3:
        raise Invalid(_l("Indiquez la raison du refus."), {"reason": "required"})
    payout = _payout(public_id)
    _reverse(payout, PayoutStatus.REJECTED, admin, why)
    _notice(payout, "payout.rejected", reason=why)
    audit.record(admin, "payout.reject", "payout", payout.public_id, {"status": PayoutStatus.REQUESTED},
                 {"status": payout.status, "note": payout.note}, ip)
    db.session.commit()
    return payout


def pending_payouts() -> Sequence[Payout]:
    return db.session.scalars(
        select(Payout).where(Payout.status == PayoutStatus.REQUESTED).order_by(Payout.created_at)
    ).all()
