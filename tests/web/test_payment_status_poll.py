"""The order page with Campay (the loopback fake): its status poll and the "check my payment" button never
wait for the gateway; the poll is told "nothing changed" (304, no body) in one statement until the
background check settles the payment, then gets the new status block."""
import re
from datetime import timedelta

from tests.api.test_paging import counted_statements
from tests.fakes.fixtures import campay, campay_fake  # noqa: F401
from tests.jobs_helpers import run_background
from tests.web.test_auth import post, text
from tests.web.test_payments_web import HX, latest, momo_checkout, paid_events, status_of
from vgk.models import OrderStatus, PaymentStatus
from vgk.models.base import utcnow
from vgk.services.commerce import payment_checks


def approved_meanwhile(client, campay):
    """A guest's Mobile Money order whose payer approved on the phone, the callback lost; nothing asked of
    Campay since."""
    order, url = momo_checkout(client)
    payment = latest(order)
    campay.settle(payment.reference, "SUCCESSFUL")
    campay.requests.clear()
    return order, url, payment


def poll_url(html):
    return re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


def test_the_order_page_and_its_poll_never_call_the_gateway(client, campay):
    order, url, payment = approved_meanwhile(client, campay)
    page = client.get(url)
    assert page.status_code == 200 and 'hx-trigger="every 4s"' in text(page)
    for _ in range(3):
        assert client.get(poll_url(text(page)), headers=HX).status_code == 304
        assert client.get(url, headers=HX).status_code == 200
    assert campay.requests == []
    assert status_of(order) == OrderStatus.PENDING_PAYMENT  # known only once the background check ran


def test_the_poll_is_told_nothing_changed_until_the_background_check_settles_the_payment(client, campay):
    order, url, payment = approved_meanwhile(client, campay)
    first = client.get(url, headers=HX)
    assert first.status_code == 200 and first.headers["ETag"]
    again = poll_url(text(first))
    with counted_statements() as seen:
        same = client.get(again, headers=HX)
    assert (same.status_code, same.get_data(), len(seen)) == (304, b"", 1)
    assert same.headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={**HX, "If-None-Match": first.headers["ETag"]}).status_code == 304

    later = utcnow() + timedelta(seconds=payment_checks.FIRST_CHECK)
    assert payment_checks.check(payment.id, now=later) == "processed"  # the job, 10 s after the request
    changed = client.get(again, headers=HX)
    assert changed.status_code == 200 and "Payée" in text(changed) and "every 4s" not in text(changed)
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert campay.count(f"/api/transaction/{payment.reference}/") == 1 and paid_events(order) == 1


def test_a_stranger_polling_with_a_version_is_told_nothing(app, client, campay):
    order, url, _ = approved_meanwhile(client, campay)
    held = poll_url(text(client.get(url)))
    stranger = app.test_client()
    assert stranger.get(held, headers=HX).status_code == 404
    assert stranger.get(url, headers={**HX, "If-None-Match": "*"}).status_code == 404
    for odd in ("", "x" * 5000, "１２", "¹", '"', "-fr-c"):
        assert client.get(url, query_string={"v": odd}, headers=HX).status_code == 200


def test_the_check_button_hands_one_check_to_the_background_in_a_while(app, client, campay):
    order, url, payment = approved_meanwhile(client, campay)
    check = f"/commande/{order.reference}/verifier"
    first = post(client, check, page=url, headers=HX)
    assert first.status_code == 200 and "Vérification demandée" in text(first) and "every 4s" in text(first)
    second = post(client, check, page=url, headers=HX)
    assert "Vérification déjà en cours" in text(second)
    plain = post(client, check, page=url)
    assert plain.status_code == 303 and "Vérification déjà en cours" in text(client.get(url))
    assert campay.requests == [] and latest(order).status == PaymentStatus.PENDING
    assert run_background(app) == 1  # one check now (the planned one waits for its 10 s)
    assert campay.count(f"/api/transaction/{payment.reference}/") == 1 and status_of(order) == OrderStatus.PAID
    assert "Payée" in text(client.get(url, headers=HX))
