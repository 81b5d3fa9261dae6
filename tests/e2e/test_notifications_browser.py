"""Notifications from a client's phone (360×640): she keeps alerts to SMS on her preferences page and saves
a search for "vélo"; an admin approves two bikes from the moderation cards and her open page's notices
count goes up live; alerts wait for her hour, then leave as ONE digest SMS (the outbox) naming both; a
bike she keeps in favourites gets cheaper and she hears of it; and the service worker shows what the push
channel writes for that price drop."""
import json
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.test_chat_browser import phone_of
from tests.e2e.test_journey_browser import fits, sent_to
from tests.e2e.test_layout_browser import signed_in_context
from tests.e2e.test_notices_browser import socket_connected
from tests.e2e.test_push_browser import NOTIFICATIONS_JS, _registration_id
from vgk.extensions import db
from vgk.models import NotificationDelivery, ProductStatus, Role, TwoFactor, User
from vgk.models.base import utcnow
from vgk.services.notifications import delivery, templates, timing
from vgk.services.notifications.delivery import sweep
from vgk.services.selling import listings

pytestmark = pytest.mark.e2e


@pytest.fixture
def bikes(live_app, monkeypatch):
    """A client, a seller with two bikes waiting for moderation and one on sale, an admin; alerts wait for
    each person's hour (smart timing on, as in production)."""
    monkeypatch.setitem(live_app.config, "NOTIFY_SMART_TIMING", True)
    with live_app.app_context():
        verified = utcnow()
        client = f.user(name="Awa Bello", phone="+237677112233", locale="fr", phone_verified_at=verified)
        seller = f.user(name="Nadège Fotso", phone_verified_at=verified)
        admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=verified)
        town = f.city(name="Kribi", slug="kribi-alertes")
        red, blue = (f.product(title, seller=seller, city_=town, price=60_000, status=ProductStatus.PENDING)
                     for title in ("Vélo rouge de ville", "Vélo bleu tout-terrain"))
        green = f.product("Vélo vert pliant", seller=seller, city_=town, price=65_000)
        # Her hour (when alerts go out) is learned from her visits: two hours from now, never the hour it is.
        hour = (timing.local(verified).hour + 2) % 24
        visit = verified.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
        for day in range(1, 7):
            timing.record_activity(client.id, visit - timedelta(days=day))
        db.session.commit()
        ids = {"hour": hour, "client": client.id, "seller": seller.id, "admin": admin.id, "phone": client.phone,
               "red": red.public_id, "blue": blue.public_id, "green": green.public_id}
        db.session.remove()
    return ids


def keeps_alerts_to_sms(page, base, quiet):
    page.goto(base + "/compte/notifications/preferences")
    fits(page)
    for channel in ("push", "email"):
        page.locator(f"input[name=alerts][value={channel}]").uncheck()
    page.locator("input[name=alerts][value=sms]").check()
    page.locator("input[name=quiet_start]").fill(quiet[0])
    page.locator("input[name=quiet_end]").fill(quiet[1])
    page.get_by_role("button", name="Enregistrer mes choix").click()
    page.goto(base + "/compte/notifications/preferences")
    expect(page.locator("input[name=alerts][value=sms]")).to_be_checked()
    expect(page.locator("input[name=alerts][value=email]")).not_to_be_checked()
    expect(page.locator("input[name=alerts][value=push]")).not_to_be_checked()
    expect(page.locator("input[name=quiet_start]")).to_have_value(quiet[0])


def saves_a_search(page, base):
    page.goto(base + "/produits?q=v%C3%A9lo")
    page.get_by_role("button", name="Créer une alerte").click()
    page.goto(base + "/compte/alertes")
    expect(page.locator("main")).to_contain_text("vélo")
    fits(page)


def admin_approves(browser, live_app, base, admin_id, public_ids):
    context = signed_in_context(browser, live_app, base, admin_id)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + "/admin/moderation")
        for public_id in public_ids:
            card = page.locator(f"#mod-{public_id}")
            card.get_by_role("button", name="Approuver", exact=True).click()
            expect(card.get_by_role("button", name="Approuver", exact=True)).to_have_count(0)
    finally:
        context.close()


