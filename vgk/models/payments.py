"""Money moving in and out: payments for orders, provider callbacks, sellers' wallets and payouts."""
from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow


class PaymentStatus:
    PENDING = "PENDING"
    SUCCESSFUL = "SUCCESSFUL"
    FAILED = "FAILED"
    ALL = (PENDING, SUCCESSFUL, FAILED)


class Payment(db.Model):
    """One attempt to collect an order's total (Mobile Money through a gateway, or cash at the point)."""

    __tablename__ = "payments"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    provider = db.Column(db.String(16), nullable=False)
    method = db.Column(db.String(16), nullable=False)
    reference = db.Column(db.String(64), nullable=False, unique=True)
    amount = db.Column(db.Integer, nullable=False)
    phone = db.Column(db.String(20), nullable=False, default="")
    status = db.Column(db.String(12), nullable=False, default=PaymentStatus.PENDING)
    operator_reference = db.Column(db.String(64), nullable=False, default="")
    ussd_code = db.Column(db.String(32), nullable=False, default="")
    approve_url = db.Column(db.String(255), nullable=False, default="")
    received_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    settled_at = db.Column(db.DateTime)

    order = db.relationship("Order", back_populates="payments")

    __table_args__ = (
        db.CheckConstraint("amount > 0", name="amount_positive"),
        db.CheckConstraint("status IN ('PENDING', 'SUCCESSFUL', 'FAILED')", name="status"),
    )


class PaymentCallback(db.Model):
    """Every callback received from a payment provider, kept with what was done about it."""

    __tablename__ = "payment_callbacks"

    id = db.Column(db.Integer, primary_key=True)
    provider = db.Column(db.String(16), nullable=False)
    reference = db.Column(db.String(64), nullable=False, default="", index=True)
    payload = db.Column(db.Text, nullable=False)
    outcome = db.Column(db.String(16), nullable=False)  # processed | duplicate | forged | unknown | mismatch | pending
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class WalletEntryKind:
    SALE = "SALE"
    PAYOUT = "PAYOUT"
    PAYOUT_REVERSAL = "PAYOUT_REVERSAL"
    ALL = (SALE, PAYOUT, PAYOUT_REVERSAL)


class WalletEntry(db.Model):
    """Append-only ledger line of a seller's wallet; the balance is the sum of the lines."""

    __tablename__ = "wallet_entries"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    amount = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(16), nullable=False)
    order_item_id = db.Column(db.Integer, db.ForeignKey("order_items.id"), unique=True)
    payout_id = db.Column(db.Integer, db.ForeignKey("payouts.id"))
    note = db.Column(db.String(255), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.CheckConstraint("kind IN ('SALE', 'PAYOUT', 'PAYOUT_REVERSAL')", name="kind"),
        db.UniqueConstraint("payout_id", "kind", name="uq_wallet_entries_payout_kind"),
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

    id = db.Column(db.Integer, primary_key=True)
    public_id = db.Column(db.String(16), nullable=False, unique=True, default=new_public_id)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    amount = db.Column(db.Integer, nullable=False)
    phone = db.Column(db.String(20), nullable=False)
    status = db.Column(db.String(12), nullable=False, default=PayoutStatus.REQUESTED, index=True)
    provider_reference = db.Column(db.String(64), nullable=False, default="")
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    decided_at = db.Column(db.DateTime)
    note = db.Column(db.String(255), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        db.CheckConstraint("amount > 0", name="amount_positive"),
        db.CheckConstraint("status IN ('REQUESTED', 'PAID', 'REJECTED', 'FAILED')", name="status"),
    )
