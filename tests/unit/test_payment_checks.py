"""The background check of pending payments (simulated gateway): its schedule (10 s, then 20 s, 40 s...
until the reservation ends), a confirmed payment applied once however often and however concurrently the
check runs, the payer's "check my payment" limited per order, and the background thread that runs it
without a job worker."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.jobs_helpers import run_background
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.jobs import background
from vgk.models import Order, OrderEvent, OrderStatus, Payment, PaymentStatus
from vgk.services.commerce import payment_checks, payments

PHONE = "+237677555111"


@pytest.fixture
def gateway(app):
    return adapters_of(app).payments


def pending_payment():
    order = f.place_order(f.product(price=25_000), payment_method="MTN_MOMO", phone=PHONE)
    return order, payments.start(order, "MTN_MOMO", PHONE)


def fresh(payment):
    db.session.expire_all()
    return db.session.get(Payment, payment.id)


def paid_events(order):
    return db.session.scalar(select(func.count()).select_from(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.to_status == OrderStatus.PAID))


def receipts():
    return [m for m in f.outbox(PHONE) if "paiement reçu" in m.body]


def test_a_pending_payment_is_checked_after_10_s_then_ever_later_until_its_reservation_ends(app, gateway):
    order, payment = pending_payment()
    started = payment.created_at
    assert payment.next_check_at == started + timedelta(seconds=10)
    assert background.pending(app) == [("vgk.services.commerce.payment_checks:check", (payment.id,))]
    assert payment_checks.check(payment.id, now=started + timedelta(seconds=5)) == "not_due"
    now, waits = started + timedelta(seconds=10), []
    while payment_checks.check(payment.id, now=now) == "pending":
        following = fresh(payment).next_check_at
        if following is None:
            break
        waits.append(int((following - now).total_seconds()))
        now = following
    assert waits[:5] == [20, 40, 80, 160, 300] and set(waits[5:]) <= {300}
    reserved_until = db.session.get(Order, order.id).reserved_until
    assert now <= reserved_until < now + timedelta(seconds=300)  # no check planned past the reservation
    assert fresh(payment).next_check_at is None and fresh(payment).status == PaymentStatus.PENDING
    assert payment_checks.check(payment.id, now=reserved_until) == "not_due"


def test_a_confirmed_payment_is_applied_once_when_the_check_runs_twice_in_a_row(app, gateway):
    order, payment = pending_payment()
    gateway.approve(payment.reference)
    due = payment.next_check_at
    assert payment_checks.check(payment.id, now=due) == "processed"
    assert payment_checks.check(payment.id, now=due) == "settled"
    assert fresh(payment).status == PaymentStatus.SUCCESSFUL and fresh(payment).next_check_at is None
    assert paid_events(order) == 1 and len(receipts()) == 1


def run_together(app, *calls):
    """Run the calls at the same moment, each in its own thread and application context; their results."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        with app.app_context():
            start.wait()
            try:
                results[index] = call()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_a_confirmed_payment_is_applied_once_when_two_checks_run_at_once(app, gateway):
    order, payment = pending_payment()
    gateway.approve(payment.reference)
    due = payment.next_check_at
    outcomes = run_together(app, *[lambda: payment_checks.check(payment.id, now=due)] * 2)
    assert outcomes.count("processed") == 1 and set(outcomes) <= {"processed", "taken", "not_due", "settled"}
    assert fresh(payment).status == PaymentStatus.SUCCESSFUL and paid_events(order) == 1 and len(receipts()) == 1


def test_two_answers_applied_at_once_mark_the_order_paid_once(app, gateway):
    """The check and a callback (or two checks that both asked the gateway) settle at the same moment."""
    order, payment = pending_payment()
    gateway.approve(payment.reference)
    transaction = gateway.transaction(payment.reference)
    outcomes = run_together(app, *[lambda: payments.settle(payment.reference, transaction)] * 2)
    assert sorted(outcomes) == ["duplicate", "processed"]
    assert paid_events(order) == 1 and len(receipts()) == 1


def test_the_payer_may_ask_for_a_check_once_in_a_while(app, gateway):
    order, payment = pending_payment()
    now = payment.created_at - timedelta(minutes=1)  # asked for a while: the checks are due when the jobs run
    assert payment_checks.ask(order, now=now)[1] == payment_checks.QUEUED
    assert fresh(payment).next_check_at == now
    assert payment_checks.ask(order, now=now + timedelta(seconds=14))[1] == payment_checks.RECENT
    assert payment_checks.ask(order, now=now + timedelta(seconds=15))[1] == payment_checks.QUEUED
    checks = [args for path, args in background.pending(app) if path.endswith(":check")]
    assert checks == [(payment.id,)] * 3  # the planned first check, and one per granted ask
    gateway.decline(payment.reference)
    run_background(app, everything=True)
    assert fresh(payment).status == PaymentStatus.FAILED and fresh(payment).checks == 1
    assert payment_checks.ask(order, now=now + timedelta(seconds=60))[1] == payment_checks.NOTHING


def test_the_sweep_hands_overdue_checks_to_the_background(app, gateway):
    _, payment = pending_payment()
    _, other = pending_payment()
    background.runner(app).waiting.clear()  # the planned checks lost (a restart)
    assert payment_checks.sweep(now=payment.next_check_at - timedelta(seconds=1)) == 0
    assert payment_checks.sweep(now=other.next_check_at) == 2
    assert background.pending(app) == [("vgk.services.commerce.payment_checks:check", (payment.id,)),
                                       ("vgk.services.commerce.payment_checks:check", (other.id,))]


def test_without_a_worker_the_background_thread_runs_the_check(app, gateway, monkeypatch):
    monkeypatch.setitem(app.config, "BACKGROUND_THREAD", True)
    app.extensions.pop(background.KEY, None)
    order, payment = pending_payment()
    gateway.approve(payment.reference)
    runner = background.runner(app)
    try:
        assert payment_checks.ask(order)[1] == payment_checks.QUEUED
        deadline = time.monotonic() + 10
        while fresh(payment).status == PaymentStatus.PENDING and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fresh(payment).status == PaymentStatus.SUCCESSFUL and paid_events(order) == 1
    finally:
        runner.stop()
        app.extensions.pop(background.KEY, None)
