"""A whole sale in browsers: a guest buys on a phone (Mobile Money through the simulated phone, or cash),
the pickup point's staff receive the item and hand the order over on a tablet, the seller is credited."""
import itertools
import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db
from vgk.models import Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.accounts import sessions, tablets

pytestmark = pytest.mark.e2e

PIN = "246810"
_n = itertools.count(1)


@pytest.fixture
def sale(live_app):
    """A seller's 50 000 FCFA TV, a pickup point and its staff member (known on the tablet)."""
    n = next(_n)
    with live_app.app_context():
        town = f.city(name=f"Douala {n}", slug=f"douala-e2e-{n}")
        point = f.pickup_point(town, name=f"Point relais Bonapriso {n}", address="Rue Njo-Njo, Bonapriso",
                               opening_hours="Lun–Sam 8h–19h")
        staff = f.user(role=Role.STAFF, name=f"Carine Mbappe {n}", pickup_point=point, two_factor=TwoFactor.SMS,
                       phone_verified_at=utcnow())
        tablets.set_pin(staff, PIN)
        seller = f.user(name=f"Nadège Fotso {n}", phone_verified_at=utcnow())
        tv = f.product(f"Télé Samsung 32 pouces {n}", seller=seller, city_=town, price=50_000, images=1)
        data = {"point_id": point.id, "point": point.name, "product": tv.public_id, "title": tv.title,
                "staff": staff.name, "tablet": tablets.enroll_device(staff), "seller_id": seller.id}
        db.session.remove()
    return data


def buy(page, base, sale, phone_number, method_label):
    """The guest adds the TV to the cart and checks out at the pickup point; returns the order reference."""
    page.goto(f"{base}/p/{sale['product']}")
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.locator("#add-cart-msg")).not_to_be_empty()
    page.goto(f"{base}/panier")
    expect(page.locator("body")).to_contain_text(sale["title"])
    page.get_by_role("link", name="Commander").click()
    page.wait_for_url(re.compile(r".*/commande$"))
    page.fill("#name", "Awa Bello")
    page.fill("#phone", phone_number)
    page.select_option("#pickup_point_id", str(sale["point_id"]))
    page.get_by_label(method_label).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    page.get_by_role("button", name="Valider la commande").click()
    page.wait_for_url(re.compile(r".*/commande/VGK-[A-Z0-9]+$"))
    return page.url.rsplit("/", 1)[1]


def staff_tablet(browser, base, sale):
    context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="fr-FR", has_touch=True)
    context.add_cookies([{"name": "vgk_tablet", "value": sale["tablet"], "url": base, "httpOnly": True}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + "/staff/verrou")
    page.get_by_label(sale["staff"]).check()
    page.locator("#unlock-pin").fill(PIN)
    page.get_by_role("button", name="Déverrouiller").click()
    page.wait_for_url(re.compile(r".*/staff$"))
    return context, page


def receive_and_hand_over(page, live_app, reference, buyer_phone, cash, shots):
    page.screenshot(path=str(shots / "staff-home.png"), full_page=True)
    drop = page.locator("#dropoffs li", has_text=reference)
    expect(drop).to_contain_text("Nadège Fotso")
    if cash:
        expect(drop).to_contain_text("Espèces")
    drop.get_by_role("button", name="Reçu").click()  # htmx: the row and the lists swap in place
    expect(page.locator("#dropoffs")).to_contain_text("prête")
    ready = page.locator("#pickups li", has_text=reference)
    expect(ready).to_contain_text("Awa Bello")
    ready.get_by_role("link", name="Remettre").click()
    page.wait_for_url(re.compile(r".*/staff/retrait\?reference=" + reference))
    expect(page.locator("#ho-reference")).to_have_value(reference)
    with live_app.app_context():
        code = f.last_code(buyer_phone)
        db.session.remove()
    page.fill("#ho-code", code)
    if cash:
        page.get_by_label("J’ai encaissé 50 000 FCFA").check()
    page.screenshot(path=str(shots / "handover.png"), full_page=True)
    page.get_by_role("button", name="Remettre la commande").click()
    page.wait_for_url(re.compile(r".*/staff$"))
    expect(page.locator("body")).to_contain_text(f"Commande {reference} remise")
    page.goto(page.url.rsplit("/staff", 1)[0] + "/staff/rapport")
    expect(page.locator("#rp-handed")).not_to_have_text("0")
    page.screenshot(path=str(shots / "report.png"), full_page=True)


def seller_sees_balance(browser, base, live_app, sale, expected):
    with live_app.app_context():
        from vgk.models import User

        auth_session = sessions.start(db.session.get(User, sale["seller_id"]), ip="127.0.0.1", user_agent="e2e",
                                      method="password")
        cookie = live_app.session_interface.get_signing_serializer(live_app).dumps(
            {"_user_id": auth_session.public_id, "_fresh": True})
        db.session.remove()
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="fr-FR", is_mobile=True)
    context.add_cookies([{"name": live_app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + "/compte/portefeuille")
        expect(page.locator("#wallet-balance")).to_have_text(expected)
        expect(page.locator("#wallet-pending")).to_have_text("0 FCFA")  # collected: nothing left on its way
        expect(page.locator(".ledger")).to_contain_text("Vente — Commande VGK-")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    finally:
        context.close()


def test_mobile_money_purchase_from_phone_to_pickup(live_server, live_app, phone, browser, sale, tmp_path):
    base, buyer = live_server.url, "+237677123456"
    reference = buy(phone, base, sale, "677 12 34 56", "MTN Mobile Money")
    phone.get_by_role("link", name="Ouvrir le téléphone simulé").click()
    phone.wait_for_url(re.compile(r".*/simulateur/.+"))
    expect(phone.locator("body")).to_contain_text("50 000 FCFA")
    phone.get_by_role("button", name="Approuver").click()
    expect(phone.locator("body")).to_contain_text("approuvé")
    phone.goto(f"{base}/commande/{reference}")
    expect(phone.locator("#order-status")).to_contain_text("Payée")
    with live_app.app_context():  # the code sent at checkout, shown on the page as digits and a QR code
        sent = f.last_code(buyer)
        db.session.remove()
    expect(phone.locator(".handover-digits")).to_have_text(f"{sent[:3]} {sent[3:]}")
    expect(phone.locator("#handover-code svg.qr")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    context, tablet = staff_tablet(browser, base, sale)
    try:
        receive_and_hand_over(tablet, live_app, reference, buyer, cash=False, shots=tmp_path)
    finally:
        context.close()
    seller_sees_balance(browser, base, live_app, sale, "45 000 FCFA")


def test_cash_purchase_paid_at_the_pickup_point(live_server, live_app, phone, browser, sale, tmp_path):
    base, buyer = live_server.url, "+237699887766"
    reference = buy(phone, base, sale, "699 88 77 66", "Espèces au point relais")
    with live_app.app_context():  # a guest's cash order is taken once the code sent to the phone comes back
        code = f.last_code(buyer)
        db.session.remove()
    phone.fill("#code", code)
    phone.get_by_role("button", name="Confirmer la commande").click()
    expect(phone.locator("body")).to_contain_text("Commande confirmée")
    expect(phone.locator("#order-status")).to_contain_text("en espèces")

    context, tablet = staff_tablet(browser, base, sale)
    try:
        receive_and_hand_over(tablet, live_app, reference, buyer, cash=True, shots=tmp_path)
    finally:
        context.close()
    seller_sees_balance(browser, base, live_app, sale, "45 000 FCFA")
