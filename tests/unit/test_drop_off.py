"""Sellers are told by SMS, in their language, where and by when to bring a sold item, and reminded
once before that deadline; the wallet says what is pending and reads its lines in words."""
from datetime import datetime, timedelta

from tests import factories as f
from vgk.extensions import db
from vgk.models import OrderStatus, WalletEntry, WalletEntryKind
from vgk.services.commerce import drop_off, orders, wallet
from vgk.services.messaging import inbox

S = OrderStatus


def douala(when):
    """A stored (UTC) time as written to sellers: Cameroon is UTC+1 all year."""
    return (when + timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")


def sold(seller, payment_method="CASH", **kw):
    point = f.pickup_point(name="Akwa Centre", address="Rue Joss, face Total")
    item = f.product("Téléphone Samsung", seller=seller, price=50_000)
    return f.place_order(item, payment_method=payment_method, point=point, buyer=f.user(), **kw)


def test_a_cash_sale_texts_the_seller_the_point_and_deadline_in_french(app):
    seller = f.user(locale="fr")
    order = sold(seller)
    body = f.outbox(seller.phone)[0].body
    assert "vendu" in body and "« Téléphone Samsung »" in body and order.reference in body
    assert "Akwa Centre" in body and "Rue Joss, face Total" in body
    assert f"avant le {douala(order.reserved_until)}" in body


def test_a_paid_sale_texts_an_english_speaking_seller_in_english(app):
    seller = f.user(locale="en")
    order = sold(seller, payment_method="ORANGE_MONEY")
    assert f.outbox(seller.phone) == []  # not paid yet: nothing to bring
    paid_at = datetime(2026, 3, 2, 9, 30)
    orders.move(order, S.PAID)
    order.paid_at = paid_at
    db.session.commit()
    orders.tell(order, "order.paid")
    body = f.outbox(seller.phone)[0].body
    assert "Drop the item off at the Akwa Centre pickup point, Rue Joss, face Total" in body
    assert "before 05/03/2026 10:30" in body  # 72 hours after payment, Douala time
    orders.tell(order, "order.paid", once=False)
    assert len(f.outbox(seller.phone)) == 1  # told once


def test_the_reminder_goes_once_near_the_deadline(app):
    seller = f.user()
    order = sold(seller)
    due = order.reserved_until
    assert drop_off.remind_sellers(now=due - timedelta(hours=30)) == 0  # too early
    assert drop_off.remind_sellers(now=due - timedelta(hours=3)) == 1
    assert drop_off.remind_sellers(now=due - timedelta(hours=2)) == 0
    texts = [m.body for m in f.outbox(seller.phone)]
    assert len(texts) == 2 and "rappel" in texts[0] and f"avant le {douala(due)}" in texts[0]
    assert "Akwa Centre" in texts[0]
    # The in-app reminder is kept as a key: the seller reads it in the language they have when they open it.
    from flask_babel import force_locale

    reminder = next(n for n in inbox.page_for(seller)[0] if n.kind == inbox.SALE_REMINDER)
    with force_locale("en"):
        english = inbox.text(reminder)
    assert english.startswith("Vidé-Grenier Kamer: reminder, drop") and "Akwa Centre" in english


def test_no_reminder_for_a_cancelled_order_or_an_item_already_brought(app):
    seller, other, third = f.user(), f.user(), f.user()
    cancelled = sold(seller)
    due = cancelled.reserved_until
    orders.move(cancelled, S.CANCELLED)
    refunded = sold(third, payment_method="ORANGE_MONEY")
    orders.move(refunded, S.PAID)
    refunded.paid_at = due - drop_off.hold()  # paid, then refunded: the paid time stays
    orders.move(refunded, S.REFUNDED)
    db.session.commit()
    brought = sold(other)
    brought.items[0].received_at = brought.created_at
    db.session.commit()
    assert drop_off.remind_sellers(now=due - timedelta(hours=1)) == 0
    assert not any("rappel" in m.body for m in f.outbox(seller.phone) + f.outbox(other.phone) + f.outbox(third.phone))


def test_the_wallet_counts_pending_sales_and_reads_its_lines_in_words(app):
    seller = f.user()
    order = sold(seller)  # a cash order taken: sold, not collected
    assert wallet.pending(seller) == 50_000 - order.items[0].commission
    wallet.credit_sale(order)
    db.session.add(WalletEntry(user_id=seller.id, amount=-1_000, kind=WalletEntryKind.PAYOUT, note="x"))
    db.session.commit()
    labels = [line.label for line in wallet.ledger(seller)]
    assert f"Vente — Commande {order.reference} — Téléphone Samsung" in labels
    orders.move(order, S.CANCELLED)
    db.session.commit()
    assert wallet.pending(seller) == 0


def test_with_a_worker_the_sale_schedules_the_reminder_a_day_before_the_deadline(app, monkeypatch):
    from vgk import jobs

    scheduled = []
    monkeypatch.setattr(jobs, "enqueue_in", lambda delay, func, *a, **k: scheduled.append((delay, func)))
    seller = f.user()
    order = sold(seller)
    now = order.reserved_until - timedelta(hours=72)
    monkeypatch.setattr(drop_off, "utcnow", lambda: now)
    drop_off.schedule_reminder(order)
    assert scheduled[-1] == (timedelta(hours=48, seconds=5), drop_off.remind_sellers)
    scheduled.clear()
    orders.tell(order, "order.paid", once=False)  # nobody newly told: nothing to schedule
    assert scheduled == []
