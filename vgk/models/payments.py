"""Money moving in and out: payments for orders, provider callbacks, sellers' wallets and payouts."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow

if TYPE_CHECKING:
    from vgk.models.accounts import User
    from vgk.models.orders import Order


class PaymentStatus:
    PENDING = "PENDING"
    SUCCESSFUL = "SUCCESSFUL"
    FAILED = "FAILED"
    ALL = (PENDING, SUCCESSFUL, FAILED)


class Payment(db.Model):
    """One attempt to collect an order's total (Mobile Money through a gateway, or cash at the point)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    provider: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    amount: Mapped[int]
    phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(12), default=PaymentStatus.PENDING)
    operator_reference: Mapped[str] = mapped_column(String(64), default="")
    ussd_code: Mapped[str] = mapped_column(String(32), default="")
    approve_url: Mapped[str] = mapped_column(String(255), default="")
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]
    # The gateway is asked about a pending payment off the request path (vgk.services.commerce.payment_checks):
    # how many checks were made, when the next is due (None: no more), when the payer last asked for one.
    checks: Mapped[int] = mapped_column(default=0, server_default="0")
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    asked_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="payments")

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("status IN ('PENDING', 'SUCCESSFUL', 'FAILED')", name="status"),
    )


class PaymentCallback(db.Model):
    """Every callback received from a payment provider, kept with what was done about it."""

    __tablename__ = "payment_callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64), default="", index=True)
    payload: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))  # processed | duplicate | forged | unknown | mismatch | pending
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WalletEntryKind:
    SALE = "SALE"
    PAYOUT = "PAYOUT"
    PAYOUT_REVERSAL = "PAYOUT_REVERSAL"
    ALL = (SALE, PAYOUT, PAYOUT_REVERSAL)


class WalletEntry(db.Model):
    """Append-only ledger line of a seller's wallet; the balance is the sum of the lines."""

    __tablename__ = "wallet_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    order_item_id: Mapped[int | None] = mapped_column(ForeignKey("order_items.id"), unique=True)
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"))
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('SALE', 'PAYOUT', 'PAYOUT_REVERSAL')", name="kind"),
        UniqueConstraint("payout_id", "kind", name="uq_wallet_entries_payout_kind"),
    )


class PayoutStatus:
    REQUESTED = "REQUESTED"
    PAID = "PAID"
    REJECTED = "REJECTED"
    FAILED = "FAILED"
    ALL = (REQUESTED, PAID, REJECTED, FAILED)


class Payout(db.Model):
    """A seller's request to be paid their wallet balance to a Mobile Money number."""

    __tablename__ = "payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount: Mapped[int]
    phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default=PayoutStatus.REQUESTED, index=True)
    provider_reference: Mapped[str] = mapped_column(String(64), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("status IN ('REQUESTED', 'PAID', 'REJECTED', 'FAILED')", name="status"),
    )
