"""Mobile Money over HTTP with the simulated gateway: the payment page, the simulated phone, the status
poll, paying again, and the webhook's answers to forged, unknown, duplicate and tampered callbacks."""
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.jobs_helpers import run_background
from tests.web.test_auth import location, post, text
from vgk.extensions import db
from vgk.integrations.payments import Transaction
from vgk.integrations.registry import adapters_of
from vgk.models import Order, OrderEvent, OrderStatus, Payment, PaymentCallback, PaymentStatus
from vgk.models.base import utcnow
from vgk.services.commerce import payment_checks, payments

PHONE = "+237670555111"
HX = {"HX-Request": "true"}


@pytest.fixture
def gateway(app):
    return adapters_of(app).payments


def momo_checkout(client, price=25_000, method="MTN_MOMO"):
    item = f.product("Téléphone", price=price)
    point = f.pickup_point()
    post(client, "/panier/ajouter", {"product": item.public_id, "quantity": "1"}, page=f"/p/{item.public_id}")
    response = post(client, "/commande", {"name": "Awa Bello", "phone": "670555111", "fulfilment": "PICKUP",
                                          "pickup_point_id": str(point.id), "payment_method": method}, page="/commande")
    assert response.status_code == 303
    db.session.expire_all()
    order = db.session.scalar(select(Order).order_by(Order.id.desc()))
    return order, location(response)


def latest(order):
    db.session.expire_all()
    return db.session.scalar(select(Payment).where(Payment.order_id == order.id).order_by(Payment.id.desc()))


def status_of(order):
    db.session.expire_all()
    return db.session.get(Order, order.id).status


def callbacks(outcome=None):
    db.session.expire_all()
    stmt = select(PaymentCallback)
    if outcome:
        stmt = stmt.where(PaymentCallback.outcome == outcome)
    return db.session.scalars(stmt).all()


def paid_events(order):
    return db.session.scalar(select(func.count()).select_from(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.to_status == OrderStatus.PAID))


def simulate(client, payment, decision):
    return post(client, payment.approve_url, {"decision": decision})


def test_guest_pays_with_the_simulated_phone(client):
    order, url = momo_checkout(client)
    payment = latest(order)
    assert payment.status == PaymentStatus.PENDING and payment.amount == 25_000
    page = text(client.get(url))
    assert "Ouvrir le téléphone simulé" in page and f'href="{payment.approve_url}"' in page
    assert 'hx-trigger="every 4s"' in page and "Vérifier le paiement" in page

    phone = text(client.get(payment.approve_url))
    assert "Payer 25 000 FCFA à Vidé-Grenier Kamer ?" in phone and "Approuver" in phone and "Refuser" in phone
    done = simulate(client, payment, "approve")
    assert done.status_code == 200
    assert "Paiement approuvé" in text(done) and f"/commande/{order.reference}" in text(done)

    assert status_of(order) == OrderStatus.PAID and latest(order).status == PaymentStatus.SUCCESSFUL
    assert [c.outcome for c in callbacks()] == ["processed"]
    assert any("paiement reçu" in m.body for m in f.outbox(PHONE))
    page = text(client.get(url))
    assert "Payée" in page and 'hx-trigger="every 4s"' not in page
    assert simulate(client, payment, "approve").status_code == 409  # a settled request stays settled


def test_declined_payment_fails_then_paying_again_works(client):
    order, url = momo_checkout(client)
    first = latest(order)
    simulate(client, first, "decline")
    assert latest(order).status == PaymentStatus.FAILED and status_of(order) == OrderStatus.PENDING_PAYMENT
    page = text(client.get(url))
    assert "Payer à nouveau" in page and "a échoué" in page

    bad = post(client, f"/commande/{order.reference}/payer", {"payment_method": "CASH", "phone": "670555111"}, page=url)
    assert bad.status_code == 400
    again = post(client, f"/commande/{order.reference}/payer", {"payment_method": "ORANGE_MONEY", "phone": "699555111"},
                 page=url)
    assert again.status_code == 303
    second = latest(order)
    assert second.id != first.id and second.status == PaymentStatus.PENDING and second.method == "ORANGE_MONEY"
    twice = post(client, f"/commande/{order.reference}/payer", {"payment_method": "MTN_MOMO", "phone": "670555111"},
                 page=url)
    assert twice.status_code == 409  # one pending request at a time
    simulate(client, second, "approve")
    assert status_of(order) == OrderStatus.PAID


def test_paying_again_asks_the_gateway_about_the_pending_request_first(client, gateway):
    """As in the API: a request the payer declined (its callback lost) no longer blocks paying again."""
    order, url = momo_checkout(client)
    first = latest(order)
    gateway.decline(first.reference)  # declined on the phone; our side still thinks it is pending
    assert latest(order).status == PaymentStatus.PENDING
    again = post(client, f"/commande/{order.reference}/payer", {"payment_method": "ORANGE_MONEY", "phone": "699555111"},
                 page=url)
    assert again.status_code == 303
    second = latest(order)
    assert db.session.get(Payment, first.id).status == PaymentStatus.FAILED
    assert second.id != first.id and second.status == PaymentStatus.PENDING and second.method == "ORANGE_MONEY"
    assert status_of(order) == OrderStatus.PENDING_PAYMENT
    twice = post(client, f"/commande/{order.reference}/payer", {"payment_method": "MTN_MOMO", "phone": "670555111"},
                 page=url)
    assert twice.status_code == 409 and "déjà en attente" in text(twice)  # still pending on the phone


