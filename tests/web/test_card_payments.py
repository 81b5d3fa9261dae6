"""Card payments through a payment page: the simulated card page (pay, decline, the return), and the real
Campay adapter's payment link against the loopback fake, whose callback alone (confirmed with the status
check, once) marks the order paid."""
from sqlalchemy import select

from tests import factories as f
from tests.fakes.fixtures import campay, campay_fake  # noqa: F401
from tests.jobs_helpers import run_background
from tests.web.test_auth import location, post, text
from tests.web.test_payments_web import callbacks, latest, paid_events, status_of
from vgk.extensions import db
from vgk.models import Order, OrderStatus, PaymentStatus


def card_checkout(client):
    """A guest orders to pay by card: the checkout sends the browser to the card payment page."""
    item = f.product("Téléphone", price=25_000)
    point = f.pickup_point()
    post(client, "/panier/ajouter", {"product": item.public_id, "quantity": "1"}, page=f"/p/{item.public_id}")
    response = post(client, "/commande", {"name": "Awa Bello", "phone": "690555111", "fulfilment": "PICKUP",
                                          "pickup_point_id": str(point.id), "payment_method": "CARD"}, page="/commande")
    assert response.status_code == 303
    db.session.expire_all()
    return db.session.scalar(select(Order).order_by(Order.id.desc())), location(response)


def test_checkout_offers_the_card_in_words(client):
    item = f.product("Radio", price=5_000)
    f.pickup_point()
    post(client, "/panier/ajouter", {"product": item.public_id, "quantity": "1"}, page=f"/p/{item.public_id}")
    page = text(client.get("/commande"))
    assert "Carte bancaire" in page and 'value="CARD"' in page


def test_paying_on_the_simulated_card_page_marks_the_order_paid_through_the_callback(client):
    order, page_url = card_checkout(client)
    payment = latest(order)
    assert page_url == payment.approve_url and payment.method == "CARD" and payment.amount == 25_000
    order_page = text(client.get(f"/commande/{order.reference}"))
    assert "Payer par carte" in order_page and f'href="{payment.approve_url}"' in order_page
    assert "CARD" not in order_page.replace('value="CARD"', "")

    card_page = text(client.get(page_url))
    assert "Page de paiement par carte simulée" in card_page and "Payer 25 000 FCFA" in card_page
    back = post(client, page_url, {"decision": "approve"})
    assert back.status_code == 303 and location(back).endswith(f"/commande/{order.reference}/carte")
    assert status_of(order) == OrderStatus.PAID and [c.outcome for c in callbacks()] == ["processed"]
    landed = client.get(location(back), follow_redirects=True)
    assert "Paiement par carte reçu." in text(landed) and paid_events(order) == 1


def test_declining_on_the_simulated_card_page_leaves_the_order_payable(client):
    order, page_url = card_checkout(client)
    back = post(client, page_url, {"decision": "decline"})
    assert location(back).endswith(f"/commande/{order.reference}/carte?echec=1")
    page = text(client.get(location(back), follow_redirects=True))
    assert "a échoué" in page and "Payer à nouveau" in page
    assert status_of(order) == OrderStatus.PENDING_PAYMENT and latest(order).status == PaymentStatus.FAILED


def test_coming_back_from_the_card_page_never_marks_the_order_paid_by_itself(client):
    order, _ = card_checkout(client)
    page = text(client.get(f"/commande/{order.reference}/carte", follow_redirects=True))
    assert "en cours de confirmation" in page
    assert status_of(order) == OrderStatus.PENDING_PAYMENT and latest(order).status == PaymentStatus.PENDING


def test_a_pending_card_page_does_not_block_paying_by_mobile_money(client):
    order, _ = card_checkout(client)
    again = post(client, f"/commande/{order.reference}/payer", {"payment_method": "MTN_MOMO", "phone": "677555111"},
                 page=f"/commande/{order.reference}")
    assert again.status_code == 303 and latest(order).method == "MTN_MOMO"


# --- the real adapter: Campay's payment link, against the fake ----------------------------------------

def test_campay_payment_link_is_asked_with_the_documented_fields(app, client, campay):
    order, link = card_checkout(client)
    payment = latest(order)
    sent = next(r["json"] for r in campay.requests if r["path"] == "/api/get_payment_link/")
    assert sent["payment_options"] == "CARD" and sent["amount"] == "25000" and sent["currency"] == "XAF"
    assert sent["external_reference"] == payment.reference and payment.reference.startswith("CARD-")
    public = app.config["PUBLIC_URL"]
    assert sent["redirect_url"] == f"{public}/commande/{order.reference}/carte"
    assert sent["failure_redirect_url"] == f"{public}/commande/{order.reference}/carte?echec=1"
    assert link == payment.approve_url and link.startswith(campay.url + "/pay/")


