"""Finding 9: row locks did nothing on SQLite (16 parallel payout requests for the whole balance gave two
payouts and a negative balance; 6 parallel handovers gave two COMPLETED events). Now money and stock moves
serialise on both databases: real threads, against the file SQLite database and PostgreSQL."""
import threading

from sqlalchemy import func, select

from tests import factories as f
from vgk.errors import DomainError
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import (
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentCallback,
    Payout,
    PayoutStatus,
    PickupPoint,
    Role,
    TwoFactor,
    User,
    WalletEntry,
    WalletEntryKind,
)
from vgk.models.base import utcnow
from vgk.services.accounts import sessions
from vgk.services.commerce import payments, pickup, wallet


def in_parallel(app, count, work):
    """Run work(n) in `count` threads started together, each with its own app context and session;
    returns what each answered (a value, or the name of the domain error it raised)."""
    barrier = threading.Barrier(count)
    answers = [None] * count

    def run(n):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                answers[n] = work(n)
            except DomainError as error:
                db.session.rollback()
                answers[n] = type(error).__name__
            except Exception as error:  # noqa: BLE001  (a crash is an answer the test shows)
                db.session.rollback()
                answers[n] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.expire_all()
    return answers


def seller_with(amount):
    seller = f.user()
    db.session.add(WalletEntry(user_id=seller.id, amount=amount, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    return seller


def test_parallel_payout_requests_for_the_whole_balance_make_one_payout(app):
    seller = seller_with(14_400)
    session_id = f.reauthenticated(seller).auth_session.public_id

    def ask(_n):
        payout = wallet.request_payout(sessions.load(session_id), 14_400, "690555111")
        return payout.public_id

    answers = in_parallel(app, 16, ask)
    assert sorted(a for a in answers if a == "Invalid") == ["Invalid"] * 15, answers
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 1
    assert wallet.balance(seller) == 0


def test_parallel_payout_decisions_send_the_money_once(app, monkeypatch):
    seller = seller_with(20_000)
    payout = wallet.request_payout(f.reauthenticated(seller), 20_000, "690555111")
    admin = f.user(Role.ADMIN)
    gateway = adapters_of(app).payments
    sent = []
    real_withdraw = gateway.withdraw

    def counting_withdraw(**kwargs):
        sent.append(kwargs["external_reference"])
        return real_withdraw(**kwargs)

    monkeypatch.setattr(gateway, "withdraw", counting_withdraw)
    public_id, admin_id = payout.public_id, admin.id

    def decide(n):
        admin_ = db.session.get(User, admin_id)
        if n % 2:
            return wallet.reject_payout(admin_, public_id, "numéro douteux").status
        return wallet.approve_payout(admin_, public_id).status

    answers = in_parallel(app, 6, decide)
    assert sorted(answers).count("Conflict") == 5, answers
    decided = db.session.scalar(select(Payout))
    assert decided.status in (PayoutStatus.PAID, PayoutStatus.REJECTED)
    assert len(sent) == (1 if decided.status == PayoutStatus.PAID else 0)
    assert wallet.balance(seller) == (0 if decided.status == PayoutStatus.PAID else 20_000)


def test_parallel_handovers_complete_the_order_once_and_credit_the_seller_once(app):
    point = f.pickup_point()
    staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    seller = f.user()
    order = f.place_order(f.product("Télé", seller=seller, price=50_000), point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    code = f.last_code("+237690555111")
    staff_id, point_id, reference = staff.id, point.id, order.reference

    def hand_over(_n):
        done = pickup.hand_over(db.session.get(User, staff_id), db.session.get(PickupPoint, point_id), reference,
                                code, cash_received=True)
        return done.status

    answers = in_parallel(app, 6, hand_over)
    assert sorted(answers) == ["COMPLETED"] + ["Conflict"] * 5, answers
    completed = db.session.scalar(select(func.count()).select_from(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.to_status == OrderStatus.COMPLETED))
    assert completed == 1
    assert wallet.balance(seller) == 45_000
    cash = db.session.scalar(select(func.count()).select_from(Payment).where(Payment.provider == "cash"))
    assert cash == 1


def test_parallel_duplicate_payment_callbacks_credit_once(app):
    order = f.place_order(f.product(price=25_000), payment_method="MTN_MOMO", phone="677555111")
    payment = payments.start(order, "MTN_MOMO", "677555111")
    gateway = adapters_of(app).payments
    gateway.approve(payment.reference)
    callback = gateway.callback_for(payment.reference)

    answers = in_parallel(app, 8, lambda _n: payments.handle_callback("simulated", dict(callback)))
    assert sorted(answers) == ["duplicate"] * 7 + ["processed"], answers
    paid = db.session.scalar(select(func.count()).select_from(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.to_status == OrderStatus.PAID))
    assert paid == 1
    assert db.session.scalar(select(func.count()).select_from(PaymentCallback)) == 8


def test_a_refresh_token_presented_in_parallel_gives_one_new_pair(app):
    """A stolen refresh token raced against its owner: exactly one call gets a new pair, the others see
    a spent token (which revokes the family), never two live pairs from one token."""
    from vgk.services.accounts import api_tokens

    user = f.user(Role.CLIENT)
    pair = api_tokens.sign_in(user, ip="127.0.0.1")
    token = pair.refresh_token

    def rotate(_n):
        return api_tokens.refresh(token).refresh_token

    answers = in_parallel(app, 6, rotate)
    issued = [a for a in answers if a not in ("Unauthenticated",)]
    assert len(issued) == 1 and issued[0].count(".") == 2, answers
    assert answers.count("Unauthenticated") == 5, answers
