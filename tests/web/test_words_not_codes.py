"""People read words, never stored codes, and times in Cameroon time: every admin and staff page (and the
account's orders, sales and wallet) is rendered over data in every status and kind, and its visible text
must hold none of the codes."""
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest
from flask import render_template

from tests import factories as f
from tests.web.test_staff import staff_member
from vgk.extensions import db
from vgk.labels import TABLES
from vgk.models import (
    Condition,
    DeliveryStatus,
    Fulfilment,
    NotificationDelivery,
    Offer,
    OfferStatus,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Payout,
    PayoutStatus,
    ProductStatus,
    ReportReason,
    Role,
    TwoFactor,
    UserStatus,
    WalletEntry,
    WalletEntryKind,
)
from vgk.models.base import utcnow
from vgk.services.backoffice import audit
from vgk.services.conversations import messages, offers, safety, threads
from vgk.services.notifications.events import EVENTS
from vgk.services.notifications.report import LOG_CHANNELS
from vgk.services.selling import reports

# Every code a page could leak. "SMS" is left out: it is also the word people use ("Code par SMS").
CODES = sorted(
    {*Role.ALL, *UserStatus.ALL, TwoFactor.EMAIL, TwoFactor.TOTP, *OrderStatus.ALL, *PaymentMethod.ALL,
     *PaymentStatus.ALL, *PayoutStatus.ALL, *WalletEntryKind.ALL, *ProductStatus.ALL, *Condition.ALL,
     *Fulfilment.ALL, *OfferStatus.ALL, *TABLES["audit_action"], "banned_word", "price_outlier", "duplicate_photo",
     *(code for code in [*TABLES["audit_object"], *TABLES["audit_field"]] if "_" in code),
     *TABLES["notify_event"], *(code for code in TABLES["notify_error"] if "_" in code),
     DeliveryStatus.QUEUED, DeliveryStatus.SUPPRESSED, "inapp", "whatsapp", "transactional"},
    key=len, reverse=True)
CODE = re.compile(r"(?<![\w.])(" + "|".join(re.escape(code) for code in CODES) + r")(?![\w.])")
OBJECT_TYPE = {"category": "category", "city": "city", "item": "order_item", "order": "order", "payout": "payout",
               "point": "pickup_point", "product": "product", "staff": "user", "admin": "user",
               "user": "user", "reports": "product", "settings": "settings", "conversation": "conversation"}


# What the services record before and after, by kind of object (see audit.record's callers).
AUDITED = {
    "product": ({"status": ProductStatus.PENDING, "flags": "banned_word price_outlier"},
                {"status": ProductStatus.REJECTED, "flags": ""}),
    "order": ({"status": OrderStatus.READY}, {"status": OrderStatus.COMPLETED, "cash": True}),
    "order_item": ({"order": "VGK-SAMPLE"}, {"order": "VGK-SAMPLE", "order_status": OrderStatus.CANCELLED,
                                              "accepted": False, "reason": "Cassé"}),
    "payout": ({"status": PayoutStatus.REQUESTED}, {"status": PayoutStatus.PAID}),
    "settings": ({"commission_percent": 10, "banned_words": ["fusil"]},
                 {"commission_percent": 12, "banned_words": ["fusil", "tortue marine"]}),
    "user": ({"role": Role.CLIENT, "status": UserStatus.ACTIVE, "pickup_point_id": None},
             {"role": Role.STAFF, "status": UserStatus.SUSPENDED, "pickup_point_id": 3}),
}


