"""Carts, orders, their items and their history."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow

if TYPE_CHECKING:
    from vgk.models.accounts import User
    from vgk.models.catalog import City, PickupPoint, Product
    from vgk.models.payments import Payment


class OrderStatus:
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    AT_PICKUP = "AT_PICKUP"
    READY = "READY"
    COMPLETED = "COMPLETED"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    REFUNDED = "REFUNDED"
    ALL = (PENDING_PAYMENT, PAID, AT_PICKUP, READY, COMPLETED, OUT_FOR_DELIVERY, DELIVERED,
           CANCELLED, EXPIRED, REFUNDED)
    OPEN = (PENDING_PAYMENT, PAID, AT_PICKUP, READY, OUT_FOR_DELIVERY)
    FINISHED = (COMPLETED, DELIVERED)


class PaymentMethod:
    MTN_MOMO = "MTN_MOMO"
    ORANGE_MONEY = "ORANGE_MONEY"
    CASH = "CASH"
    CARD = "CARD"  # on the gateway's hosted card page
    ALL = (MTN_MOMO, ORANGE_MONEY, CARD, CASH)
    MOBILE = (MTN_MOMO, ORANGE_MONEY)
    ONLINE = (MTN_MOMO, ORANGE_MONEY, CARD)  # paid through the gateway before the drop-off


class Fulfilment:
    PICKUP = "PICKUP"
    DELIVERY = "DELIVERY"
    ALL = (PICKUP, DELIVERY)


class Cart(db.Model):
    """A visitor's cart (by session key) or a client's saved cart (by user)."""

    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    session_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list[CartItem]] = relationship(back_populates="cart", cascade="all, delete-orphan",
                                                 order_by="CartItem.id")


class CartItem(db.Model):
    __tablename__ = "cart_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()

    __table_args__ = (
        UniqueConstraint("cart_id", "product_id", name="uq_cart_items_cart_product"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class Order(db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    customer_name: Mapped[str] = mapped_column(String(120))
    customer_phone: Mapped[str] = mapped_column(String(20), index=True)
    customer_email: Mapped[str | None] = mapped_column(String(255))
    fulfilment: Mapped[str] = mapped_column(String(10), default=Fulfilment.PICKUP)
    pickup_point_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_points.id"), index=True)
    delivery_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    delivery_address: Mapped[str | None] = mapped_column(String(255))
    payment_method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.PENDING_PAYMENT, index=True)
    subtotal: Mapped[int]
    delivery_fee: Mapped[int] = mapped_column(default=0)
    commission: Mapped[int] = mapped_column(default=0)
    total: Mapped[int]
    language: Mapped[str | None] = mapped_column(String(5))  # of the checkout, for a guest's later emails
    # The handover code is derived from this random nonce (vgk.services.commerce.orders): one code for the
    # order's life, shown again to its buyer; a new nonce is a new code. Older orders keep only a hash.
    handover_nonce: Mapped[str | None] = mapped_column(String(32))
    handover_code_hash: Mapped[str | None] = mapped_column(String(64))
    handover_attempts: Mapped[int] = mapped_column(default=0)
    # A guest's secret for the order (only its hash): who holds it may see and pay the order.
    access_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # A guest's cash order waits for the code sent to its phone: until then the hash of that code.
    phone_code_hash: Mapped[str | None] = mapped_column(String(64))
    phone_code_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    reserved_until: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    buyer: Mapped[User | None] = relationship()
    pickup_point: Mapped[PickupPoint | None] = relationship()
    delivery_city: Mapped[City | None] = relationship()
    items: Mapped[list[OrderItem]] = relationship(back_populates="order", cascade="all, delete-orphan",
                                                  order_by="OrderItem.id")
    events: Mapped[list[OrderEvent]] = relationship(back_populates="order", cascade="all, delete-orphan",
                                                    order_by="OrderEvent.id")
    payments: Mapped[list[Payment]] = relationship(back_populates="order", order_by="Payment.id")

    __table_args__ = (
        CheckConstraint("subtotal >= 0 AND delivery_fee >= 0 AND commission >= 0 AND total >= 0", name="amounts"),
        CheckConstraint(
            "status IN ('PENDING_PAYMENT', 'PAID', 'AT_PICKUP', 'READY', 'COMPLETED', 'OUT_FOR_DELIVERY', "
            "'DELIVERED', 'CANCELLED', 'EXPIRED', 'REFUNDED')",
            name="status",
        ),
        CheckConstraint("payment_method IN ('MTN_MOMO', 'ORANGE_MONEY', 'CARD', 'CASH')", name="payment_method"),
        CheckConstraint("fulfilment IN ('PICKUP', 'DELIVERY')", name="fulfilment"),
    )

    @property
    def is_cash(self) -> bool:
        return self.payment_method == PaymentMethod.CASH

    @property
    def awaits_phone_check(self) -> bool:
        """A guest's cash order whose phone is not confirmed yet: a short hold, sellers not told."""
        return self.phone_code_hash is not None and self.status == OrderStatus.PENDING_PAYMENT


class OrderItem(db.Model):
    """A line of an order: a snapshot of the product, its seller and the commission taken."""

    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    unit_price: Mapped[int]
    quantity: Mapped[int]
    commission: Mapped[int]
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    refused_reason: Mapped[str | None] = mapped_column(String(255))

    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()
    seller: Mapped[User] = relationship(foreign_keys=[seller_id])

    __table_args__ = (CheckConstraint("quantity > 0 AND unit_price >= 0 AND commission >= 0", name="amounts"),)

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def seller_share(self) -> int:
        return self.line_total - self.commission


class OrderEvent(db.Model):
    """One step in an order's history: who moved it from which state to which, and why."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
