"""Every page passes axe-core at 360×640: no violation of any impact, for the WCAG 2 A/AA rules and the best
practices axe runs by default. The pages are those measured at 360 px (tests/e2e/test_layout_browser.py:
public, client, admin and staff pages, and the sign-in steps), so a new page is checked as soon as it is
listed there; a guest's full cart and checkout, a category's listing and forms showing their errors are
added here. htmx swaps are read out from base.html's live region.

axe-core comes from npm (tests/axe/package.json, installed by `make test` with `npm ci`)."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import make_app, migrate
from tests.e2e.conftest import LiveServer
from tests.e2e.test_layout_browser import (
    ADMIN_PAGES,
    CLIENT_PAGES,
    PHONE,
    PUBLIC_PAGES,
    REFUSED_PAGES,
    STAFF_PAGES,
    make_people,
    sign_in_steps,
    signed_in_context,
)

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# A category's listing (the category made by make_people), beside the search pages already listed.
EXTRA_PUBLIC = ["/produits?category=electromenager-layout"]
# Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not block it.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary.replace(/\\s+/g, " ")),
  }));
}"""

# The server's own answer to an empty form, past the browser's `required` checks.
NO_BROWSER_CHECKS = "() => document.querySelectorAll('form').forEach(form => { form.noValidate = true; })"


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/axe` (make test does)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def axe_app(tmp_path_factory):
    """An app of its own, so the layout test's people can be made here too."""
    root = tmp_path_factory.mktemp("axe")
    app = make_app(f"sqlite:///{root / 'axe.sqlite3'}", str(root / "media"))
    migrate(app)
    return app


@pytest.fixture(scope="module")
def axe_server(axe_app):
    server = LiveServer(axe_app).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def axe_people(axe_app):
    return make_people(axe_app)


@pytest.fixture(scope="module")
def guest_page(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def client_page(browser, axe_app, axe_server, axe_people):
    context = signed_in_context(browser, axe_app, axe_server.url, axe_people["client"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def violations(page, source):
    """axe's violations on the page as it stands, one line per rule with its first elements."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    found = page.evaluate(RUN_AXE)
    return [f"{v['rule']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"]) for v in found]


def visit(page, url, statuses=(200,)):
    response = page.goto(url)
    assert response is not None and response.status in statuses, (url, response and response.status)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("path", PUBLIC_PAGES + EXTRA_PUBLIC)
def test_public_page_has_no_axe_violations(guest_page, axe_server, axe_people, axe_source, path):
    visit(guest_page, axe_server.url + path.format(**axe_people))
    found = violations(guest_page, axe_source)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("path", REFUSED_PAGES)
def test_refused_page_has_no_axe_violations(guest_page, axe_server, axe_source, path):
    visit(guest_page, axe_server.url + path, statuses=(400, 404))
    found = violations(guest_page, axe_source)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("path", CLIENT_PAGES)
def test_client_page_has_no_axe_violations(client_page, axe_server, axe_people, axe_source, path):
    visit(client_page, axe_server.url + path.format(**axe_people))
    found = violations(client_page, axe_source)
    assert found == [], "\n".join(found)


@pytest.fixture(scope="module")
def staff_pages(browser, axe_app, axe_server, axe_people):
    """A signed-in page for the admin and one for the pickup point's staff."""
    contexts = {who: signed_in_context(browser, axe_app, axe_server.url, axe_people[who]) for who in ("admin", "staff")}
    pages = {who: context.new_page() for who, context in contexts.items()}
    yield pages
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize(("who", "path"), [("admin", p) for p in ADMIN_PAGES] + [("staff", p) for p in STAFF_PAGES])
def test_staff_page_has_no_axe_violations(staff_pages, axe_server, axe_people, axe_source, who, path):
    page = staff_pages[who]
    visit(page, axe_server.url + path.format(**axe_people))
    found = violations(page, axe_source)
    assert found == [], "\n".join(found)


def test_sign_in_steps_have_no_axe_violations(browser, axe_app, axe_server, axe_people, axe_source):
    def measure(page, path):
        visit(page, axe_server.url + path)
        return [f"{path}: {line}" for line in violations(page, axe_source)]

    found = sign_in_steps(browser, axe_app, axe_server.url, axe_people, measure)
    assert found == [], "\n".join(found)


def test_forms_showing_their_errors_have_no_axe_violations(guest_page, client_page, axe_server, axe_source):
    """A wrong password, an empty sign-up form and an empty listing form, as the person sees them sent back."""
    base = axe_server.url
    found = []
    visit(guest_page, base + "/connexion")
    guest_page.fill("#identifier", "+237677000000")
    guest_page.fill("#password", "not-the-password")
    guest_page.get_by_role("button", name="Se connecter").click()
    expect(guest_page.locator("main .fld-err, main [role=alert]").first).to_be_visible()
    found += [f"/connexion: {line}" for line in violations(guest_page, axe_source)]
    visit(guest_page, base + "/inscription")
    guest_page.evaluate(NO_BROWSER_CHECKS)
    guest_page.get_by_role("button", name="Créer mon compte").click()
    expect(guest_page.locator(".fld-err").first).to_be_visible()
    found += [f"/inscription: {line}" for line in violations(guest_page, axe_source)]
    visit(client_page, base + "/compte/annonces/nouvelle")
    client_page.evaluate(NO_BROWSER_CHECKS)
    client_page.locator("main form button[type=submit]").last.click()
    expect(client_page.locator(".fld-err").first).to_be_visible()
    found += [f"/compte/annonces/nouvelle: {line}" for line in violations(client_page, axe_source)]
    assert found == [], "\n".join(found)


def test_guest_cart_and_checkout_with_an_item_have_no_axe_violations(browser, axe_server, axe_people, axe_source):
    """A guest adds the product to the cart, then opens the cart and the checkout."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        base = axe_server.url
        visit(page, base + axe_people["product"])
        page.get_by_role("button", name="Ajouter au panier").first.click()
        page.locator(".cart-msg").wait_for()
        found = []
        for path in ("/panier", "/commande"):
            visit(page, base + path)
            assert page.locator("main").get_by_text("Réfrigérateur Samsung").first.is_visible(), path
            found += [f"{path}: {line}" for line in violations(page, axe_source)]
        assert found == [], "\n".join(found)
    finally:
        context.close()


def live_text(page):
    """The text screen readers are read from base.html's polite live region (which stays the same element)."""
    region = page.locator("main #live")
    assert region.get_attribute("aria-live") == "polite" and region.get_attribute("role") == "status"
    return region.inner_text().strip()


def test_htmx_swaps_are_announced_in_the_live_region(browser, axe_server, axe_people):
    """A filter change says how many listings the new results hold, or that the site did not answer;
    adding to the cart says it is done, and adding the last one again says why it cannot be."""
    context = browser.new_context(**PHONE, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        base = axe_server.url
        visit(page, base + "/produits?q=Samsung")
        assert live_text(page) == ""
        with page.expect_response(lambda r: "category=electromenager-layout" in r.url):
            page.select_option("#f-category", "electromenager-layout")
        expect(page.locator("main #live")).to_have_text("Résultats pour « Samsung » : 1 annonce")
        with page.expect_response(lambda r: "condition=ACCEPTABLE" in r.url):
            page.select_option("#f-condition", "ACCEPTABLE")
        expect(page.locator("main #live")).to_have_text(
            "Résultats pour « Samsung » : Aucun produit ne correspond à votre recherche.")
        assert page.locator("#live").count() == 1
        page.route("**/produits?*", lambda route: route.abort("internetdisconnected"))
        page.select_option("#f-condition", "BON")
        expect(page.locator("main #live")).to_have_text(
            "Le site ne répond pas : vérifiez votre connexion internet puis réessayez.")
        page.unroute("**/produits?*")

        visit(page, base + axe_people["product"])
        assert live_text(page) == ""
        page.get_by_role("button", name="Ajouter au panier").click()
        expect(page.locator("main #live")).to_have_text("Article ajouté au panier.")
        page.get_by_role("button", name="Ajouter au panier").click()
        expect(page.locator(".cart-msg-bad")).to_be_visible()
        assert live_text(page) == page.locator(".cart-msg-bad").inner_text().strip() != "Article ajouté au panier."
        assert page.locator("#live").count() == 1
    finally:
        context.close()
