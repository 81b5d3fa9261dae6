"""Mobile Money from the app with the simulated gateway: start, check, the simulated phone, who may
pay which order (a guest's with the order's access token), and the answers for paid, pending, cash and
unknown orders."""
from sqlalchemy import select

from tests import factories as f
from tests.jobs_helpers import run_background
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import Order, OrderStatus, Payment, PaymentCallback, PaymentStatus, Role

PHONE = "+237677555111"


def momo_order(buyer=None, price=25_000):
    return f.place_order(f.product(price=price), payment_method="MTN_MOMO", buyer=buyer, phone=PHONE)


def owned(order, **fields):
    """The order's reference and access token, with the other fields of the request."""
    return {"order_reference": order.reference, "access_token": order.access_token, **fields}


def status_of(order):
    db.session.expire_all()
    return db.session.get(Order, order.id).status


def test_a_guest_pays_approves_on_the_simulated_phone_and_checks(api):
    order = momo_order()
    started = api.post("payment/", owned(order, payment_method="MTN_MOMO"))
    assert started.status_code == 201
    body = started.get_json()
    assert body["order_status"] == "PENDING_PAYMENT" and body["payment_status"] == "PENDING"
    assert body["payment"]["amount"] == 25_000 and body["payment"]["phone"] == PHONE  # the order's phone
    assert body["payment"]["ussd_code"] == "*126#"
    pending = api.put("payment/", owned(order)).get_json()
    assert (pending["order_status"], pending["payment_status"]) == ("PENDING_PAYMENT", "PENDING")
    approved = api.post("payment/simulate/", owned(order, decision="approve"))
    assert approved.status_code == 200
    assert (approved.get_json()["order_status"], approved.get_json()["payment_status"]) == ("PAID", "SUCCESSFUL")
    checked = api.put("payment/", owned(order)).get_json()
    assert (checked["order_status"], checked["payment_status"]) == ("PAID", "SUCCESSFUL")
    assert checked["order"]["paid_at"] is not None and status_of(order) == OrderStatus.PAID
    assert [c.outcome for c in db.session.scalars(select(PaymentCallback))] == ["processed"]
    again = api.post("payment/simulate/", owned(order, decision="approve"))
    assert again.status_code == 409
    paid = api.post("payment/", owned(order, payment_method="MTN_MOMO"))
    assert paid.status_code == 409  # already paid


def test_declined_then_paid_again_with_orange(api, app):
    order = momo_order()
    api.post("payment/", owned(order, payment_method="MTN_MOMO"))
    twice = api.post("payment/", owned(order, payment_method="MTN_MOMO"))
    assert twice.status_code == 409  # one pending request at a time
    declined = api.post("payment/simulate/", owned(order, decision="decline")).get_json()
    assert (declined["order_status"], declined["payment_status"]) == ("PENDING_PAYMENT", "FAILED")
    again = api.post("payment/", owned(order, payment_method="ORANGE_MONEY", phone="699555111"))
    assert again.status_code == 201 and again.get_json()["payment"]["method"] == "ORANGE_MONEY"
    adapters_of(app).payments.approve(again.get_json()["payment"]["reference"])  # callback lost
    checked = api.put("payment/", owned(order)).get_json()
    assert (checked["order_status"], checked["check_queued"]) == ("PENDING_PAYMENT", True)
    run_background(app)  # the check, off the request
    checked = api.put("payment/", owned(order)).get_json()
    assert (checked["order_status"], checked["check_queued"]) == ("PAID", False)


def test_a_pending_request_approved_meanwhile_is_noticed_before_a_new_one(api, app):
    order = momo_order()
    reference = api.post("payment/", owned(order, payment_method="MTN_MOMO")).get_json()["payment"]["reference"]
    adapters_of(app).payments.approve(reference)
    response = api.post("payment/", owned(order, payment_method="MTN_MOMO"))
    assert response.status_code == 409 and status_of(order) == OrderStatus.PAID
    assert len(db.session.scalars(select(Payment)).all()) == 1


