"""Every page fits a 360×640 phone without sideways scrolling (the staff desk puts today's work on
the first screen), and the header's "Vendre" — the
site's main action — stands out from the green header (WCAG contrast of at least 4.5:1)."""
import time

import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db
from vgk.models import (
    NotificationDelivery,
    OrderStatus,
    PaymentMethod,
    PickupPoint,
    ProductStatus,
    ReportReason,
    Role,
    TwoFactor,
)
from vgk.models.base import utcnow
from vgk.services.accounts import sessions, tablets
from vgk.services.backoffice import audit
from vgk.services.catalogue import social
from vgk.services.commerce import payments
from vgk.services.conversations import messages, offers, threads
from vgk.services.notifications.unsubscribe import make_token
from vgk.services.selling import moderation, reports

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "fr-FR"}
# Every HTML page, by who opens it; `test_every_page_is_measured` fails when a page is missing here.
PUBLIC_PAGES = ["/", "/produits", "/produits?q=zzzzqqq", "{product}", "{sold}", "{seller}", "/panier",
                "/connexion", "/inscription", "/mot-de-passe/oublie", "/mot-de-passe/nouveau", "/suivi",
                "{report}", "{translation}", "{guest_order}", "{guest_review}", "{simulator}", "/hors-ligne",
                "/comment-ca-marche", "/protection-acheteur", "/conditions", "/contact", "/staff/verrou",
                "{unsubscribe}", "/pour-vous", "/economie-donnees"]
# Pages people reach with a wrong or stale link: a clear message that fits too.
REFUSED_PAGES = ["/mot-de-passe/lien/plus-valable", "/email/verifier/plus-valable", "/p/nexistepas",
                 "/desabonnement/plus-valable"]
CLIENT_PAGES = ["/compte", "/compte/securite", "/compte/commandes", "{my_order}", "{review_item}",
                "/compte/annonces", "/compte/annonces/nouvelle", "{edit}", "{preview}", "/compte/ventes",
                "/compte/favoris", "/compte/alertes", "/compte/portefeuille", "/compte/notifications",
                "/compte/notifications/preferences", "/compte/profil",
                "/compte/telephone", "/compte/mot-de-passe", "/compte/sessions", "/compte/securite/application",
                "/compte/confirmer", "/compte/supprimer", "/panier", "/commande", "/deconnexion", "/messages",
                "{conversation}", "{block}"]
ADMIN_PAGES = ["/admin", "/admin/commandes", "{admin_order}", "/admin/moderation", "/admin/signalements", "{review}",
               "/admin/utilisateurs", "{user_detail}", "/admin/personnel/nouveau", "/admin/retraits", "/admin/lieux",
               "/admin/categories", "/admin/journal", "/admin/reglages", "/admin/support",
               "/admin/conversations-signalees", "/admin/groupes/nouveau", "/admin/notifications",
               "/admin/notifications/modeles", "/admin/experiences", "/admin/recherches", "/admin/stockage"]
STAFF_PAGES = ["/staff", "/staff/rapport", "/staff/retrait", "/staff/pin"]
# Measured by walking there (a sign-in owing a code, a new account's phone check): see `test_sign_in_steps_fit`.
STEP_PAGES = ["/connexion/code", "/verification"]
# GET routes that are not pages people read.
NOT_PAGES = {
    "admin.export_orders": "a CSV file", "admin.export_commissions": "a CSV file",
    "admin.export_payouts": "a CSV file", "pwa.manifest": "the web app manifest (JSON)",
    "admin.notification_email_html": "an email's HTML, shown inside the previews page's frame",
    "pwa.service_worker": "the service worker script", "shop.campay_webhook": "the payment provider's callback",
    "visitor.set_language": "sets the language and goes back", "dev.outbox": "development only (make run)",
    "static": "files", "pwa.media": "uploaded photos", "chat.news": "the fragment a conversation polls",
    "chat.photo": "a photo sent in a conversation",
    "shop.card_return": "back from the card payment page, it goes on to the order page",
    "hooks.whatsapp_handshake": "WhatsApp's subscription check (the challenge as text)",
    "tracked.follow": "a message's tracked link: counts the click and goes on to its page",
    "health.ready": "the readiness report (JSON)", "health.scrape": "Prometheus metrics (text)",
    "ws.private_chat": "a WebSocket (the apps' chat)", "ws.group_chat": "a WebSocket (the apps' group chat)",
}