def test_campay_card_callback_is_confirmed_applied_once_and_replays_change_nothing(client, campay):
    order, _ = card_checkout(client)
    ours = latest(order).reference
    transaction = campay.card_transaction(ours)
    campay.settle(transaction["reference"], "SUCCESSFUL")
    params = campay.callback(transaction["reference"])
    first = client.post("/paiements/campay/webhook", data=params)
    assert first.get_json() == {"success": True, "outcome": "processed"}
    assert status_of(order) == OrderStatus.PAID and latest(order).reference == transaction["reference"]
    assert ("GET", f"/api/transaction/{transaction['reference']}/") in campay.paths()
    replay = client.post("/paiements/campay/webhook", data=params)
    assert replay.get_json()["outcome"] == "duplicate" and paid_events(order) == 1


def test_a_forged_card_callback_changes_nothing(client, campay):
    order, _ = card_checkout(client)
    transaction = campay.card_transaction(latest(order).reference)
    campay.settle(transaction["reference"], "SUCCESSFUL")
    forged = campay.callback(transaction["reference"], signature=campay.sign({"status": "SUCCESSFUL"}, key="x" * 32))
    assert client.post("/paiements/campay/webhook", data=forged).get_json()["outcome"] == "forged"
    assert status_of(order) == OrderStatus.PENDING_PAYMENT and latest(order).reference.startswith("CARD-")


def test_a_card_callback_claiming_success_is_not_trusted_over_the_status_check(client, campay):
    order, _ = card_checkout(client)
    transaction = campay.card_transaction(latest(order).reference)  # still PENDING at Campay
    params = campay.callback(transaction["reference"], claims={"reference": transaction["reference"]},
                             status="SUCCESSFUL")
    assert client.post("/paiements/campay/webhook", data=params).get_json()["outcome"] == "pending"
    assert status_of(order) == OrderStatus.PENDING_PAYMENT


def test_a_card_payment_of_another_amount_is_a_mismatch(client, campay):
    order, _ = card_checkout(client)
    transaction = campay.card_transaction(latest(order).reference)
    campay.settle(transaction["reference"], "SUCCESSFUL")
    transaction["amount"] = 100
    assert client.post("/paiements/campay/webhook", data=campay.callback(transaction["reference"])).get_json()[
        "outcome"] == "mismatch"
    assert status_of(order) == OrderStatus.PENDING_PAYMENT and paid_events(order) == 0


def test_a_callback_naming_another_payments_reference_is_not_adopted(client, campay):
    first, _ = card_checkout(client)
    ours = latest(first).reference
    transaction = campay.card_transaction(ours)
    campay.settle(transaction["reference"], "SUCCESSFUL")
    params = campay.callback(transaction["reference"], external_reference="CARD-someone-else")
    assert client.post("/paiements/campay/webhook", data=params).get_json()["outcome"] == "unknown"
    assert status_of(first) == OrderStatus.PENDING_PAYMENT


def test_the_return_from_campay_has_campay_asked_about_the_named_transaction_in_the_background(app, client, campay):
    order, _ = card_checkout(client)
    transaction = campay.card_transaction(latest(order).reference)
    campay.settle(transaction["reference"], "SUCCESSFUL")
    asked = ("GET", f"/api/transaction/{transaction['reference']}/")
    page = client.get(f"/commande/{order.reference}/carte", query_string={"reference": transaction["reference"]},
                      follow_redirects=True)
    assert "en cours de confirmation" in text(page) and asked not in campay.paths()  # nothing asked in the request
    assert 'hx-trigger="every 4s"' in text(page)
    run_background(app)
    assert asked in campay.paths() and status_of(order) == OrderStatus.PAID and paid_events(order) == 1
    assert "Payée" in text(client.get(f"/commande/{order.reference}", headers={"HX-Request": "true"}))
    again = client.get(f"/commande/{order.reference}/carte", query_string={"reference": transaction["reference"]},
                       follow_redirects=True)
    assert "Paiement par carte reçu." in text(again)
    run_background(app)
    assert paid_events(order) == 1
