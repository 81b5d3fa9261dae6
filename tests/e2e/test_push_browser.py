"""Notifications on this phone in a real Chromium: the account's notifications page offers the control
once push is configured, turning it on and off hands the subscription to the server and takes it back,
and a push message delivered to the service worker (through the DevTools protocol, as a push service
would) shows its notification with the title, text and link sent.

Headless Chromium has no push service to subscribe with (PushManager.subscribe() fails with "Registration
failed - permission denied" even with the permission granted), so the switch test stands in a browser
subscription for that one call; everything after it (the request with the CSRF token, the page's state)
is the real page's."""
import base64
import json

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.test_layout_browser import signed_in_context
from vgk.extensions import db
from vgk.integrations.push import new_vapid_keys
from vgk.services.accounts import push_subscriptions

pytestmark = pytest.mark.e2e

NOTIFICATIONS_JS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  for (let i = 0; i < 50; i++) {
    const shown = await registration.getNotifications();
    if (shown.length) return shown.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data}));
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return [];
}"""


@pytest.fixture
def vapid(live_app, monkeypatch):
    monkeypatch.setitem(live_app.config, "VAPID_PUBLIC_KEY", new_vapid_keys()[1])


ENDPOINT = "https://fcm.googleapis.com/fcm/send/e2e-phone"
KEYS = {"p256dh": base64.urlsafe_b64encode(b"\x04" + bytes(range(64))).decode().rstrip("="),
        "auth": base64.urlsafe_b64encode(bytes(range(16))).decode().rstrip("=")}
# What the browser's push service would give: a subscription that can be taken back.
STAND_IN_JS = """(([endpoint, keys]) => {
  let current = null;
  const make = () => ({endpoint, toJSON: () => ({endpoint, expirationTime: null, keys}),
                       unsubscribe: async () => { current = null; return true; }});
  PushManager.prototype.subscribe = async function () { current = make(); return current; };
  PushManager.prototype.getSubscription = async function () { return current; };
})(%s)"""


def _endpoints(live_app, user_id):
    with live_app.app_context():
        found = [s.endpoint for s in push_subscriptions.subscriptions_of(user_id)]
        db.session.remove()
    return found


def test_the_switch_hands_the_subscription_over_and_takes_it_back(live_server, live_app, browser, vapid):
    base = live_server.url
    with live_app.app_context():
        user_id = f.user(name="Nadège Fotso").id
        db.session.remove()
    context = signed_in_context(browser, live_app, base, user_id)
    context.grant_permissions(["notifications"], origin=base)
    context.add_init_script(STAND_IN_JS % json.dumps([ENDPOINT, KEYS]))
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + "/compte/notifications")
        section = page.locator("#push")
        section.get_by_role("button", name="Activer les notifications sur ce téléphone").click()
        expect(section.get_by_text("Activées")).to_be_visible()
        assert _endpoints(live_app, user_id) == [ENDPOINT]

        with page.expect_response(lambda r: r.url.endswith("/telephone/retirer")) as answer:
            section.get_by_role("button", name="Désactiver").click()
        assert answer.value.status == 204, answer.value.text()
        expect(section.get_by_text("Soyez prévenu ici même")).to_be_visible()
        assert _endpoints(live_app, user_id) == []
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"wider than the phone: {widths}"
    finally:
        context.close()


def _registration_id(cdp, page, base):
    found = {}
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: found.update(
        {r["scopeURL"]: r["registrationId"] for r in event["registrations"]}))
    cdp.send("ServiceWorker.enable")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for _ in range(50):
        if base + "/" in found:
            return found[base + "/"]
        page.wait_for_timeout(100)
    raise AssertionError(f"no service worker registered for {base}/: {found}")


def test_a_pushed_message_shows_its_notification(live_server, live_app, browser, vapid):
    base = live_server.url
    with live_app.app_context():
        user_id = f.user(name="Awa Bello").id
        db.session.remove()
    context = signed_in_context(browser, live_app, base, user_id)
    context.grant_permissions(["notifications"], origin=base)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + "/compte/notifications")
        section = page.locator("#push")
        expect(section).to_be_visible()  # the script found push support and showed the control
        expect(section.get_by_role("button", name="Activer les notifications sur ce téléphone")).to_be_visible()

        cdp = context.new_cdp_session(page)
        registration = _registration_id(cdp, page, base)
        message = {"title": "Commande prête", "body": "Votre commande VGK-1234 vous attend au point de retrait.",
                   "url": base + "/compte/commandes", "tag": "order-1234"}
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": base, "registrationId": registration, "data": json.dumps(message)})

        [shown] = page.evaluate(NOTIFICATIONS_JS)
        assert shown == {"title": "Commande prête", "body": message["body"], "tag": "order-1234",
                         "data": {"url": base + "/compte/commandes"}}
    finally:
        context.close()
