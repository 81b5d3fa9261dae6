"""Cart, checkout, stock reservation, the order lifecycle, pickup-point handover and the wallet."""
import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from vgk.errors import Conflict, Invalid, RateLimited
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import Order, OrderStatus, Product, ProductStatus, Role, TwoFactor, WalletEntry
from vgk.models.base import utcnow
from vgk.services.commerce import cart as carts
from vgk.services.commerce import checkout, handover, orders, pickup, wallet

S = OrderStatus


def staff_at(point):
    return f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())


def test_cart_flags_an_item_sold_meanwhile_and_checkout_refuses_it(app):
    item = f.product("Lampe", price=5_000)
    cart = f.cart_with(item, session_key="k1")
    item.status = ProductStatus.SOLD
    db.session.commit()
    view = carts.view(session_key="k1")
    assert view.has_problems and view.subtotal == 0
    with pytest.raises(Conflict):
        checkout.place_order(cart=cart, name="Awa", phone="690555111", payment_method="CASH",
                             pickup_point_id=f.pickup_point().id)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_guest_cart_merges_into_the_saved_cart_at_sign_in(app):
    a, b = f.product("A", quantity=3), f.product("B")
    buyer = f.user()
    f.cart_with(a, user=buyer)
    f.cart_with(a, b, session_key="guest", quantity=1)
    carts.merge_into_user(buyer, "guest")
    view = carts.view(user=buyer)
    assert sorted((line.product.title, line.quantity) for line in view.lines) == [("A", 1), ("B", 1)]
    assert carts.find(session_key="guest") is None


def test_prices_and_totals_come_from_the_server(app):
    town = f.city(delivery_fee=1_500)
    item = f.product("Chaise", price=12_345, quantity=2)
    cart = f.cart_with(item, session_key="k2", quantity=2)
    order = checkout.place_order(cart=cart, name="Awa Bello", phone="690555111", payment_method="ORANGE_MONEY",
                                 fulfilment="DELIVERY", delivery_city_id=town.id,
                                 delivery_address="Bonamoussadi, face pharmacie")
    assert (order.subtotal, order.delivery_fee, order.total) == (24_690, 1_500, 26_190)
    assert order.commission == 2_469  # 10 % of 24 690, rounded
    assert all(isinstance(v, int) for v in (order.subtotal, order.total, order.commission, order.items[0].unit_price))
    assert order.status == S.PENDING_PAYMENT and order.reference.startswith("VGK-")
    db.session.refresh(item)
    assert item.quantity == 0 and item.status == ProductStatus.RESERVED
    assert carts.view(session_key="k2").lines == []


def test_checkout_validates_the_buyer_details(app):
    cart = f.cart_with(f.product(), session_key="k3")
    with pytest.raises(Invalid) as error:
        checkout.place_order(cart=cart, name="", phone="123", payment_method="BITCOIN", pickup_point_id=999)
    assert {"customer_name", "customer_phone", "payment_method", "pickup_point_id"} <= set(error.value.fields)
    with pytest.raises(Invalid) as error:
        checkout.place_order(cart=cart, name="Awa", phone="690555111", payment_method="CASH", fulfilment="DELIVERY",
                             delivery_city_id=f.city(delivery_fee=1000).id, delivery_address="Akwa, rue 12")
    assert "payment_method" in error.value.fields  # cash only at a pickup point


def test_illegal_transitions_are_refused(app):
    order = f.place_order(f.product())
    for target in (S.COMPLETED, S.READY, S.DELIVERED, S.REFUNDED):
        with pytest.raises(orders.IllegalTransition):
            orders.move(order, target)
    orders.move(order, S.CANCELLED)
    db.session.commit()
    with pytest.raises(orders.IllegalTransition):
        orders.move(order, S.PAID)
    assert [e.to_status for e in order.events] == [S.PENDING_PAYMENT, S.CANCELLED]


def test_cancelling_gives_the_stock_back(app):
    item = f.product(quantity=1)
    order = f.place_order(item)
    orders.move(order, S.CANCELLED)
    db.session.commit()
    db.session.refresh(item)
    assert item.quantity == 1 and item.status == ProductStatus.ACTIVE


def test_expired_reservations_release_stock_through_the_job(app):
    from vgk import jobs

    item = f.product(quantity=1)
    order = f.place_order(item, payment_method="ORANGE_MONEY")
    fresh = f.place_order(f.product(quantity=1), payment_method="ORANGE_MONEY")
    order.reserved_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    jobs.enqueue(orders.expire_unpaid)  # inline: no Redis here
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == S.EXPIRED
    assert db.session.get(Order, fresh.id).status == S.PENDING_PAYMENT
    assert db.session.get(Product, item.id).quantity == 1
    assert "a expiré" in f.outbox("+237690555111")[0].body


