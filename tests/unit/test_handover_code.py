"""One handover code per order for its whole life: the same digits in every SMS and on the order page,
a new code only on an explicit re-send (which the old code then fails), re-sends limited per order and
per source, and older orders (only a hash kept) still collected with their code."""
import re

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.errors import Conflict, Invalid, RateLimited
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import AuditEntry, OrderStatus, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.commerce import handover, orders, payments, pickup

S = OrderStatus
BUYER = "+237690555111"


def staff_at(point):
    return f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())


def codes_sent(phone=BUYER):
    """The 6-digit codes of the SMS sent to `phone`, oldest first."""
    found = [re.search(r"\b(\d{6})\b", m.body) for m in reversed(f.outbox(phone))]
    return [m.group(1) for m in found if m]


def test_one_code_from_placed_to_paid_to_ready_to_handover(app):
    point = f.pickup_point(name="Relais Akwa")
    staff = staff_at(point)
    order = f.place_order(f.product("Télé"), point=point, payment_method="ORANGE_MONEY")
    payment = payments.start(order, "ORANGE_MONEY", "690555111")
    adapters_of(app).payments.approve(payment.reference)
    payments.refresh(order)
    db.session.refresh(order)
    assert order.status == S.PAID
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    assert order.status == S.READY
    sent = codes_sent()
    assert len(sent) == 2 and sent[0] == sent[1] == orders.handover_code(order)  # placed, then ready
    ready = f.outbox(BUYER)[0].body
    assert "Relais Akwa" in ready and f"{app.config['PUBLIC_URL']}/suivi?ref={order.reference}" in ready
    assert orders.handover_qr(order) == f"{order.reference} {sent[0]}"
    pickup.hand_over(staff, point, order.reference, sent[0])
    assert order.status == S.COMPLETED


def test_an_account_s_sms_links_to_its_order_page(app):
    buyer = f.user(phone="+237677000111")
    order = f.place_order(f.product(), buyer=buyer, phone="677000111")
    assert f"{app.config['PUBLIC_URL']}/commande/{order.reference}" in f.outbox("+237677000111")[0].body


def test_a_re_send_makes_a_new_code_and_the_old_one_fails(app):
    point = f.pickup_point()
    staff = staff_at(point)
    order = f.place_order(f.product(), point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    old = orders.handover_code(order)
    handover.resend_code(order, ip="10.0.0.1")
    new = codes_sent()[-1]
    assert new == orders.handover_code(order) and new != old
    assert "ne marche plus" in f.outbox(BUYER)[0].body
    with pytest.raises(Invalid):
        pickup.hand_over(staff, point, order.reference, old, cash_received=True)
    pickup.hand_over(staff, point, order.reference, new, cash_received=True)
    assert order.status == S.COMPLETED
    with pytest.raises(Conflict):  # collected: nothing to re-send
        handover.resend_code(order, ip="10.0.0.1")


def test_staff_unlock_a_locked_code_with_a_re_send_and_it_is_audited(app):
    point = f.pickup_point()
    staff = staff_at(point)
    order = f.place_order(f.product(), point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    code = orders.handover_code(order)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(Invalid):
            pickup.hand_over(staff, point, order.reference, wrong, cash_received=True)
    with pytest.raises(RateLimited):
        pickup.hand_over(staff, point, order.reference, code, cash_received=True)
    pickup.resend_code(staff, point, order.reference, ip="10.0.0.9")
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "order.code_resent")).all()
    assert entry.actor_id == staff.id and entry.object_id == order.reference and entry.ip == "10.0.0.9"
    pickup.hand_over(staff, point, order.reference, codes_sent()[-1], cash_received=True)
    assert order.status == S.COMPLETED


def test_re_sends_are_limited_per_order_and_per_source(app):
    order = f.place_order(f.product())
    for _ in range(3):
        handover.resend_code(order, ip="10.0.0.1")
    with pytest.raises(RateLimited):
        handover.resend_code(order, ip="10.0.0.2")
    assert sum("nouveau code" in m.body for m in f.outbox(BUYER)) == 3
    others = [f.place_order(f.product(), phone=f"69055{n:04d}") for n in range(4)]
    for other in others:
        for _ in range(3 if other is not others[-1] else 1):
            handover.resend_code(other, ip="10.0.0.7")
    with pytest.raises(RateLimited):  # 10 from this address within the hour
        handover.resend_code(others[-1], ip="10.0.0.7")


def test_an_order_awaiting_its_phone_check_has_no_code_to_re_send(app):
    order = f.place_order(f.product(), confirm=False)
    assert orders.handover_code(order) is None
    with pytest.raises(Conflict):
        handover.resend_code(order, ip="10.0.0.1")


def test_an_older_order_keeps_its_hashed_code_and_ready_adds_the_same_new_one(app):
    point = f.pickup_point()
    staff = staff_at(point)
    order = f.place_order(f.product(), point=point)
    order.handover_nonce = None  # as placed before derived codes: only the hash of its code kept
    order.handover_code_hash = orders.order_code_hash(order, "handover", "246810")
    db.session.commit()
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    assert codes_sent()[-1] == orders.handover_code(order)
    pickup.hand_over(staff, point, order.reference, "246810", cash_received=True)  # the first code still works
    assert order.status == S.COMPLETED
