"""A buyer and a seller talk about a listing on two 360×640 phones: with JavaScript the seller sees the
question appear without reloading (the socket asks the page to fetch it at once), sees the buyer typing,
the answer comes back the same way and the buyer's message shows as read; without JavaScript the same
question and answer go through plain forms and page loads."""
import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.test_layout_browser import PHONE
from vgk.extensions import db
from vgk.models import User
from vgk.models.base import utcnow
from vgk.services.accounts import sessions

pytestmark = pytest.mark.e2e


def phone_of(browser, live_app, base, user_id, javascript=True):
    """A phone-sized browser signed in as the user (JavaScript on or off)."""
    with live_app.app_context():
        auth_session = sessions.start(db.session.get(User, user_id), ip="127.0.0.1", user_agent="e2e")
        cookie = live_app.session_interface.get_signing_serializer(live_app).dumps(
            {"_user_id": auth_session.public_id, "_fresh": True})
        db.session.remove()
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    context.add_cookies([{"name": live_app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def a_listing(live_app, title):
    with live_app.app_context():
        seller = f.user(name="Nadège Fotso", phone_verified_at=utcnow())
        buyer = f.user(name="Awa Bello", phone_verified_at=utcnow())
        item = f.product(title, seller=seller, price=65_000, images=1, negotiable=True)
        ids = seller.id, buyer.id, item.public_id
        db.session.remove()
    return ids


def test_live_question_typing_answer_and_read_receipt(live_server, live_app, browser):
    base = live_server.url
    seller_id, buyer_id, item = a_listing(live_app, "Tecno Spark 10 en direct")
    buyer_context, buyer = phone_of(browser, live_app, base, buyer_id)
    seller_context, seller = phone_of(browser, live_app, base, seller_id)
    try:
        buyer.goto(f"{base}/p/{item}")
        buyer.get_by_role("button", name="Contacter le vendeur").click()
        expect(buyer.locator("h1")).to_have_text("Tecno Spark 10 en direct")
        conversation = buyer.url.split("#")[0]

        seller.goto(conversation)
        seller.wait_for_function("() => window.io && document.getElementById('chat')")
        seller.evaluate("window.stayedOnThePage = true")
        buyer.wait_for_timeout(1000)  # both sockets joined the conversation's room
        buyer.locator("#body").press_sequentially("Bonjour, toujours dispo", delay=20)
        expect(seller.locator("#chat-typing")).to_contain_text("Awa écrit")
        buyer.locator("#body").press_sequentially(" ?")
        buyer.get_by_role("button", name="Envoyer", exact=True).click()
        expect(buyer.locator("#chat-list")).to_contain_text("Bonjour, toujours dispo ?")
        expect(buyer.locator("#body")).to_have_value("")

        # Well before the 5 s poll: the socket told the seller's page to fetch it.
        expect(seller.locator("#chat-list")).to_contain_text("Bonjour, toujours dispo ?", timeout=3000)
        assert seller.evaluate("window.stayedOnThePage") is True
        seller.locator("#body").fill("Oui, passez demain à Akwa.")
        seller.get_by_role("button", name="Envoyer", exact=True).click()
        expect(buyer.locator("#chat-list")).to_contain_text("Oui, passez demain à Akwa.", timeout=3000)
        expect(seller.locator("#chat-receipts")).to_contain_text("Lu", timeout=6000)
    finally:
        buyer_context.close()
        seller_context.close()


def test_the_same_conversation_without_javascript(live_server, live_app, browser):
    base = live_server.url
    seller_id, buyer_id, item = a_listing(live_app, "Tecno Spark 10 sans script")
    buyer_context, buyer = phone_of(browser, live_app, base, buyer_id, javascript=False)
    seller_context, seller = phone_of(browser, live_app, base, seller_id, javascript=False)
    try:
        buyer.goto(f"{base}/p/{item}")
        buyer.get_by_role("button", name="Contacter le vendeur").click()
        buyer.locator("#body").fill("Bonjour, toujours disponible ?")
        buyer.get_by_role("button", name="Envoyer", exact=True).click()
        expect(buyer.locator("#chat-list")).to_contain_text("Bonjour, toujours disponible ?")
        expect(buyer.locator("#chat-receipts")).to_contain_text("Envoyé")
        conversation = buyer.url.split("#")[0]

        seller.goto(f"{base}/messages")
        expect(seller.locator("#unread-badge")).to_have_text("1")
        seller.get_by_role("link", name="Tecno Spark 10 sans script").click()
        expect(seller.locator("#chat-list")).to_contain_text("Bonjour, toujours disponible ?")
        seller.locator("#body").fill("Oui, passez demain.")
        seller.get_by_role("button", name="Envoyer", exact=True).click()
        expect(seller.locator("#chat-list")).to_contain_text("Oui, passez demain.")

        buyer.goto(conversation)
        expect(buyer.locator("#chat-list")).to_contain_text("Oui, passez demain.")
        seller.goto(conversation)
        expect(seller.locator("#chat-receipts")).to_contain_text("Lu")
    finally:
        buyer_context.close()
        seller_context.close()
