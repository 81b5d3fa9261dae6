"""Every kind of page fits a 360×640 phone without sideways scrolling (the staff desk puts today's work on
the first screen), and the header's "Vendre" — the
site's main action — stands out from the green header (WCAG contrast of at least 4.5:1)."""
import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db
from vgk.models import PickupPoint, ProductStatus, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.accounts import sessions, tablets
from vgk.services.selling import moderation

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "fr-FR"}
PUBLIC_PAGES = ["/", "/produits", "{product}", "/panier", "/connexion", "/inscription",
                "/comment-ca-marche", "/protection-acheteur", "/conditions", "/contact"]
CLIENT_PAGES = ["/compte", "/compte/securite", "/compte/commandes", "/compte/annonces/nouvelle"]
ADMIN_PAGES = ["/admin", "/admin/commandes", "/admin/moderation", "{review}", "/admin/reglages", "/admin/categories"]
STAFF_PAGES = ["/staff", "/staff/rapport"]

# The colours of an element and of the first ancestor (or itself) with an opaque background, as [r, g, b].
COLOURS_JS = """element => {
  const rgb = value => value.match(/[\\d.]+/g).map(Number);
  let node = element, background = null;
  while (node) {
    const parts = rgb(getComputedStyle(node).backgroundColor);
    if (parts.length < 4 || parts[3] > 0) { background = parts.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {color: rgb(getComputedStyle(element).color).slice(0, 3), background: background || [255, 255, 255]};
}"""


def luminance(rgb):
    def channel(value):
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second):
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21)
    assert contrast([20, 90, 50], [20, 90, 50]) == pytest.approx(1)
    assert contrast([118, 118, 118], [255, 255, 255]) == pytest.approx(4.54, abs=0.01)


@pytest.fixture
def people(live_app):
    """A client with a listing (a long title, as people write them), an admin and a pickup point's staff."""
    with live_app.app_context():
        town = f.city(name="Bafoussam", slug="bafoussam-layout")
        point = f.pickup_point(town, name="Point relais Marché A", address="Carrefour Total, Marché A")
        verified = utcnow()
        client = f.user(name="Marie-Thérèse Nguema Abessolo", phone_verified_at=verified)
        item = f.product("Réfrigérateur Samsung double porte 350 litres très bon état garantie 3 mois",
                         seller=client, city_=town, price=185_000, images=2,
                         category_=f.category("Électroménager", slug="electromenager-layout"))
        waiting = f.product("Congélateur coffre Haier 200 litres presque neuf, livré avec sa garantie d’origine",
                            seller=client, city_=town, price=240_000, images=3, status=ProductStatus.PENDING,
                            description="Paiement Orange Money, appelez le 677 12 34 56. " * 4)
        moderation.refresh_flags(waiting)
        admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=verified)
        staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=verified)
        tablets.set_pin(staff, "246810")
        data = {"product": f"/p/{item.public_id}", "review": f"/admin/annonces/{waiting.public_id}",
                "client": client.id, "admin": admin.id, "staff": staff.id, "point": point.id}
        db.session.remove()
    return data


def signed_in_context(browser, live_app, base, user_id):
    """A phone-sized browser whose cookie holds a full sign-in session for the user."""
    from vgk.models import User

    with live_app.app_context():
        auth_session = sessions.start(db.session.get(User, user_id), ip="127.0.0.1", user_agent="e2e")
        cookie = live_app.session_interface.get_signing_serializer(live_app).dumps(
            {"_user_id": auth_session.public_id, "_fresh": True})
        db.session.remove()
    context = browser.new_context(**PHONE)
    context.add_cookies([{"name": live_app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base}])
    return context


def overflowing(page, base, paths):
    """The pages among `paths` wider than the screen, each with its width."""
    wide = []
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        assert page.url == base + path, f"{path} sent the browser to {page.url}"
        expect(page.locator("main")).to_be_visible()
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            wide.append((path, widths))
    return wide


def test_pages_fit_a_phone_and_vendre_stands_out(live_server, live_app, browser, people):
    base = live_server.url
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        paths = [path.format(**people) for path in PUBLIC_PAGES]
        wide = overflowing(page, base, paths)

        page.goto(base + "/")
        sell = page.locator("header .sell-link")
        expect(sell).to_be_visible()
        colours = sell.evaluate(COLOURS_JS)
        ratio = contrast(colours["color"], colours["background"])
        assert ratio >= 4.5, f"Vendre: {colours} gives {ratio:.2f}:1"
        # It is not just readable: it is set apart from the header's green too.
        header = page.locator("header.top").evaluate(COLOURS_JS)
        assert colours["background"] != header["background"]
    finally:
        context.close()

    for who, paths in (("client", CLIENT_PAGES), ("admin", ADMIN_PAGES), ("staff", STAFF_PAGES)):
        context = signed_in_context(browser, live_app, base, people[who])
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            wide += overflowing(page, base, [path.format(**people) for path in paths])
        finally:
            context.close()
    assert wide == [], f"pages wider than a 360 px screen: {wide}"
    check_the_staff_desk(browser, live_app, base, people)


def check_the_staff_desk(browser, live_app, base, people):
    """With an item to receive, the desk still fits, and on a 360×640 phone the first item's photos and its
    "Reçu" button are on the first screen, before the point's details and the day's report link."""
    with live_app.app_context():
        point = db.session.get(PickupPoint, people["point"])
        brought = f.product("Téléviseur LG 43 pouces avec télécommande d'origine et pied mural", seller=f.user(),
                            city_=point.city, price=120_000, images=3)
        reference = f.place_order(brought, point=point).reference
        db.session.remove()
    context = signed_in_context(browser, live_app, base, people["staff"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        assert overflowing(page, base, ["/staff"]) == []
        row = page.locator("#dropoffs .work-row").first
        expect(row.locator(".work-photos img")).to_have_count(3)
        for part in (row.locator(".work-photos img").first, row.get_by_role("button", name="Reçu")):
            box = part.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 640, box
        details = page.locator("#h-info").bounding_box()
        assert details is not None and details["y"] > row.bounding_box()["y"]
    finally:
        context.close()
    # With that order in it, the admins' order list and the order's page still fit a phone too.
    context = signed_in_context(browser, live_app, base, people["admin"])
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        assert overflowing(page, base, ["/admin/commandes", f"/admin/commandes/{reference}"]) == []
    finally:
        context.close()