class VisibleText(HTMLParser):
    """The words a person sees: text outside scripts and styles (attributes and hidden values ignored)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def leaked_codes(html, ignore=()):
    text = visible_text(html)
    for identifier in ignore:  # references and public ids are random: never read them as codes
        text = text.replace(identifier, " ")
    return sorted(set(CODE.findall(text)))


def test_the_checker_finds_a_code_in_text_but_not_in_attributes_or_words():
    html = ('<p data-s="PAID">Payée · MTN_MOMO</p><input type="hidden" name="s" value="REJECTED">'
            '<td>product.approve</td><p>Code par SMS · email · PENDING → REJECTED · PAIDS</p>')
    assert leaked_codes(html) == ["MTN_MOMO", "PENDING", "REJECTED", "product.approve"]


@pytest.fixture
def world(app):
    """A point with its staff, an admin, a seller and a buyer, and data in every status and kind."""
    point = f.pickup_point(name="Point relais Akwa")
    staff = staff_member(point, name="Serge Ekwalla")
    admin = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.TOTP, phone_verified_at=utcnow())
    seller = f.user(name="Nadège Fotso", two_factor=TwoFactor.EMAIL)
    buyer = f.user(name="Awa Bello")
    people = [f.user(status=status, name=f"Compte {status.lower()}") for status in UserStatus.ALL]
    products = [f.product(f"Article {n}", seller=seller, status=status, condition=Condition.ALL[n % 4],
                          moderation_flags="contact payment banned_word price_outlier duplicate_photo")
                for n, status in enumerate(ProductStatus.ALL)]
    orders = []
    previous = None
    for status in OrderStatus.ALL:
        order = f.place_order(f.product(f"Objet {status.lower()}", seller=seller, price=20_000), point=point,
                              buyer=buyer, payment_method=PaymentMethod.CASH)
        order.status = status
        db.session.add(OrderEvent(order_id=order.id, from_status=previous, to_status=status, note=""))
        previous = status
        orders.append(order)
    statuses = PaymentStatus.ALL * 2  # every method and every status shown at least once
    for n, (method, status) in enumerate(zip(PaymentMethod.ALL, statuses[:len(PaymentMethod.ALL)], strict=True)):
        db.session.add(Payment(order_id=orders[1].id, provider="simulated", method=method, status=status,
                               reference=f"PAY-SAMPLE-{n}", amount=20_000, phone="+237690555111"))
    for kind in WalletEntryKind.ALL:
        db.session.add(WalletEntry(user_id=seller.id, amount=5_000, kind=kind, note=""))
    for status in PayoutStatus.ALL:
        db.session.add(Payout(user_id=seller.id, amount=5_000, phone="+237690555111", status=status))
    db.session.commit()
    on_sale = next(p for p in products if p.status == ProductStatus.ACTIVE)
    for n, reason in enumerate(ReportReason.ALL):  # every reason, on the admin's reports page
        reports.report(on_sale.public_id, reason, "Vu ailleurs moins cher", ip=f"10.0.0.{n}")
    for action in TABLES["audit_action"]:
        kind = OBJECT_TYPE[action.split(".")[0]]
        audit.record(admin, action, kind, "42", *AUDITED.get(kind, ({"is_active": True}, {"is_active": False})),
                     "127.0.0.1")
    db.session.commit()
    talk = conversation_with_offers(seller, buyer)
    deliveries_in_every_status(buyer)
    ignore = [o.reference for o in orders] + [x.public_id for x in [*people, *products, staff, admin, seller, buyer]]
    return locals()


def speak(client, language):
    with client.session_transaction() as session:
        session["lang"] = language


def conversation_with_offers(seller, buyer):
    """A buyer's conversation with an offer in every status, a reported message, and a support request."""
    negotiable = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    talk = threads.open_about_listing(buyer, negotiable.public_id)
    for status in OfferStatus.ALL:
        offers.make(buyer, talk, 50_000)
        db.session.scalars(db.select(Offer).where(Offer.conversation_id == talk.id)
                           .order_by(Offer.id.desc())).first().status = status
    db.session.commit()
    rude = messages.post_text(seller, talk, "Message désagréable")
    safety.report(buyer, talk, rude.id, "Insultes")
    messages.post_text(buyer, threads.open_support(buyer), "Ma commande est en retard.")
    return talk


