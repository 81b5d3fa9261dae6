"""The order page in a browser while a Mobile Money payment waits: its status poll is answered 304 (no
body) and the block stays as it is; once the payment is settled, the next poll shows it paid."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_purchase_browser import buy, sale  # noqa: F401  (the fixture)
from vgk.extensions import db
from vgk.services.commerce import orders, payments

pytestmark = pytest.mark.e2e


def test_the_status_block_stays_while_nothing_changes_then_shows_the_payment(live_server, live_app, phone,
                                                                            sale):  # noqa: F811
    reference = buy(phone, live_server.url, sale, "677 22 33 44", "MTN Mobile Money")
    polls = []
    phone.on("response", lambda r: polls.append(r.status) if re.search(r"/commande/VGK-[A-Z0-9]+\?v=", r.url)
             else None)
    expect(phone.locator("#order-status")).to_contain_text("Validez le paiement")
    phone.wait_for_timeout(9_000)  # two polls, every 4 s
    assert polls and set(polls) == {304}, polls
    expect(phone.locator("#order-status")).to_contain_text("Validez le paiement")
    with live_app.app_context():  # the payer approves on the (simulated) phone
        payment = payments.latest_payment(orders.by_reference(reference))
        assert payments.decide_simulated(payment.reference, "approve") == "processed"
        db.session.remove()
    expect(phone.locator("#order-status")).to_contain_text("Payée", timeout=10_000)
    assert polls[-1] == 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
