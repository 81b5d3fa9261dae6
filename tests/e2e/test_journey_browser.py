"""The whole loop on 360×640 phones, as people meet it: a guest finds a phone by searching the words
people type, buys it, gets one pickup code (by SMS, as digits and as a QR code on the order page), loses
it and has it sent again; the seller is told by SMS; the pickup point's staff receive the item and hand it
over by scanning the QR code; the item's old link then says "sold" and offers similar items; an admin
works the moderation queue on a phone. Every screen fits 360 px and every time reads in Cameroon time.

Run in French, and once more in English."""
import itertools
import re
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.test_layout_browser import signed_in_context
from vgk.extensions import db
from vgk.models import Order, ProductStatus, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.accounts import tablets
from vgk.services.selling import moderation
from vgk.web.qr import qr_svg

pytestmark = pytest.mark.e2e

PIN = "246810"
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DOUALA = ZoneInfo("Africa/Douala")
_n = itertools.count(1)

WORDS = {
    "fr": {"add": "Ajouter au panier", "order": "Commander", "place": "Valider la commande",
           "momo": "MTN Mobile Money", "simulator": "Ouvrir le téléphone simulé", "approve_payment": "Approuver",
           "approved": "approuvé", "paid": "Payée", "resend": "Code perdu ou bloqué ? Recevoir un nouveau code par SMS",
           "unlock": "Déverrouiller", "received": "Reçu", "hand_over": "Remettre",
           "hand_over_order": "Remettre la commande", "handed": "remise", "sold": "Cet article a été vendu.",
           "similar": "Articles similaires", "sold_badge": "Vendu", "approve": "Approuver",
           "results": "annonce"},
    "en": {"add": "Add to cart", "order": "Order", "place": "Place the order",
           "momo": "MTN Mobile Money", "simulator": "Open the simulated phone", "approve_payment": "Approve",
           "approved": "approved", "paid": "Paid", "resend": "Code lost or blocked? Get a new code by SMS",
           "unlock": "Unlock", "received": "Received", "hand_over": "Hand over",
           "hand_over_order": "Hand over the order", "handed": "handed over", "sold": "This item has been sold.",
           "similar": "Similar items", "sold_badge": "Sold", "approve": "Approve",
           "results": "listing"},
}

# What the tablet's camera would read: the browser's BarcodeDetector is replaced by one that "sees" the
# QR code's text (window.__qr), and the camera by a blank canvas stream.
FAKE_SCANNER = """
window.__qr = "";
window.BarcodeDetector = class { constructor() {} detect() { return Promise.resolve(
    window.__qr ? [{ rawValue: window.__qr }] : []); } };
Object.defineProperty(navigator, "mediaDevices", { value: { getUserMedia: function () {
    var canvas = document.createElement("canvas"); canvas.width = 8; canvas.height = 8;
    canvas.getContext("2d").fillRect(0, 0, 8, 8);
    return Promise.resolve(canvas.captureStream(5)); } } });
"""


@pytest.fixture
def market(live_app):
    """Douala's phones and shoes, a seller, a pickup point with its staff, an admin and a listing to review."""
    n = next(_n)
    with live_app.app_context():
        town = f.city(name=f"Douala J{n}", slug=f"douala-journey-{n}")
        point = f.pickup_point(town, name=f"Point relais Akwa J{n}", address="Rue Joss, face à la poste")
        verified = utcnow()
        phones = f.category("Téléphones & tablettes", slug=f"telephones-tablettes-j{n}",
                            name_en="Phones & tablets")
        shoes = f.category("Chaussures", slug=f"chaussures-j{n}", name_en="Shoes")
        seller = f.user(name=f"Nadège Fotso J{n}", phone=f"+23769100{n:04d}", phone_verified_at=verified)
        item = f.product(f"Tecno Camon 20 Pro J{n}", seller=seller, category_=phones, city_=town,
                         price=85_000, images=1, description="128 Go, chargeur d’origine.")
        other = f.product(f"Itel A70 J{n}", seller=seller, category_=phones, city_=town, price=45_000, images=1)
        boots = f.product(f"Baskets Nike Air J{n}", seller=seller, category_=shoes, city_=town, price=20_000,
                          images=1)
        waiting = f.product(f"Samsung Galaxy A14 J{n}", seller=seller, category_=phones, city_=town, price=60_000,
                            images=1, status=ProductStatus.PENDING)
        moderation.refresh_flags(waiting)
        staff = f.user(Role.STAFF, name=f"Carine Mbappe J{n}", pickup_point=point, two_factor=TwoFactor.SMS,
                       phone_verified_at=verified)
        tablets.set_pin(staff, PIN)
        admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=verified)
        db.session.commit()
        data = {"point_id": point.id, "point": point.name, "item": item.public_id, "title": item.title,
                "other": other.title, "boots": boots.title, "waiting": waiting.public_id,
                "waiting_title": waiting.title, "seller_id": seller.id, "seller_phone": seller.phone,
                "staff": staff.name, "staff_id": staff.id, "tablet": tablets.enroll_device(staff),
                "admin_id": admin.id}
        db.session.remove()
    return data