def test_bad_payment_input(api):
    order = momo_order()
    cases = [
        ({"payment_method": "MTN_MOMO"}, 400, "order_reference"),
        (owned(order), 400, "payment_method"),
        (owned(order, payment_method="CASH"), 400, "payment_method"),
        (owned(order, payment_method="PAYPAL"), 400, "payment_method"),
        (owned(order, payment_method="MTN_MOMO", phone="12"), 400, "phone"),
        ({"order_reference": "VGK-NOPE123", "payment_method": "MTN_MOMO"}, 404, None),
        ({"order_reference": "a\x00b", "payment_method": "MTN_MOMO"}, 400, "order_reference"),
    ]
    for payload, status, name in cases:
        response = api.post("payment/", payload)
        assert response.status_code == status, (payload, response.get_json())
        if name:
            assert name in response.get_json()["error"]["fields"], payload
    assert api.put("payment/", owned(order)).status_code == 404  # nothing asked yet
    assert api.put("payment/", {}).status_code == 400
    bad = api.post("payment/simulate/", owned(order, decision="approve"))
    assert bad.status_code == 404  # no payment request yet
    api.post("payment/", owned(order, payment_method="MTN_MOMO"))
    maybe = api.post("payment/simulate/", owned(order, decision="maybe"))
    assert maybe.status_code == 400 and maybe.get_json()["error"]["fields"] == {"decision": "invalid"}


def test_an_accounts_order_is_paid_and_checked_only_with_its_token(api):
    buyer = f.user()
    order = momo_order(buyer=buyer)
    payload = {"order_reference": order.reference, "payment_method": "MTN_MOMO"}
    assert api.post("payment/", payload).status_code == 404
    assert api.post("payment/", payload, user=f.user()).status_code == 404
    assert api.post("payment/", payload, user=f.user(Role.ADMIN)).status_code == 404
    token = f.api_token(buyer)
    assert api.post("payment/", payload, token=token).status_code == 201
    decision = {"order_reference": order.reference, "decision": "approve"}
    assert api.put("payment/", {"order_reference": order.reference}).status_code == 404
    assert api.post("payment/simulate/", decision, user=f.user()).status_code == 404
    assert api.post("payment/simulate/", decision, token=token).get_json()["order_status"] == "PAID"


def test_a_cash_order_has_no_mobile_payment(api):
    order = f.place_order(f.product(), payment_method="CASH")
    assert api.put("payment/", owned(order)).status_code == 404
    response = api.post("payment/", owned(order, payment_method="ORANGE_MONEY", phone="699555111"))
    assert response.status_code == 201  # a cash order may still be paid by Mobile Money, as on the web


def test_the_simulated_phone_is_not_found_with_a_real_gateway(api, app, monkeypatch):
    order = momo_order()
    api.post("payment/", owned(order, payment_method="MTN_MOMO"))
    monkeypatch.setattr(adapters_of(app), "payments", object())
    response = api.post("payment/simulate/", owned(order, decision="approve"))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    monkeypatch.undo()
    assert db.session.scalar(select(Payment)).status == PaymentStatus.PENDING


def test_a_guest_pays_by_card_on_the_simulated_card_page(api):
    order = f.place_order(f.product(price=25_000), payment_method="CARD", phone=PHONE)
    started = api.post("payment/", owned(order, payment_method="CARD"))
    assert started.status_code == 201
    payment = started.get_json()["payment"]
    assert payment["method"] == "CARD" and payment["amount"] == 25_000
    assert payment["payment_url"].endswith(f"/simulateur/{payment['reference']}")
    assert payment["payment_url"].startswith(("http://", "https://"))
    pending = api.put("payment/", owned(order)).get_json()
    assert (pending["order_status"], pending["payment_status"]) == ("PENDING_PAYMENT", "PENDING")
    paid = api.post("payment/simulate/", owned(order, decision="approve")).get_json()
    assert (paid["order_status"], paid["payment_status"]) == ("PAID", "SUCCESSFUL")


def test_an_unknown_payment_method_is_a_clear_error(api):
    order = momo_order()
    refused = api.post("payment/", owned(order, payment_method="BITCOIN"))
    assert refused.status_code == 400 and refused.get_json()["success"] is False