def test_expiry_runs_on_a_real_rq_worker(redis_server, tmp_path, media_root):
    from tests.conftest import make_app, migrate
    from vgk import jobs

    app = make_app(f"sqlite:///{tmp_path / 'expiry.sqlite3'}", media_root, REDIS_URL=redis_server.url)
    migrate(app)
    with app.app_context():
        item = f.product(quantity=1)
        order = f.place_order(item, payment_method="ORANGE_MONEY")
        order.reserved_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        adapters_of(app).queue.empty()
        job = jobs.enqueue(orders.expire_unpaid)
        assert job is not None
        assert db.session.get(Order, order.id).status == S.PENDING_PAYMENT  # not run yet
        order_id, item_id = order.id, item.id
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Order, order_id).status == S.EXPIRED
        assert db.session.get(Product, item_id).quantity == 1


def test_cash_order_from_drop_off_to_handover_credits_the_seller(app):
    point = f.pickup_point()
    staff = staff_at(point)
    seller = f.user()
    item = f.product("Télé", seller=seller, price=50_000)
    order = f.place_order(item, point=point)
    assert [i.order.reference for i in pickup.expected_dropoffs(point)] == [order.reference]
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    assert order.status == S.READY
    code = f.last_code("+237690555111")
    assert [o.reference for o in pickup.expected_pickups(point)] == [order.reference]
    with pytest.raises(Invalid):
        pickup.hand_over(staff, point, order.reference, code)  # cash not taken yet
    pickup.hand_over(staff, point, order.reference, code, cash_received=True)
    assert order.status == S.COMPLETED
    assert wallet.balance(seller) == 45_000
    report = pickup.day_report(point)
    assert (report.received, report.handed_over, report.cash_total) == (1, 1, 50_000)
    db.session.refresh(item)
    assert item.status == ProductStatus.SOLD


