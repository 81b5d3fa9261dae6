"""Carts, orders, their items and their history."""
from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow


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
    ALL = (MTN_MOMO, ORANGE_MONEY, CASH)
    MOBILE = (MTN_MOMO, ORANGE_MONEY)


class Fulfilment:
    PICKUP = "PICKUP"
    DELIVERY = "DELIVERY"
    ALL = (PICKUP, DELIVERY)


class Cart(db.Model):
    """A visitor's cart (by session key) or a client's saved cart (by user)."""

    __tablename__ = "carts"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    session_key = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    items = db.relationship("CartItem", back_populates="cart", cascade="all, delete-orphan",
                            order_by="CartItem.id")


class CartItem(db.Model):
    __tablename__ = "cart_items"

    id = db.Column(db.Integer, primary_key=True)
    cart_id = db.Column(db.Integer, db.ForeignKey("carts.id", ondelete="CASCADE"), nullable=False)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True)
    quantity = db.Column(db.Integer, nullable=False, default=1)
    added_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    cart = db.relationship("Cart", back_populates="items")
    product = db.relationship("Product")

    __table_args__ = (
        db.UniqueConstraint("cart_id", "product_id", name="uq_cart_items_cart_product"),
        db.CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class Order(db.Model):
    __tablename__ = "orders"

    id = db.Column(db.Integer, primary_key=True)
    reference = db.Column(db.String(16), nullable=False, unique=True)
    public_id = db.Column(db.String(16), nullable=False, unique=True, default=new_public_id)
    buyer_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    customer_name = db.Column(db.String(120), nullable=False)
    customer_phone = db.Column(db.String(20), nullable=False, index=True)
    customer_email = db.Column(db.String(255))
    fulfilment = db.Column(db.String(10), nullable=False, default=Fulfilment.PICKUP)
    pickup_point_id = db.Column(db.Integer, db.ForeignKey("pickup_points.id"), index=True)
    delivery_city_id = db.Column(db.Integer, db.ForeignKey("cities.id"))
    delivery_address = db.Column(db.String(255))
    payment_method = db.Column(db.String(16), nullable=False)
    status = db.Column(db.String(20), nullable=False, default=OrderStatus.PENDING_PAYMENT, index=True)
    subtotal = db.Column(db.Integer, nullable=False)
    delivery_fee = db.Column(db.Integer, nullable=False, default=0)
    commission = db.Column(db.Integer, nullable=False, default=0)
    total = db.Column(db.Integer, nullable=False)
    handover_code_hash = db.Column(db.String(64))
    handover_attempts = db.Column(db.Integer, nullable=False, default=0)
    # A guest's secret for the order (only its hash): who holds it may see and pay the order.
    access_token_hash = db.Column(db.String(64), unique=True, index=True)
    # A guest's cash order waits for the code sent to its phone: until then the hash of that code.
    phone_code_hash = db.Column(db.String(64))
    phone_code_attempts = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    reserved_until = db.Column(db.DateTime, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    paid_at = db.Column(db.DateTime)
    closed_at = db.Column(db.DateTime)

    buyer = db.relationship("User")
    pickup_point = db.relationship("PickupPoint")
    delivery_city = db.relationship("City")
    items = db.relationship("OrderItem", back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id")
    events = db.relationship("OrderEvent", back_populates="order", cascade="all, delete-orphan",
                             order_by="OrderEvent.id")
    payments = db.relationship("Payment", back_populates="order", order_by="Payment.id")

    __table_args__ = (
        db.CheckConstraint("subtotal >= 0 AND delivery_fee >= 0 AND commission >= 0 AND total >= 0", name="amounts"),
        db.CheckConstraint(
            "status IN ('PENDING_PAYMENT', 'PAID', 'AT_PICKUP', 'READY', 'COMPLETED', 'OUT_FOR_DELIVERY', "
            "'DELIVERED', 'CANCELLED', 'EXPIRED', 'REFUNDED')",
            name="status",
        ),
        db.CheckConstraint("payment_method IN ('MTN_MOMO', 'ORANGE_MONEY', 'CASH')", name="payment_method"),
        db.CheckConstraint("fulfilment IN ('PICKUP', 'DELIVERY')", name="fulfilment"),
    )

    @property
    def is_cash(self):
        return self.payment_method == PaymentMethod.CASH

    @property
    def awaits_phone_check(self):
        """A guest's cash order whose phone is not confirmed yet: a short hold, sellers not told."""
        return self.phone_code_hash is not None and self.status == OrderStatus.PENDING_PAYMENT


class OrderItem(db.Model):
    """A line of an order: a snapshot of the product, its seller and the commission taken."""

    __tablename__ = "order_items"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id"), nullable=False, index=True)
    seller_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    title = db.Column(db.String(120), nullable=False)
    unit_price = db.Column(db.Integer, nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    commission = db.Column(db.Integer, nullable=False)
    received_at = db.Column(db.DateTime)
    received_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    refused_reason = db.Column(db.String(255))

    order = db.relationship("Order", back_populates="items")
    product = db.relationship("Product")
    seller = db.relationship("User", foreign_keys=[seller_id])

    __table_args__ = (db.CheckConstraint("quantity > 0 AND unit_price >= 0 AND commission >= 0", name="amounts"),)

    @property
    def line_total(self):
        return self.unit_price * self.quantity

    @property
    def seller_share(self):
        return self.line_total - self.commission


class OrderEvent(db.Model):
    """One step in an order's history: who moved it from which state to which, and why."""

    __tablename__ = "order_events"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status = db.Column(db.String(20))
    to_status = db.Column(db.String(20), nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    note = db.Column(db.String(255), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    order = db.relationship("Order", back_populates="events")
    actor = db.relationship("User")
