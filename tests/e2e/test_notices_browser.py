"""A seller's open page on a 360 px phone: the header's count of unread notices goes up by itself when a
notice arrives (the socket), and the header still fits the screen."""
import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.test_chat_browser import phone_of
from vgk.extensions import db
from vgk.models import User
from vgk.services.notifications import notify

pytestmark = pytest.mark.e2e


def socket_connected(page, tries=100):
    """Wait until the page's socket is connected (polled from Python: the site's policy forbids the eval
    that wait_for_function would need)."""
    for _ in range(tries):
        if page.evaluate("() => Boolean(window.vgkSocket && window.vgkSocket.connected)"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page's socket never connected")


def test_the_unread_notices_badge_moves_live(live_server, live_app, browser):
    with live_app.app_context():
        seller_id = f.user(name="Nadège Fotso", locale="fr").id
        db.session.remove()
    context, page = phone_of(browser, live_app, live_server.url, seller_id)
    try:
        page.goto(f"{live_server.url}/")
        expect(page.locator("#notices-badge")).to_be_hidden()
        socket_connected(page)
        with live_app.app_context():
            notify(db.session.get(User, seller_id), "listing.approved", {"title": "Vélo rouge", "link": "/"})
            db.session.commit()
            db.session.remove()
        expect(page.locator("#notices-badge")).to_have_text("1")
        expect(page.locator("#notices-badge")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