def test_status_poll_reads_the_database_and_the_check_job_marks_the_order_paid(app, client, gateway):
    order, url = momo_checkout(client)
    payment = latest(order)
    poll = client.get(url, headers=HX)
    assert poll.status_code == 200 and "<html" not in text(poll) and 'id="order-status"' in text(poll)
    assert 'hx-trigger="every 4s"' in text(poll)
    gateway.approve(payment.reference)  # approved on the phone, callback lost: the poll does not ask the gateway
    poll = text(client.get(url, headers=HX))
    assert "every 4s" in poll and "Payée" not in poll and status_of(order) == OrderStatus.PENDING_PAYMENT
    assert payment_checks.check(payment.id, now=utcnow() + timedelta(seconds=payment_checks.FIRST_CHECK)) == \
        "processed"  # the background check, 10 s after the request
    poll = text(client.get(url, headers=HX))
    assert "Payée" in poll and "every 4s" not in poll
    assert status_of(order) == OrderStatus.PAID

    order2, url2 = momo_checkout(client)
    gateway.decline(latest(order2).reference)
    response = post(client, f"/commande/{order2.reference}/verifier", page=url2)
    assert response.status_code == 303 and latest(order2).status == PaymentStatus.PENDING
    run_background(app)
    assert latest(order2).status == PaymentStatus.FAILED


def test_only_the_buyer_can_poll_or_pay(app, client):
    order, url = momo_checkout(client)
    stranger = app.test_client()
    assert stranger.get(url, headers=HX).status_code == 404
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(stranger.get("/connexion"))).group(1)
    assert stranger.post(f"/commande/{order.reference}/verifier", data={"csrf_token": token}).status_code == 404


# --- webhook ---------------------------------------------------------------------------------------

def test_a_forged_callback_is_refused_and_logged(client, gateway):
    order, _ = momo_checkout(client)
    payment = latest(order)
    gateway.approve(payment.reference)
    forged = dict(gateway.callback_for(payment.reference), signature="0" * 64)
    response = client.post("/paiements/campay/webhook", data=forged)
    assert response.status_code == 400 and response.get_json() == {"success": False, "outcome": "forged"}
    assert status_of(order) == OrderStatus.PENDING_PAYMENT and latest(order).status == PaymentStatus.PENDING
    assert [c.outcome for c in callbacks()] == ["forged"]
    assert "signature" not in callbacks()[0].payload


def test_an_unknown_reference_is_refused_and_logged(client, gateway):
    params = gateway.sign_callback({"status": "SUCCESSFUL", "reference": "SIM-unknown", "amount": "25000",
                                    "currency": "XAF"})
    response = client.get("/paiements/campay/webhook", query_string=params)
    assert response.status_code == 400 and response.get_json()["outcome"] == "unknown"
    assert [c.outcome for c in callbacks()] == ["unknown"]


def test_a_genuine_callback_delivered_twice_is_processed_once(client, gateway):
    order, _ = momo_checkout(client)
    payment = latest(order)
    gateway.approve(payment.reference)
    params = gateway.callback_for(payment.reference)
    first = client.post("/paiements/campay/webhook", data=params)
    second = client.get("/paiements/campay/webhook", query_string=params)
    assert (first.status_code, first.get_json()) == (200, {"success": True, "outcome": "processed"})
    assert (second.status_code, second.get_json()) == (200, {"success": True, "outcome": "duplicate"})
    assert status_of(order) == OrderStatus.PAID and paid_events(order) == 1
    assert sorted(c.outcome for c in callbacks()) == ["duplicate", "processed"]
    json_body = client.post("/paiements/campay/webhook", json=params)
    assert json_body.get_json()["outcome"] == "duplicate"


def test_an_amount_mismatch_never_marks_the_order_paid(client, gateway):
    order, _ = momo_checkout(client)
    payment = latest(order)
    gateway.approve(payment.reference)
    path = gateway.directory / f"{payment.reference}.json"
    record = json.loads(path.read_text())
    record["amount"] = 100  # the payer really sent 100 FCFA
    path.write_text(json.dumps(record))
    response = client.post("/paiements/campay/webhook", data=gateway.callback_for(payment.reference))
    assert response.status_code == 400 and response.get_json()["outcome"] == "mismatch"
    assert status_of(order) == OrderStatus.PENDING_PAYMENT and latest(order).status == PaymentStatus.PENDING
    assert [c.outcome for c in callbacks()] == ["mismatch"]


def test_a_gateway_reporting_another_amount_is_a_mismatch(app, client, gateway, monkeypatch):
    order, _ = momo_checkout(client)
    payment = latest(order)
    params = gateway.sign_callback({"status": "SUCCESSFUL", "reference": payment.reference, "amount": "25000"})
    monkeypatch.setattr(gateway, "transaction", lambda reference: Transaction(
        reference=reference, status="SUCCESSFUL", amount=24_000, currency="XAF"))
    assert payments.handle_callback("campay", params) == "mismatch"
    assert status_of(order) == OrderStatus.PENDING_PAYMENT and paid_events(order) == 0


def test_the_simulator_is_not_found_with_a_real_gateway(app, client, gateway, monkeypatch):
    order, _ = momo_checkout(client)
    payment = latest(order)
    assert client.get("/simulateur/SIM-doesnotexist").status_code == 404
    monkeypatch.setattr(adapters_of(app), "payments", object())
    assert client.get(payment.approve_url).status_code == 404
    assert post(client, payment.approve_url, {"decision": "approve"}, page="/").status_code == 404
    monkeypatch.undo()
    assert latest(order).status == PaymentStatus.PENDING
