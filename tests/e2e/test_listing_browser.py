"""A listing's life in browsers: a seller posts it from a phone with two photos, an admin approves it in the
moderation queue (htmx, in place), a visitor finds it through the header search; a second listing is
refused and the seller reads the moderator's reason."""
import itertools
import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db
from vgk.models import Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.accounts import sessions

pytestmark = pytest.mark.e2e

REASON = "Photos floues, merci de reprendre"
_n = itertools.count(1)


@pytest.fixture
def people(live_app):
    """A leaf category, a city, a seller with a verified phone and an admin protected by SMS codes."""
    n = next(_n)
    with live_app.app_context():
        parent = f.category(name=f"Maison listing e2e {n}", slug=f"maison-listing-e2e-{n}")
        leaf = f.category(name=f"Meubles listing e2e {n}", slug=f"meubles-listing-e2e-{n}", parent=parent)
        town = f.city(name=f"Bafoussam e2e {n}", slug=f"bafoussam-listing-e2e-{n}")
        seller = f.user(name="Rosine Tchana", phone_verified_at=utcnow())
        admin = f.user(role=Role.ADMIN, name="Admin Moderation", two_factor=TwoFactor.SMS,
                       phone_verified_at=utcnow())
        data = {"category": leaf.slug, "city": town.slug, "seller_id": seller.id, "admin_id": admin.id}
        db.session.remove()
    yield data
    # The live database is shared by the whole e2e session (other tests count the storefront's cards):
    # archive what the seller posted here.
    with live_app.app_context():
        from sqlalchemy import select

        from vgk.models import Product, ProductStatus, User
        from vgk.services.selling import listings

        seller = db.session.get(User, data["seller_id"])
        for product in db.session.scalars(select(Product).where(Product.seller_id == seller.id)).all():
            if product.status != ProductStatus.ARCHIVED:
                listings.archive(seller, product.public_id)
        db.session.remove()


def signed_in_context(browser, live_app, base, user_id, **context_kw):
    """A browser context holding a real sign-in session cookie (as the other e2e tests do)."""
    with live_app.app_context():
        from vgk.models import User

        auth_session = sessions.start(db.session.get(User, user_id), ip="127.0.0.1", user_agent="e2e",
                                      method="password")
        cookie = live_app.session_interface.get_signing_serializer(live_app).dumps(
            {"_user_id": auth_session.public_id, "_fresh": True})
        db.session.remove()
    context = browser.new_context(locale="fr-FR", **context_kw)
    context.add_cookies([{"name": live_app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base}])
    return context


def post_listing(page, base, people, title, photos):
    """Fill the new-listing form on the phone and send it for moderation; returns the listing's public id."""
    page.goto(base + "/compte/annonces/nouvelle")
    expect(page.locator("h1")).to_contain_text("Nouvelle annonce")
    page.fill("#title", title)
    page.fill("#description", "Tabouret en bois sculpté, solide, quelques traces d’usage.")
    page.select_option("#category", people["category"])
    page.select_option("#condition", "BON")
    page.fill("#price", "7500")
    page.select_option("#city", people["city"])
    page.set_input_files("#photos", [str(p) for p in photos])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    page.get_by_role("button", name="Enregistrer et envoyer pour validation").click()
    page.wait_for_url(re.compile(r".*/compte/annonces/(?!nouvelle)[^/?]+$"))
    expect(page.locator("body")).to_contain_text("Annonce envoyée")
    expect(page.locator(".sell-photos img")).to_have_count(2)
    return page.url.rsplit("/", 1)[1]