def speaks(live_app, user_ids, lang):
    """Staff and admins read the site in their account's language."""
    from vgk.models import User

    with live_app.app_context():
        for user_id in user_ids:
            db.session.get(User, user_id).locale = lang
        db.session.commit()
        db.session.remove()


def fits(page):
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def sent_to(live_app, phone):
    """The texts sent to the phone, newest first."""
    with live_app.app_context():
        bodies = [message.body for message in f.outbox(phone)]
        db.session.remove()
    return bodies


def code_sent_to(live_app, phone):
    """The newest message to the phone that carries a code, and that code."""
    for body in sent_to(live_app, phone):
        found = re.search(r"\b(\d{6})\b", body)
        if found:
            return found.group(1), body
    raise AssertionError(f"no code was sent to {phone}")


def search_finds(page, base, words, query, wanted):
    box = page.locator("header input[name=q]")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r".*[?&]q="))
    for title in wanted:
        expect(page.locator("#results")).to_contain_text(title)
    expect(page.locator(".res-count")).to_contain_text(words["results"])
    fits(page)


def buy_with_mobile_money(page, base, market, words, phone):
    page.goto(f"{base}/p/{market['item']}")
    fits(page)
    page.get_by_role("button", name=words["add"]).click()
    expect(page.locator("#add-cart-msg")).not_to_be_empty()
    page.goto(f"{base}/panier")
    page.get_by_role("link", name=words["order"], exact=True).click()
    page.wait_for_url(re.compile(r".*/commande$"))
    page.fill("#name", "Awa Bello")
    page.fill("#phone", phone)
    page.select_option("#pickup_point_id", str(market["point_id"]))
    page.get_by_label(words["momo"]).check()
    fits(page)
    page.get_by_role("button", name=words["place"]).click()
    page.wait_for_url(re.compile(r".*/commande/VGK-[A-Z0-9]+$"))
    reference = page.url.rsplit("/", 1)[1]
    page.get_by_role("link", name=words["simulator"]).click()
    page.get_by_role("button", name=words["approve_payment"]).click()
    expect(page.locator("body")).to_contain_text(words["approved"])
    page.goto(f"{base}/commande/{reference}")
    expect(page.locator("#order-status")).to_contain_text(words["paid"])
    return reference


def shows_the_code(page, reference, code):
    """The order page shows the code as digits and as the QR code the staff scanner reads."""
    expect(page.locator(".handover-digits")).to_have_text(f"{code[:3]} {code[3:]}")
    drawn = page.locator("#handover-code svg.qr path").first.get_attribute("d")
    expected = re.search(r'<path[^>]* d="([^"]+)"', str(qr_svg(f"{reference} {code}"))).group(1)
    assert drawn == expected, "the QR code does not hold the reference and this code"
    fits(page)


def shows_cameroon_time(page, live_app, reference):
    """The order's history reads in Cameroon time (UTC+1), never in the server's UTC."""
    with live_app.app_context():
        order = db.session.query(Order).filter_by(reference=reference).one()
        stored = [event.created_at for event in order.events]
        db.session.remove()
    shown = page.locator("ol.history time").all_inner_texts()
    assert len(shown) == len(stored) and stored, shown
    for text, when in zip(shown, stored, strict=True):
        local = when.replace(tzinfo=UTC).astimezone(DOUALA)
        assert local.strftime("%H:%M") in text, (text, local)
        assert when.strftime("%H:%M") not in text, (text, when)  # not the UTC clock
    assert "UTC" not in page.locator("main").inner_text()