def alerts_of(live_app, user_id, event):
    with live_app.app_context():
        rows = db.session.query(NotificationDelivery).filter_by(user_id=user_id, event=event).all()
        found = [(row.channel, row.status, row.due_at) for row in rows]
        db.session.remove()
    return found


def test_alerts_wait_for_their_hour_leave_as_one_digest_and_show_live(live_server, live_app, browser, bikes,
                                                                    monkeypatch):
    base = live_server.url
    context, page = phone_of(browser, live_app, base, bikes["client"])
    try:
        quiet = f"{(bikes['hour'] + 12) % 24:02d}:00", f"{(bikes['hour'] + 12) % 24:02d}:30"  # far from her hour
        keeps_alerts_to_sms(page, base, quiet)
        saves_a_search(page, base)
        page.goto(base + f"/p/{bikes['green']}")
        page.get_by_role("button", name="Ajouter aux favoris").click()
        expect(page.get_by_role("button", name="Dans vos favoris")).to_be_visible()
        socket_connected(page)
        badge = page.locator("#notices-badge")
        expect(badge).to_be_hidden()

        admin_approves(browser, live_app, base, bikes["admin"], [bikes["red"], bikes["blue"]])
        expect(badge).to_have_text("2")  # both alerts' notices, live, without reloading
        fits(page)
        waiting = alerts_of(live_app, bikes["client"], "alert.saved_search")
        sms_rows = [row for row in waiting if row[0] == "sms"]
        assert [status for _, status, _ in sms_rows] == ["deferred", "deferred"]  # her hour has not come
        [due] = {due for _, _, due in sms_rows}
        assert (timing.local(due).hour, timing.local(due).minute) == (bikes["hour"], 0)
        assert not any("Vélo" in body for body in sent_to(live_app, bikes["phone"]))

        with live_app.app_context(), monkeypatch.context() as clock:  # her hour comes: the clock is set to it
            clock.setattr(delivery, "utcnow", lambda: due + timedelta(seconds=1))
            sweep(now=due + timedelta(seconds=1))
            db.session.remove()
        digests = [body for body in sent_to(live_app, bikes["phone"]) if "pour vous" in body]
        assert len(digests) == 1, digests
        assert digests[0].startswith("VGK : 2 nouvelles pour vous :") and digests[0].count("« vélo »") == 2
        assert "/desabonnement/" in digests[0]  # one click stops alerts

        with live_app.app_context():  # the seller lowers the green bike's price on her listing
            listings.update(db.session.get(User, bikes["seller"]), bikes["green"], price=50_000)
            db.session.remove()
        expect(badge).to_have_text("3")
        page.goto(base + "/compte/notifications")
        expect(page.locator("main")).to_contain_text("Baisse de prix : « Vélo vert pliant » passe à 50 000 FCFA.")
        [(channel, status, _)] = [row for row in alerts_of(live_app, bikes["client"], "alert.price_drop")
                                  if row[0] != "inapp"]
        assert (channel, status) == ("sms", "deferred")

        # What the push channel writes for that price drop, delivered to the phone's service worker.
        with live_app.app_context():
            title, text, _ = templates.render("alert.price_drop", "push", "fr",
                                              {"title": "Vélo vert pliant", "amount": "50 000 FCFA"})
        context.grant_permissions(["notifications"], origin=base)
        cdp = context.new_cdp_session(page)
        registration = _registration_id(cdp, page, base)
        message = {"title": title, "body": text, "url": f"{base}/p/{bikes['green']}", "tag": "alert.price_drop"}
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": base, "registrationId": registration, "data": json.dumps(message)})
        [shown] = page.evaluate(NOTIFICATIONS_JS)
        assert (shown["title"], shown["body"]) == (title, text) and "50 000 FCFA" in text
        assert shown["data"] == {"url": f"{base}/p/{bikes['green']}"}
    finally:
        context.close()

