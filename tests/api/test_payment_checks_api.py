"""The app's order and payment status with Campay (the loopback fake): read from the database, never
asked of the gateway during the request; `PUT payment/` hands a check to the background, once in a while."""

from tests.api.test_payments import PHONE, momo_order, owned
from tests.fakes.fixtures import campay, campay_fake  # noqa: F401
from tests.jobs_helpers import run_background


def test_the_apps_status_endpoints_never_call_the_gateway(api, app, campay):
    order = momo_order()
    started = api.post("payment/", owned(order, payment_method="MTN_MOMO"))
    assert started.status_code == 201
    reference = started.get_json()["payment"]["reference"]
    campay.settle(reference, "SUCCESSFUL")  # approved on the phone, the callback lost
    campay.requests.clear()

    checked = api.put("payment/", owned(order)).get_json()
    assert (checked["order_status"], checked["payment_status"], checked["check_queued"]) == \
        ("PENDING_PAYMENT", "PENDING", True)
    again = api.put("payment/", owned(order)).get_json()
    assert again["check_queued"] is False  # one check per order in a while
    tracked = api.get("visitor/track_order/", query={"reference": order.reference, "phone": PHONE})
    assert tracked.status_code == 200 and tracked.get_json()["order"]["status"] == "PENDING_PAYMENT"
    assert campay.requests == []

    assert run_background(app) == 1  # the check, off the request: one question to Campay
    assert campay.count(f"/api/transaction/{reference}/") == 1
    paid = api.put("payment/", owned(order)).get_json()
    assert (paid["order_status"], paid["payment_status"], paid["check_queued"]) == ("PAID", "SUCCESSFUL", False)
    assert campay.count(f"/api/transaction/{reference}/") == 1