# The colours of an element and of the first ancestor (or itself) with an opaque background, as [r, g, b].
COLOURS_JS = """element => {
  const rgb = value => value.match(/[\\d.]+/g).map(Number);
  let node = element, background = null;
  while (node) {
    const parts = rgb(getComputedStyle(node).backgroundColor);
    if (parts.length < 4 || parts[3] > 0) { background = parts.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {color: rgb(getComputedStyle(element).color).slice(0, 3), background: background || [255, 255, 255]};
}"""


def luminance(rgb):
    def channel(value):
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second):
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21)
    assert contrast([20, 90, 50], [20, 90, 50]) == pytest.approx(1)
    assert contrast([118, 118, 118], [255, 255, 255]) == pytest.approx(4.54, abs=0.01)


@pytest.fixture(scope="module")
def people(live_app):
    return make_people(live_app)


def make_people(live_app):
    """A client with listings (long titles, as people write them), an order and a sale; an admin and a pickup
    point's staff; a guest's order paid by Mobile Money."""
    with live_app.app_context():
        town = f.city(name="Bafoussam", slug="bafoussam-layout")
        point = f.pickup_point(town, name="Point relais Marché A", address="Carrefour Total, Marché A")
        verified = utcnow()
        client = f.user(name="Marie-Thérèse Nguema Abessolo", phone_verified_at=verified)
        fridges = f.category("Électroménager", slug="electromenager-layout")
        item = f.product("Réfrigérateur Samsung double porte 350 litres très bon état garantie 3 mois",
                         seller=client, city_=town, price=185_000, images=2, category_=fridges)
        waiting = f.product("Congélateur coffre Haier 200 litres presque neuf, livré avec sa garantie d’origine",
                            seller=client, city_=town, price=240_000, images=3, status=ProductStatus.PENDING,
                            description="Paiement Orange Money, appelez le 677 12 34 56. " * 4)
        moderation.refresh_flags(waiting)
        for n, reason in enumerate(ReportReason.ALL):
            reports.report(item.public_id, reason, "Le vendeur demande un paiement d’avance par Orange Money, "
                           "avant tout passage au point relais du marché.", ip=f"10.0.0.{n}")
        admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=verified)
        staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=verified)
        tablets.set_pin(staff, "246810")
        audit.record(admin, "product.takedown", "product", item.public_id, {"status": "ACTIVE"},
                     {"status": "REJECTED", "rejection_reason": "Contrefaçon manifeste signalée par plusieurs "
                      "acheteurs, photos reprises d’un autre vendeur et numéro WhatsApp dans la description"},
                     "203.0.113.250")
        notifications_of(client)
        db.session.commit()
        data = {"product": f"/p/{item.public_id}", "report": f"/p/{item.public_id}/signaler",
                "translation": f"/p/{item.public_id}/traduction?vers=en",
                "review": f"/admin/annonces/{waiting.public_id}",
                "client": client.id, "admin": admin.id, "staff": staff.id, "point": point.id,
                "seller": f"/vendeur/{client.public_id}", "edit": f"/compte/annonces/{waiting.public_id}",
                "preview": f"/compte/annonces/{waiting.public_id}/apercu",
                "user_detail": f"/admin/utilisateurs/{client.public_id}",
                "unsubscribe": f"/desabonnement/{make_token(client.id, 'news')}"}
        data.update(orders_of(client, point, fridges))
        data.update(conversation_of(client, town, fridges))
        db.session.remove()
    return data


def notifications_of(client):
    """The notifications log with a person's long name and a guest's long email, a failure and a cost."""
    guest = "jean-baptiste.ndzana.owona.vendeur@entreprise-douala.example.cm"
    for channel, status, error in (("sms", "delivered", None), ("whatsapp", "failed", "error: KeyError"),
                                   ("email", "suppressed", "limit"), ("push", "skipped", None)):
        db.session.add(NotificationDelivery(
            user_id=client.id, recipient=f"user:{client.id}", address="+237690555111", event="alert.saved_search",
            category="alerts", channel=channel, status=status, error=error, cost_xaf=25, attempts=3))
        db.session.add(NotificationDelivery(
            recipient=guest, channel=channel, address=guest, event="security.password_changed",
            category="security", status=status, error=error))


