"""“Améliorer l'annonce” in a phone's browser: a seller types a plain title and description, asks for a better
one and uses it — the fields fill in the page, nothing is saved until they submit. Once on the site without a
model (the rules' proposal) and once on a site whose model is the loopback Gemini fake (its scripted answer)."""
import itertools
import json
import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.conftest import make_app, migrate
from tests.e2e.conftest import LiveServer
from tests.e2e.test_listing_browser import signed_in_context
from tests.fakes.gemini import GeminiFake
from vgk.extensions import db
from vgk.models.base import utcnow

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
_n = itertools.count(1)


def seller_and_choices(app):
    """A seller with a verified phone, a leaf category and a city on `app`'s database."""
    n = next(_n)
    with app.app_context():
        leaf = f.category(name=f"Meubles proposition {n}", slug=f"meubles-proposition-{n}",
                          parent=f.category(name=f"Maison proposition {n}", slug=f"maison-proposition-{n}"))
        town = f.city(name=f"Dschang {n}", slug=f"dschang-proposition-{n}")
        seller = f.user(name="Rosine Tchana", phone_verified_at=utcnow())
        data = {"category": leaf.slug, "city": town.slug, "seller_id": seller.id}
        db.session.remove()
    return data


def ask_and_use(browser, app, base, people):
    """Type a listing on the phone, ask for a proposal, use it; returns the page (title and description filled)."""
    context = signed_in_context(browser, app, base, people["seller_id"], **PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + "/compte/annonces/nouvelle")
    page.fill("#title", "tabouret en bois")
    page.fill("#description", "solide, quelques traces d’usage")
    page.select_option("#category", people["category"])
    page.select_option("#condition", "BON")
    page.get_by_role("button", name="Améliorer l’annonce").click()
    expect(page.get_by_role("button", name="Utiliser cette proposition")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the proposal fits the phone
    return page


def test_without_a_model_the_rules_proposal_fills_the_form(live_server, live_app, browser):
    people = seller_and_choices(live_app)
    page = ask_and_use(browser, live_app, live_server.url, people)
    try:
        expect(page.locator("#sell-proposal")).to_contain_text("Tabouret en bois – bon état")
        page.get_by_role("button", name="Utiliser cette proposition").click()
        expect(page.locator("#title")).to_have_value("Tabouret en bois – bon état")
        expect(page.locator("#description")).to_have_value(re.compile(
            r"^Solide, quelques traces d’usage\. État : bon état\. .*À retirer dans un point relais"))
        expect(page.locator("#sell-proposal")).to_contain_text("Proposition reprise")
        assert page.url.endswith("/compte/annonces/nouvelle")  # nothing was sent, nothing saved
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def gemini_live(tmp_path_factory):
    """The site with a model configured: the Gemini fake on loopback, served like `live_server`."""
    fake = GeminiFake().start()
    root = tmp_path_factory.mktemp("e2e-gemini")
    app = make_app(f"sqlite:///{root / 'e2e.sqlite3'}", str(root / "media"), GEMINI_API_KEY=fake.key,
                   GEMINI_BASE_URL=fake.url, GEMINI_MODEL="gemini-2.5-flash", GEMINI_TIMEOUT_SECONDS=3)
    migrate(app)
    server = LiveServer(app).start()
    yield app, server, fake
    server.stop()
    fake.stop()


def test_with_the_model_its_proposal_fills_the_form(gemini_live, browser):
    app, server, fake = gemini_live
    fake.answer_next(json.dumps({"title": "Tabouret sculpté en bois massif",
                                 "description": "Tabouret en bois massif, solide, quelques traces d’usage."}))
    people = seller_and_choices(app)
    page = ask_and_use(browser, app, server.url, people)
    try:
        expect(page.locator("#sell-proposal")).to_contain_text("Tabouret sculpté en bois massif")
        page.get_by_role("button", name="Utiliser cette proposition").click()
        expect(page.locator("#title")).to_have_value("Tabouret sculpté en bois massif")
        expect(page.locator("#description")).to_have_value("Tabouret en bois massif, solide, quelques traces d’usage.")
        assert "tabouret en bois" in fake.prompts()[-1]
    finally:
        page.context.close()