def staff_hands_over(browser, base, live_app, market, words, locale, reference, buyer, code):
    context = browser.new_context(**PHONE, locale=locale)
    context.add_init_script(FAKE_SCANNER)
    context.add_cookies([{"name": "vgk_tablet", "value": market["tablet"], "url": base, "httpOnly": True}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + "/staff")
        page.wait_for_url(re.compile(r".*/staff/verrou$"))  # a locked tablet opens on the PIN screen
        page.get_by_label(market["staff"]).check()
        page.locator("#unlock-pin").fill(PIN)
        page.get_by_role("button", name=words["unlock"]).click()
        page.wait_for_url(re.compile(r".*/staff$"))
        fits(page)
        drop = page.locator("#dropoffs li", has_text=reference)
        expect(drop.locator("img").first).to_be_visible()  # staff see what they receive
        before = len(sent_to(live_app, buyer))
        drop.get_by_role("button", name=words["received"]).click()
        ready = page.locator("#pickups li", has_text=reference)
        expect(ready).to_be_visible()
        assert len(sent_to(live_app, buyer)) == before + 1
        ready_code, _ = code_sent_to(live_app, buyer)  # the "ready" SMS carries the same code
        assert ready_code == code
        ready.get_by_role("link", name=words["hand_over"], exact=True).click()
        page.wait_for_url(re.compile(r".*/staff/retrait.*"))
        fits(page)
        page.evaluate("code => { window.__qr = code; }", f"{reference} {code}")
        page.locator(".scan-qr").click()
        expect(page.locator("#ho-code")).to_have_value(code)
        expect(page.locator("#ho-reference")).to_have_value(reference)
        page.get_by_role("button", name=words["hand_over_order"]).click()
        page.wait_for_url(re.compile(r".*/staff$"))
        expect(page.locator("body")).to_contain_text(reference)
        expect(page.locator("body")).to_contain_text(words["handed"])
        fits(page)
    finally:
        context.close()


def admin_moderates(browser, base, live_app, market, words, locale):
    context = signed_in_context(browser, live_app, base, market["admin_id"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + "/admin/moderation")
        card = page.locator(f"#mod-{market['waiting']}")
        expect(card).to_contain_text(market["waiting_title"])
        fits(page)
        box = card.get_by_role("button", name=words["approve"], exact=True).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 360
        card.get_by_role("button", name=words["approve"], exact=True).click()
        expect(card.get_by_role("button", name=words["approve"], exact=True)).to_have_count(0)
        fits(page)
        with live_app.app_context():
            from vgk.models import Product

            assert db.session.query(Product).filter_by(public_id=market["waiting"]).one().status == "ACTIVE"
            db.session.remove()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_guest_buys_collects_with_one_code_and_the_loop_closes(live_server, live_app, browser, market, lang):
    base, words, locale = live_server.url, WORDS[lang], ("fr-FR" if lang == "fr" else "en-US")
    speaks(live_app, [market["staff_id"], market["admin_id"]], lang)
    n = next(_n)
    buyer, typed = f"+237677{n:02d}3456", f"677 {n:02d} 34 56"
    context = browser.new_context(**PHONE, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        # The words people type find the categories' items.
        page.goto(base + "/")
        fits(page)
        search_finds(page, base, words, "telephone", [market["title"], market["other"]])
        search_finds(page, base, words, "smartphone", [market["title"]])
        search_finds(page, base, words, "chaussures", [market["boots"]])

        reference = buy_with_mobile_money(page, base, market, words, typed)
        code, _ = code_sent_to(live_app, buyer)
        shows_the_code(page, reference, code)
        shows_cameroon_time(page, live_app, reference)

        # The seller is told by SMS where to bring the item.
        to_seller = sent_to(live_app, market["seller_phone"])[0]
        assert market["title"] in to_seller and market["point"] in to_seller, to_seller

        # The code is lost: it comes again by SMS, and the page shows the one that now works.
        before = len(sent_to(live_app, buyer))
        page.get_by_role("button", name=words["resend"]).click()
        page.wait_for_url(re.compile(rf".*/commande/{reference}.*"))
        assert len(sent_to(live_app, buyer)) == before + 1
        new_code, sms = code_sent_to(live_app, buyer)
        assert new_code and ("/suivi" in sms or "/commande/" in sms), sms
        shows_the_code(page, reference, new_code)

        staff_hands_over(browser, base, live_app, market, words, locale, reference, buyer, new_code)

        # The item's old link still lands somewhere useful.
        page.goto(f"{base}/p/{market['item']}")
        expect(page.locator(".item-price .badge.sold")).to_have_text(words["sold_badge"])
        expect(page.locator(".sold-note")).to_contain_text(words["sold"])
        expect(page.get_by_role("button", name=words["add"])).to_have_count(0)
        expect(page.locator("#h-sim")).to_contain_text(words["similar"])
        expect(page.locator("body")).to_contain_text(market["other"])
        fits(page)
    finally:
        context.close()

    admin_moderates(browser, base, live_app, market, words, locale)