def orders_of(client, point, category):
    """The client's collected purchase (to review), and a guest's order waiting for Mobile Money."""
    seller = f.user(name="Jean-Baptiste Ndzana Owona", phone_verified_at=utcnow())
    bought = f.product("Machine à laver LG 7 kg chargement frontal, peu servie, avec tuyaux", seller=seller,
                       city_=point.city, price=150_000, images=1, category_=category)
    mine = f.place_order(bought, point=point, buyer=client)
    mine.status = OrderStatus.COMPLETED
    bought.status = ProductStatus.SOLD
    guest_item = f.product("Téléviseur Hisense 55 pouces 4K avec sa télécommande", seller=seller,
                           city_=point.city, price=210_000, images=1, category_=category)
    guest = f.place_order(guest_item, point=point, payment_method=PaymentMethod.MTN_MOMO, phone="+237677445566")
    token = guest.access_token
    payment = payments.start(guest, PaymentMethod.MTN_MOMO, "+237677445566")
    db.session.commit()
    collected = f.place_order(f.product("Fer à repasser Philips vapeur, semelle céramique", seller=seller,
                                        city_=point.city, price=9_000, images=1), point=point)
    collected.status = OrderStatus.COMPLETED
    fan = f.product("Ventilateur sur pied Binatone 16 pouces", seller=seller, city_=point.city, price=18_000,
                    images=1, negotiable=True)
    agreed = offers.make(client, threads.open_about_listing(client, fan.public_id), 15_000)
    offers.answer(seller, agreed.public_id, offers.ACCEPT)  # the cart and checkout show the agreed price
    f.cart_with(fan, user=client)
    return {"sold": f"/p/{bought.public_id}", "my_order": f"/commande/{mine.reference}",
            "admin_order": f"/admin/commandes/{mine.reference}",
            "review_item": f"/compte/commandes/{mine.public_id}/avis/{mine.items[0].id}",
            "guest_order": f"/commande/{guest.reference}?cle={token}",
            "guest_review": f"/avis/{social.guest_review_token(collected)}", "simulator": payment.approve_url}


def conversation_of(client, town, category):
    """The client asking a seller about a negotiable listing: long words, an offer and its buttons."""
    seller = f.user(name="Emmanuelle-Joséphine Tchoumi Kamdem", phone_verified_at=utcnow())
    item = f.product("Climatiseur split LG 12000 BTU inverter avec télécommande et kit d’installation",
                     seller=seller, city_=town, price=320_000, images=1, category_=category, negotiable=True)
    talk = threads.open_about_listing(client, item.public_id)
    messages.post_text(client, talk, "Bonjour, est-il toujours disponible ? " + "Trèslongmotsansespace" * 6)
    messages.post_text(seller, talk, "Oui. Appelez le 677 12 34 56 et payez par Orange Money d’avance.")
    offers.make(client, talk, 280_000)
    offers.answer(seller, talk_offer(talk), "counter", 300_000)
    support = threads.open_support(client)
    messages.post_text(client, support, "Ma commande n’est pas arrivée au point relais.")
    return {"conversation": f"/messages/{talk.public_id}", "block": f"/messages/{talk.public_id}/bloquer"}


def talk_offer(talk):
    from vgk.models import Offer

    return db.session.scalar(db.select(Offer.public_id).where(Offer.conversation_id == talk.id)
                             .order_by(Offer.id.desc()))


def signed_in_context(browser, live_app, base, user_id):
    """A phone-sized browser whose cookie holds a full sign-in session for the user."""
    from vgk.models import User

    with live_app.app_context():
        auth_session = sessions.start(db.session.get(User, user_id), ip="127.0.0.1", user_agent="e2e")
        cookie = live_app.session_interface.get_signing_serializer(live_app).dumps(
            {"_user_id": auth_session.public_id, "_fresh": True})
        db.session.remove()
    context = browser.new_context(**PHONE)
    context.add_cookies([{"name": live_app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base}])
    return context


def overflowing(page, base, paths, statuses=(200,)):
    """The pages among `paths` wider than the screen, each with its width."""
    wide = []
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status in statuses, (path, response and response.status)
        # A link holding a secret (?cle=) lands on the same page without it.
        assert page.url == base + path.split("?cle=")[0], f"{path} sent the browser to {page.url}"
        expect(page.locator("main")).to_be_visible()
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            wide.append((path, widths))
    return wide