def deliveries_in_every_status(person):
    """The notifications log with every event, channel, status and kind of error in it."""
    errors = ["limit", "outcome unknown", "no sms adapter", "error: KeyError", "refused 131026"]
    for n, status in enumerate(DeliveryStatus.ALL):
        for m, event in enumerate(EVENTS):
            channel = LOG_CHANNELS[(n + m) % len(LOG_CHANNELS)]
            db.session.add(NotificationDelivery(
                user_id=person.id if m % 2 else None, recipient=f"user:{person.id}" if m % 2 else "+237690555111",
                address="+237690555111", event=event, category=EVENTS[event].category, channel=channel,
                status=status, error=errors[m % len(errors)] if status == DeliveryStatus.FAILED else None))
    db.session.commit()


def _admin_pages(world):
    yield from ("/admin/support", "/admin/conversations-signalees", "/admin/groupes/nouveau")
    yield from ("/admin", "/admin/categories", "/admin/commandes", "/admin/journal", "/admin/lieux",
                "/admin/moderation", "/admin/personnel/nouveau", "/admin/reglages", "/admin/retraits",
                "/admin/utilisateurs", "/admin/signalements", "/admin/notifications",
                "/admin/notifications?period=all&status=failed", "/admin/notifications/modeles")
    yield from (f"/admin/commandes/{order.reference}" for order in world["orders"])
    everyone = [*world["people"], world["staff"], world["admin"], world["seller"], world["buyer"]]
    yield from (f"/admin/utilisateurs/{person.public_id}" for person in everyone)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_code_on_any_admin_staff_or_account_page(app, world, language):
    pages = {}
    for who, urls in (("admin", list(_admin_pages(world))),
                      ("staff", ["/staff", "/staff/rapport", "/staff/retrait"]),
                      ("seller", ["/compte", "/compte/ventes", "/compte/portefeuille", "/compte/securite",
                                  "/compte/notifications/preferences",
                                  "/messages", f"/messages/{world['talk'].public_id}"]),
                      ("buyer", ["/compte/commandes", f"/messages/{world['talk'].public_id}"]
                       + [f"/commande/{o.reference}" for o in world["orders"]])):
        client = app.test_client()
        f.sign_in(client, world[who], method="pin" if who == "staff" else "password")
        speak(client, language)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = response.get_data(as_text=True)
    with app.test_request_context(headers={"Accept-Language": language}):  # rows swapped in after a decision
        for payout in db.session.query(Payout):
            pages[f"payout row {payout.status}"] = render_template("admin/_payout_row.html", payout=payout, done=True)
        for product in world["products"]:
            pages[f"moderation row {product.status}"] = render_template(
                "admin/_moderation_row.html", product=product, done=True)
    leaks = {url: found for url, html in pages.items() if (found := leaked_codes(html, world["ignore"]))}
    assert leaks == {}
    assert "(UTC)" not in " ".join(visible_text(html) for html in pages.values())


def test_the_journal_says_what_happened_in_words(client, world):
    f.sign_in(client, world["admin"])
    text = visible_text(client.get("/admin/journal?action=product.reject").get_data(as_text=True))
    assert "Annonce refusée" in text
    assert "Statut : En attente de validation → Refusée" in text
    assert "Signalements : Article interdit, Prix anormal → —" in text


def test_a_time_stored_in_utc_is_shown_in_cameroon_time(app, client):
    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    order = f.place_order(f.product("Radio", price=30_000))
    order.created_at = datetime(2026, 12, 2, 8, 0)  # 08:00 UTC is 09:00 in Douala
    db.session.commit()
    f.sign_in(client, admin)
    french = visible_text(client.get(f"/admin/commandes/{order.reference}").get_data(as_text=True))
    assert "2 déc. 2026, 09:00" in french and "08:00" not in french
    listing = visible_text(client.get("/admin/commandes").get_data(as_text=True))
    assert "2 déc. 2026, 09:00" in listing
    speak(client, "en")
    english = visible_text(client.get(f"/admin/commandes/{order.reference}").get_data(as_text=True))
    assert "2 Dec 2026, 09:00" in english