def test_listing_posted_moderated_and_found(live_server, live_app, browser, phone, people, tmp_path):
    base = live_server.url
    photos = []
    for i, color in enumerate([(200, 80, 40), (30, 120, 200)]):
        path = tmp_path / f"photo-{i}.jpg"
        path.write_bytes(f.jpeg_bytes(color))
        photos.append(path)

    # JavaScript on: photos are resized in the browser and uploaded with a progress bar (static/js/sell.js).
    seller_ctx = signed_in_context(browser, live_app, base, people["seller_id"], viewport={"width": 360, "height": 640},
                                   device_scale_factor=2, is_mobile=True, has_touch=True)
    admin_ctx = signed_in_context(browser, live_app, base, people["admin_id"], viewport={"width": 1280, "height": 900})
    try:
        seller = seller_ctx.new_page()
        seller.set_default_timeout(10_000)
        admin = admin_ctx.new_page()
        admin.set_default_timeout(10_000)

        # (1) The seller posts a listing with two photos; it waits for moderation in "Mes annonces".
        first = post_listing(seller, base, people, "Tabouret-zebu en bois sculpté", photos)
        seller.screenshot(path=str(tmp_path / "posted.png"), full_page=True)
        seller.goto(base + "/compte/annonces")
        row = seller.locator(".sell-rows li", has_text="Tabouret-zebu")
        expect(row).to_contain_text("7 500")
        expect(row.locator(".tag-pending")).to_be_visible()
        # Before it is online, the seller sees it as buyers will, on the phone, without a buy button.
        row.get_by_role("link", name="Prévisualiser").click()
        expect(seller.locator(".preview-note")).to_contain_text("Aperçu — pas encore en ligne")
        expect(seller.get_by_role("button", name="Ajouter au panier")).to_have_count(0)
        assert seller.evaluate("document.documentElement.scrollWidth") <= 360

        # (2) The admin approves it from the queue; htmx swaps the row in place.
        admin.goto(base + "/admin/moderation")
        queue_row = admin.locator(f"#mod-{first}")
        expect(queue_row).to_contain_text("Tabouret-zebu en bois sculpté")
        expect(queue_row.locator(".mod-thumbs img")).to_have_count(2)
        queue_row.get_by_role("button", name="Approuver").click()
        expect(queue_row).to_contain_text("Annonce publiée.")
        expect(queue_row.get_by_role("button", name="Approuver")).to_have_count(0)
        assert admin.url.endswith("/admin/moderation")  # no full page load

        # (3) A visitor finds it through the header search box on their phone.
        phone.goto(base + "/")
        phone.fill("#search-q", "Tabouret-zebu")
        phone.press("#search-q", "Enter")
        phone.wait_for_url(re.compile(r".*q=Tabouret-zebu.*"))
        results = phone.locator("#results")
        expect(results).to_contain_text("Tabouret-zebu en bois sculpté")
        expect(results.locator(f'a[href*="{first}"]').first).to_be_visible()

        # (4) A second listing is refused; the seller reads the reason on its page.
        second = post_listing(seller, base, people, "Tabouret-zebu bancal", photos)
        admin.goto(base + "/admin/moderation")
        queue_row = admin.locator(f"#mod-{second}")
        expect(queue_row).to_contain_text("Tabouret-zebu bancal")
        queue_row.locator("summary", has_text="Refuser").click()
        queue_row.locator(f"#mr-{second}").fill(REASON)
        queue_row.get_by_role("button", name="Refuser l’annonce").click()
        expect(queue_row).to_contain_text("Annonce refusée")
        expect(admin.locator(f"#mr-{second}")).to_have_count(0)

        seller.goto(f"{base}/compte/annonces/{second}")
        expect(seller.locator(".sell-rejected")).to_contain_text(REASON)
        seller.goto(base + "/compte/annonces")
        expect(seller.locator(".sell-rows li", has_text="Tabouret-zebu bancal")).to_contain_text(REASON)
        seller.screenshot(path=str(tmp_path / "rejected.png"), full_page=True)
    finally:
        seller_ctx.close()
        admin_ctx.close()


def test_listing_photo_upload_without_javascript(live_server, live_app, browser, people, tmp_path):
    base = live_server.url
    path = tmp_path / "photo.jpg"
    path.write_bytes(f.jpeg_bytes())
    context = signed_in_context(browser, live_app, base, people["seller_id"], viewport={"width": 360, "height": 640},
                                is_mobile=True, has_touch=True, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        post_listing(page, base, people, "Tabouret-zebu sans JavaScript", [path, path])
    finally:
        context.close()


def test_bulk_approval_swaps_the_cards_in_place_on_a_phone(live_server, live_app, browser, people):
    """Two checked cards approved at once: htmx swaps each card where it is, the page stays."""
    from vgk.models import ProductStatus, User
    from vgk.services.selling import moderation

    base = live_server.url
    with live_app.app_context():
        seller = db.session.get(User, people["seller_id"])
        ids = []
        for title in ("Buffet en bois bulk e2e", "Étagère métal bulk e2e"):
            product = f.product(title, seller=seller, status=ProductStatus.PENDING, images=1)
            product.submitted_at = utcnow()
            moderation.refresh_flags(product)
            ids.append(product.public_id)
        db.session.commit()
        db.session.remove()
    context = signed_in_context(browser, live_app, base, people["admin_id"], viewport={"width": 360, "height": 640},
                                device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        admin = context.new_page()
        admin.set_default_timeout(10_000)
        admin.goto(base + "/admin/moderation")
        for public_id in ids:
            admin.locator(f'#mod-{public_id} input[name="ids"]').check()
        admin.get_by_role("button", name="Approuver la sélection").click()
        expect(admin.locator("#bulk-msg")).to_contain_text("2 annonce(s) traitée(s).")
        for public_id in ids:
            card = admin.locator(f"#mod-{public_id}")
            expect(card).to_contain_text("En ligne")
            expect(card.get_by_role("button", name="Approuver")).to_have_count(0)
        assert admin.url.endswith("/admin/moderation")  # no full page load
    finally:
        context.close()
