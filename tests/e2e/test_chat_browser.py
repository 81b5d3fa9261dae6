"""A buyer and a seller talk about a listing on two 360×640 phones: with JavaScript the seller sees the
question appear without reloading (the socket asks the page to fetch it at once), sees the buyer typing,
the answer comes back the same way and the buyer's message shows as read; the buyer offers, the seller
counters, the buyer accepts, checks out and pays the agreed price, and a third visitor then finds the item
sold. Without JavaScript the same question and answer go through plain forms and page loads."""
import re

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
        buyer = f.user(name="Awa Bello", phone="+237677" + f"{seller.id:06d}", phone_verified_at=utcnow())
        town = f.city(name=f"Limbé {seller.id}", slug=f"limbe-chat-{seller.id}")
        f.pickup_point(town, name=f"Point relais Down Beach {seller.id}")
        item = f.product(title, seller=seller, price=65_000, images=1, negotiable=True, city_=town)
        ids = seller.id, buyer.id, item.public_id
        db.session.remove()
    return ids


def joined(page):
    """The page's socket is in the conversation's room (chat.js marks #chat once the server said so)."""
    expect(page.locator("#chat[data-live=joined]")).to_have_count(1)


def bargain_and_buy(browser, base, buyer, seller, item):
    """The buyer offers 55 000, the seller counters at 60 000, the buyer accepts, then buys at 60 000 with
    Mobile Money; a visitor then finds the item sold."""
    buyer.locator("#offer-form input[name=amount]").fill("55000")
    buyer.get_by_role("button", name="Proposer ce prix").click()
    offer = seller.locator(".offer-card", has_text="55 000 FCFA")
    expect(offer).to_be_visible(timeout=3000)  # live, without reloading
    offer.locator("input[name=amount]").fill("60000")
    offer.get_by_role("button", name="Contre-offre").click()
    counter = buyer.locator(".offer-card", has_text="60 000 FCFA")
    expect(counter.get_by_role("button", name="Accepter")).to_be_visible(timeout=3000)
    counter.get_by_role("button", name="Accepter").click()
    expect(buyer.locator("#chat-list")).to_contain_text("Offre acceptée : 60 000 FCFA")
    expect(seller.locator("#chat-list")).to_contain_text("Offre acceptée : 60 000 FCFA", timeout=3000)

    buyer.goto(f"{base}/p/{item}")
    buyer.get_by_role("button", name="Ajouter au panier").click()
    expect(buyer.locator("#add-cart-msg")).not_to_be_empty()
    buyer.goto(f"{base}/panier")
    expect(buyer.locator("main")).to_contain_text("Prix négocié : 60 000 FCFA")
    buyer.get_by_role("link", name="Commander", exact=True).click()
    buyer.get_by_label("MTN Mobile Money").check()
    buyer.get_by_role("button", name="Valider la commande").click()
    buyer.wait_for_url(re.compile(r".*/commande/VGK-[A-Z0-9]+$"))
    expect(buyer.locator("main")).to_contain_text("60 000 FCFA")
    buyer.get_by_role("link", name="Ouvrir le téléphone simulé").click()
    expect(buyer.locator("body")).to_contain_text("60 000 FCFA")  # the phone asks for the agreed price
    buyer.get_by_role("button", name="Approuver").click()
    expect(buyer.locator("body")).to_contain_text("approuvé")

    visitor_context = browser.new_context(**PHONE)
    try:
        visitor = visitor_context.new_page()
        visitor.goto(f"{base}/p/{item}")
        expect(visitor.locator(".item-price .badge.sold")).to_have_text("Vendu")
        expect(visitor.get_by_role("button", name="Ajouter au panier")).to_have_count(0)
    finally:
        visitor_context.close()


def test_live_question_answer_offer_and_purchase_at_the_agreed_price(live_server, live_app, browser):
    base = live_server.url
    seller_id, buyer_id, item = a_listing(live_app, "Tecno Spark 10 en direct")
    buyer_context, buyer = phone_of(browser, live_app, base, buyer_id)
    seller_context, seller = phone_of(browser, live_app, base, seller_id)
    try:
        buyer.goto(f"{base}/p/{item}")
        buyer.get_by_role("button", name="Contacter le vendeur").click()
        expect(buyer.locator("h1")).to_have_text("Tecno Spark 10 en direct")
        conversation = buyer.url.split("#")[0]

        joined(buyer)
        seller.goto(conversation)
        joined(seller)
        seller.evaluate("window.stayedOnThePage = true")
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
        bargain_and_buy(browser, base, buyer, seller, item)
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
