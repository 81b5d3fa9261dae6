"""Notifications on this phone in a real Chromium: the account's notifications page offers the control
once push is configured, and a push message delivered to the service worker (through the DevTools
protocol, as a push service would) shows its notification with the title, text and link sent."""
import json

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.test_layout_browser import signed_in_context
from vgk.extensions import db
from vgk.integrations.push import new_vapid_keys

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
