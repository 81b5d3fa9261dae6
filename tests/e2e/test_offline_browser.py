"""A visitor on a phone that loses its network: the pages they saw (the first one included) open offline
with their pictures, a page never seen shows the offline page, adding to the cart offline says it was not
sent, and nothing private (cart, checkout) is ever in the service worker's caches."""
import json
import time

import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db

pytestmark = pytest.mark.e2e

PICTURES_SHOWN = """Array.from(document.images)
  .filter((img) => img.complete && img.naturalWidth > 0 && new URL(img.currentSrc).pathname.startsWith("/media/"))
  .map((img) => new URL(img.currentSrc).pathname).sort()"""
CACHED_PATHS = """(async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
})()"""


@pytest.fixture(scope="module")
def shelf(live_app):
    with live_app.app_context():
        kitchen = f.category("Cuisine", slug="cuisine-hors-ligne", name_en="Kitchen")
        city = f.city("Dschang", slug="dschang-hors-ligne")
        seller = f.user(name="Awa Ndam")
        pot = f.product("Marmite en fonte", seller=seller, category_=kitchen, city_=city, images=2, quantity=3)
        for n in range(3):
            f.product(f"Louche en bois {n}", seller=seller, category_=kitchen, city_=city, images=1)
        ids = {"pot": pot.public_id}
        db.session.remove()
    return ids


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True,
                                  locale="fr-FR", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def cached(page):
    return page.evaluate(CACHED_PATHS)


def wait_until(page, expression, seconds=10):
    """Poll a script's answer (the page's Content-Security-Policy forbids wait_for_function's eval)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {expression}"
        page.wait_for_timeout(100)


def test_pages_seen_open_offline_with_their_pictures_and_actions_say_they_were_not_sent(live_server, phone, shelf):
    page, base = phone, live_server.url
    paths = ["/", "/produits", f"/p/{shelf['pot']}", "/produits?category=cuisine-hors-ligne"]
    page.goto(base + paths[0])
    # The first page was loaded before the worker existed: once active, it keeps the page and its pictures.
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.wait_for_load_state("networkidle")  # the cards' photos are put in the page as they near the screen
    shown = {paths[0]: page.evaluate(PICTURES_SHOWN)}
    assert shown[paths[0]], "the home page shows thumbnails"
    wait_until(page, f"""(async () => {{
      const kept = await {CACHED_PATHS};
      return kept.includes("/") && {shown[paths[0]]!r}.every((p) => kept.includes(p));
    }})()""")
    for path in paths[1:]:
        page.goto(base + path, wait_until="networkidle")
        shown[path] = page.evaluate(PICTURES_SHOWN)
        assert shown[path], path
    static_before = [p for p in cached(page) if p.startswith("/static/")]
    assert static_before and all(".css" in p or ".js" in p or ".png" in p for p in static_before)

    page.context.set_offline(True)
    for path in paths:
        page.goto(base + path, wait_until="load")
        assert page.locator("h1").first.inner_text() != "Vous êtes hors ligne", path
        # the same pictures, taken from the worker (the cards' photos are put in as they near the screen)
        expected = json.dumps(json.dumps(shown[path], separators=(",", ":")))
        wait_until(page, f"JSON.stringify({PICTURES_SHOWN}) === {expected}")
        expect(page.locator("#offline")).to_be_visible()  # the bar says the phone is offline
        assert page.evaluate("document.styleSheets[0].cssRules.length") > 50, path  # with its stylesheet
    expect(page.locator("#offline")).to_contain_text("hors ligne")

    page.goto(base + "/comment-ca-marche")  # never seen: the offline page
    expect(page.locator("h1")).to_have_text("Vous êtes hors ligne")

    page.goto(base + f"/p/{shelf['pot']}")
    page.get_by_role("button", name="Ajouter au panier").click()
    refused = "Pas de connexion : rien n’a été envoyé. Réessayez une fois connecté."
    expect(page.locator("#offline")).to_have_text(refused)
    expect(page.locator("#offline")).to_have_attribute("role", "alert")

    page.context.set_offline(False)
    page.goto(base + "/panier")
    expect(page.locator("main")).not_to_contain_text("Marmite en fonte")  # nothing was sent
    expect(page.locator("#offline")).to_be_hidden()


def test_a_guests_cart_and_checkout_are_never_in_the_service_workers_caches(live_server, phone, shelf):
    page, base = phone, live_server.url
    page.goto(base + f"/p/{shelf['pot']}")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.locator("#add-cart-msg")).to_contain_text("ajouté")
    for path in ("/panier", "/commande", "/suivi"):
        page.goto(base + path)
    page.goto(base + "/produits")  # a public page after them: kept, as a check the worker was at work
    wait_until(page, f"{CACHED_PATHS}.then((kept) => kept.includes('/produits'))")
    kept = cached(page)
    private = [path for path in kept if path.startswith(("/panier", "/commande", "/suivi", "/compte", "/connexion"))]
    assert private == [], private
