"""The card payment rules in the payments service (simulated gateway): started as a payment page, settled
only through the gateway's signed callback, never refunded to a phone."""
import pytest

from tests import factories as f
from tests.jobs_helpers import run_background
from vgk.errors import Conflict
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import OrderStatus, PaymentStatus, Role
from vgk.services.commerce import payment_checks, payments

PHONE = "+237677555111"


def test_a_card_payment_is_a_page_then_paid_only_by_the_gateways_callback(app):
    order = f.place_order(f.product(price=25_000), payment_method="CARD", phone=PHONE)
    payment = payments.start(order, "CARD", None)
    assert payment.method == "CARD" and payment.status == PaymentStatus.PENDING and payment.phone == ""
    assert payment.approve_url == f"/simulateur/{payment.reference}"
    payment_checks.card_returned(order, payment.reference)  # coming back proves nothing
    run_background(app, everything=True)
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING_PAYMENT
    gateway = adapters_of(app).payments
    gateway.approve(payment.reference)
    callback = gateway.callback_for(payment.reference)
    assert payments.handle_callback("simulated", callback) == "processed"
    assert payments.handle_callback("simulated", callback) == "duplicate"
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID


def test_a_card_payment_is_not_refunded_to_a_phone(app):
    order = f.place_order(f.product(price=25_000), payment_method="CARD", phone=PHONE)
    payment = payments.start(order, "CARD", None)
    adapters_of(app).payments.approve(payment.reference)
    payments.handle_callback("simulated", adapters_of(app).payments.callback_for(payment.reference))
    admin = f.user(role=Role.ADMIN)
    with pytest.raises(Conflict, match="carte"):
        payments.refund(order, admin, "article cassé")
