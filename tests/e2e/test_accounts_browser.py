"""On a 360×640 phone: sign up, verify the phone, turn on an authenticator app, sign out, and sign
back in with the app's code."""
import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db

pytestmark = pytest.mark.e2e

PHONE = "+237699123456"
PASSWORD = "Bon-Mot-2024"


def last_code(live_app, recipient):
    with live_app.app_context():
        try:
            return f.last_code(recipient)
        finally:
            db.session.remove()


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def submit(page):
    page.locator("main form button[type=submit]").first.click()


def test_sign_up_verify_turn_on_the_app_and_sign_back_in(live_server, live_app, phone):
    page = phone
    page.goto(live_server.url + "/")
    page.locator("header a.acct").click()
    page.wait_for_url(re.compile(r".*/connexion.*"))
    page.get_by_role("link", name="Créer un compte").click()
    page.wait_for_url(re.compile(r".*/inscription$"))
    no_sideways_scroll(page)

    # Sign up: the server refuses a weak password and keeps what was typed.
    page.fill("#name", "Mireille Ekane")
    page.fill("#phone", "6 99 12 34 56")
    page.fill("#password", "aaaaaaaa")
    page.check("#accept_terms")
    submit(page)
    expect(page.locator("#password-err")).to_contain_text("trop facile")
    expect(page.locator("#phone")).to_have_value("6 99 12 34 56")
    page.fill("#password", PASSWORD)
    page.check("#accept_terms")
    submit(page)

    # Verify the phone with the SMS code (read from the outbox).
    page.wait_for_url(re.compile(r".*/verification$"))
    expect(page.locator("main")).to_contain_text("+237 699 12 34 56")
    page.fill("#code", last_code(live_app, PHONE))
    submit(page)
    page.wait_for_url(re.compile(r".*/compte$"))
    expect(page.locator("h1")).to_contain_text("Mon compte")
    expect(page.locator("main")).to_contain_text("vérifié")
    no_sideways_scroll(page)

    # Turn on an authenticator app: type the key shown on the page into "the app" (pyotp).
    page.goto(live_server.url + "/compte/securite")
    page.get_by_role("link", name="Configurer").click()
    page.wait_for_url(re.compile(r".*/compte/securite/application$"))
    expect(page.locator(".qr svg")).to_be_visible()
    no_sideways_scroll(page)
    totp = pyotp.TOTP(page.inner_text("#totp-secret").replace(" ", ""))
    page.fill("#code", totp.now())
    submit(page)
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    no_sideways_scroll(page)
    page.get_by_role("link", name="J’ai noté mes codes").click()
    page.wait_for_url(re.compile(r".*/compte/securite$"))

    # Sign out (a POST from the account page).
    page.goto(live_server.url + "/compte")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.locator("header a.acct")).to_contain_text("Connexion")

    # Sign back in: the password, then the app's code (the next one: each code is good once).
    page.goto(live_server.url + "/connexion")
    page.fill("#identifier", "699 12 34 56")
    page.fill("#password", PASSWORD)
    submit(page)
    page.wait_for_url(re.compile(r".*/connexion/code$"))
    expect(page.locator("main")).to_contain_text("application d’authentification")
    no_sideways_scroll(page)
    page.fill("#code", totp.at(time.time() + 30))
    submit(page)
    page.wait_for_url(re.compile(r".*/compte$"))
    expect(page.locator("h1")).to_contain_text("Mon compte")
    expect(page.locator("main")).to_contain_text("Mireille Ekane")