def test_handover_code_is_checked_and_limited(app):
    point = f.pickup_point()
    staff = staff_at(point)
    order = f.place_order(f.product(), point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    code = f.last_code("+237690555111")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(Invalid):
            pickup.hand_over(staff, point, order.reference, wrong, cash_received=True)
    with pytest.raises(RateLimited):
        pickup.hand_over(staff, point, order.reference, code, cash_received=True)
    handover.resend_code(order)
    pickup.hand_over(staff, point, order.reference, f.last_code("+237690555111"), cash_received=True)
    assert order.status == S.COMPLETED


def test_staff_of_another_point_cannot_touch_the_order(app):
    point, elsewhere = f.pickup_point(), f.pickup_point()
    order = f.place_order(f.product(), point=point)
    from vgk.errors import NotFound

    with pytest.raises(NotFound):
        pickup.receive_item(staff_at(elsewhere), elsewhere, order.reference, order.items[0].id)


def test_refused_item_cancels_the_order_and_frees_the_stock(app):
    point = f.pickup_point()
    item = f.product(quantity=1)
    order = f.place_order(item, point=point)
    with pytest.raises(Invalid):
        pickup.receive_item(staff_at(point), point, order.reference, order.items[0].id, accepted=False, reason="")
    pickup.receive_item(staff_at(point), point, order.reference, order.items[0].id, accepted=False,
                        reason="Écran fissuré, absent des photos")
    assert order.status == S.CANCELLED
    db.session.refresh(item)
    assert item.quantity == 1


def test_guest_tracks_the_order_with_reference_and_phone(app):
    order = f.place_order(f.product())
    assert orders.track(order.reference.lower(), "6 90 55 51 11") == order
    from vgk.errors import NotFound

    for reference, phone in ((order.reference, "690555112"), ("VGK-NOPE123", "690555111"), (order.reference, "x")):
        with pytest.raises(NotFound):
            orders.track(reference, phone)


def test_wallet_balance_always_equals_its_ledger(app):
    rng = random.Random(237)
    point = f.pickup_point()
    staff = staff_at(point)
    sellers = [f.user() for _ in range(3)]
    admin = f.user(Role.ADMIN)
    for n in range(40):
        seller = rng.choice(sellers)
        order = f.place_order(f.product(seller=seller, price=rng.randrange(1_000, 90_000, 500)), point=point,
                              session_key=f"s{n}")
        if rng.random() < 0.8:
            pickup.receive_item(staff, point, order.reference, order.items[0].id)
            pickup.hand_over(staff, point, order.reference, f.last_code("+237690555111"), cash_received=True)
        else:
            orders.move(order, S.CANCELLED)
            db.session.commit()
    for seller in sellers:
        available = wallet.balance(seller)
        if available >= 2_000:
            payout = wallet.request_payout(f.reauthenticated(seller), available // 2, "690000777")
            if rng.random() < 0.5:
                wallet.reject_payout(admin, payout.public_id, "Numéro à vérifier")
        ledger = db.session.scalar(
            select(func.coalesce(func.sum(WalletEntry.amount), 0)).where(WalletEntry.user_id == seller.id))
        assert wallet.balance(seller) == ledger >= 0
    with pytest.raises(Invalid):
        wallet.request_payout(f.reauthenticated(sellers[0]), wallet.balance(sellers[0]) + 1, "690000777")


def test_a_sale_is_credited_once(app):
    point = f.pickup_point()
    staff = staff_at(point)
    seller = f.user()
    order = f.place_order(f.product(seller=seller, price=10_000), point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    pickup.hand_over(staff, point, order.reference, f.last_code("+237690555111"), cash_received=True)
    wallet.credit_sale(order)
    db.session.commit()
    assert wallet.balance(seller) == 9_000


def test_twenty_concurrent_checkouts_of_the_last_item_make_one_order(postgresql_app, media_root):
    """Real concurrent connections on PostgreSQL: the conditional UPDATE lets exactly one through."""
    from tests.conftest import clean_database, make_app

    # Same database, a pool large enough for twenty simultaneous buyers.
    app = make_app(postgresql_app.config["SQLALCHEMY_DATABASE_URI"], media_root,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 25, "max_overflow": 0, "pool_pre_ping": True})
    with app.app_context():
        item = f.product("Dernier iPhone", price=150_000, quantity=1)
        point = f.pickup_point()
        for n in range(20):
            f.cart_with(item, session_key=f"race-{n}")
        item_id, point_id = item.id, point.id
        db.session.remove()

    barrier = threading.Barrier(20)
    outcomes = []

    def buy(n):
        with app.app_context():
            cart = carts.find(session_key=f"race-{n}")
            barrier.wait(timeout=30)
            try:
                checkout.place_order(cart=cart, name=f"Acheteur {n}", phone=f"6900000{n:02d}",
                                     payment_method="ORANGE_MONEY", pickup_point_id=point_id)
                outcomes.append("order")
            except Conflict:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        with app.app_context():
            assert len(outcomes) == 20
            assert sorted(outcomes) == ["conflict"] * 19 + ["order"]
            live = db.session.scalar(select(func.count()).select_from(Order).where(Order.status.in_(S.OPEN)))
            assert live == 1
            product = db.session.get(Product, item_id)
            assert product.quantity == 0 and product.status == ProductStatus.RESERVED
    finally:
        with app.app_context():
            clean_database()
            db.engine.dispose()


def test_home_delivery_goes_out_then_is_delivered_against_the_code_and_credits_the_seller(app):
    from vgk.services.commerce import payments

    town = f.city(delivery_fee=1_500)
    seller = f.user()
    admin = f.user(Role.ADMIN)
    item = f.product("Frigo", seller=seller, price=80_000)
    cart = f.cart_with(item, session_key="delivery")
    order = checkout.place_order(cart=cart, name="Awa Bello", phone="690555111", payment_method="ORANGE_MONEY",
                                 fulfilment="DELIVERY", delivery_city_id=town.id, delivery_address="Bastos, rue 1.234")
    code = f.last_code("+237690555111")
    with pytest.raises(Conflict):
        orders.dispatch(order, admin)  # not paid yet: illegal
    db.session.rollback()
    payment = payments.start(order, "ORANGE_MONEY", "690555111")
    gateway = adapters_of(app).payments
    gateway.approve(payment.reference)
    payments.refresh(order)
    db.session.refresh(order)
    assert order.status == S.PAID and order.total == 81_500
    orders.dispatch(order, admin)
    with pytest.raises(Invalid):
        orders.deliver(order, admin, "000000" if code != "000000" else "111111")
    orders.deliver(order, admin, code)
    assert order.status == S.DELIVERED
    assert wallet.balance(seller) == 72_000  # the delivery fee is not the seller's


def test_a_paid_item_reads_as_sold_and_goes_back_on_sale_if_the_order_is_refunded(app):
    from vgk.services.commerce import orders

    radio = f.product("Radio Sony", price=12_000, quantity=1)
    other = f.product("Radio Philips", price=9_000, quantity=1)
    order = f.place_order(radio, payment_method="ORANGE_MONEY", buyer=f.user())
    withdrawn = f.place_order(other, payment_method="ORANGE_MONEY", buyer=f.user())
    db.session.refresh(radio)
    assert radio.status == ProductStatus.RESERVED  # waiting for the payment: it may come back
    orders.move(order, OrderStatus.PAID)
    orders.move(withdrawn, OrderStatus.PAID)
    db.session.commit()
    db.session.refresh(radio)
    assert radio.status == ProductStatus.SOLD and radio.quantity == 0
    orders.move(order, OrderStatus.REFUNDED, note="le vendeur n'a pas déposé l'article")
    db.session.commit()
    db.session.refresh(radio)
    assert radio.status == ProductStatus.ACTIVE and radio.quantity == 1
    db.session.refresh(other)
    assert other.status == ProductStatus.SOLD  # the other sale stands