def test_every_page_is_measured(live_app, people):
    """Each page the site serves is in one of the lists measured at 360 px (or named as not a page)."""
    adapter = live_app.url_map.bind("localhost")
    lists = PUBLIC_PAGES + REFUSED_PAGES + CLIENT_PAGES + ADMIN_PAGES + STAFF_PAGES + STEP_PAGES
    measured = {adapter.match(path.format(**people).split("?")[0], method="GET")[0] for path in lists}
    missing = sorted(
        rule.endpoint for rule in live_app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.rule.startswith("/mobile/api/")
        and rule.endpoint not in NOT_PAGES and rule.endpoint not in measured)
    assert missing == [], f"pages not measured at 360 px: {missing}"


def test_pages_fit_a_phone_and_vendre_stands_out(live_server, live_app, browser, people):
    base = live_server.url
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        paths = [path.format(**people) for path in PUBLIC_PAGES]
        wide = overflowing(page, base, paths)
        wide += overflowing(page, base, REFUSED_PAGES, statuses=(400, 404))

        page.goto(base + "/")
        sell = page.locator("header .sell-link")
        expect(sell).to_be_visible()
        colours = sell.evaluate(COLOURS_JS)
        ratio = contrast(colours["color"], colours["background"])
        assert ratio >= 4.5, f"Vendre: {colours} gives {ratio:.2f}:1"
        # It is not just readable: it is set apart from the header's green too.
        header = page.locator("header.top").evaluate(COLOURS_JS)
        assert colours["background"] != header["background"]
    finally:
        context.close()

    for who, paths in (("client", CLIENT_PAGES), ("admin", ADMIN_PAGES), ("staff", STAFF_PAGES)):
        context = signed_in_context(browser, live_app, base, people[who])
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            wide += overflowing(page, base, [path.format(**people) for path in paths])
        finally:
            context.close()
    wide += sign_in_steps(browser, live_app, base, people)
    assert wide == [], f"pages wider than a 360 px screen: {wide}"
    check_the_staff_desk(browser, live_app, base, people)


def sign_in_steps(browser, live_app, base, people, measure=None):
    """The pages between steps, reached as people reach them: the code owed after the password, and a new
    account's phone check. `measure(page, path)` (by default: is it wider than the screen?) lists what is
    wrong with each."""
    measure = measure or (lambda page, path: overflowing(page, base, [path]))
    from vgk.models import User

    with live_app.app_context():
        admin = db.session.get(User, people["admin"])
        identifier = admin.phone
        newcomer = f.user(name="Jean-Pierre Essomba", phone_verified_at=None)
        cookie = live_app.session_interface.get_signing_serializer(live_app).dumps(
            {"verify": {"uid": newcomer.public_id, "at": int(time.time())}})
        db.session.remove()
    wide = []
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + "/connexion")
        page.fill("#identifier", identifier)
        page.fill("#password", "secret-pass-1")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(base + "/connexion/code")
        wide += measure(page, "/connexion/code")
    finally:
        context.close()
    context = browser.new_context(**PHONE)
    context.add_cookies([{"name": live_app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        wide += measure(page, "/verification")
    finally:
        context.close()
    return wide


def check_the_staff_desk(browser, live_app, base, people):
    """With an item to receive, the desk still fits, and on a 360×640 phone the first item's photos and its
    "Reçu" button are on the first screen, before the point's details and the day's report link."""
    with live_app.app_context():
        point = db.session.get(PickupPoint, people["point"])
        brought = f.product("Téléviseur LG 43 pouces avec télécommande d'origine et pied mural", seller=f.user(),
                            city_=point.city, price=120_000, images=3)
        reference = f.place_order(brought, point=point).reference
        db.session.remove()
    context = signed_in_context(browser, live_app, base, people["staff"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        assert overflowing(page, base, ["/staff"]) == []
        row = page.locator("#dropoffs .work-row").first
        expect(row.locator(".work-photos img")).to_have_count(3)
        for part in (row.locator(".work-photos img").first, row.get_by_role("button", name="Reçu")):
            box = part.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 640, box
        details = page.locator("#h-info").bounding_box()
        assert details is not None and details["y"] > row.bounding_box()["y"]
    finally:
        context.close()
    # With that order in it, the admins' order list and the order's page still fit a phone too.
    context = signed_in_context(browser, live_app, base, people["admin"])
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        assert overflowing(page, base, ["/admin/commandes", f"/admin/commandes/{reference}"]) == []
    finally:
        context.close()
