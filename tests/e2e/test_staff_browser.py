"""A staff member unlocks a shared tablet with their PIN; left idle, the tablet locks itself."""
import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from vgk.extensions import db
from vgk.models import PickupPoint, Role, TwoFactor, User
from vgk.models.base import utcnow
from vgk.services.accounts import sessions, tablets

pytestmark = pytest.mark.e2e

PIN = "246810"


@pytest.fixture
def short_idle(live_app):
    previous = live_app.config["STAFF_IDLE_SECONDS"]
    live_app.config["STAFF_IDLE_SECONDS"] = 3
    yield 3
    live_app.config["STAFF_IDLE_SECONDS"] = previous


@pytest.fixture
def tablet(live_app):
    """A staff member who once signed in fully on this tablet (its token goes into the cookie)."""
    with live_app.app_context():
        point = PickupPoint(city=f.city(name="Douala"), name="Point relais Akwa",
                            address="Boulevard de la Liberté, face à la pharmacie du Centre, Akwa",
                            opening_hours="Lun–Sam 8h–19h", phone="+237699112233")
        db.session.add(point)
        db.session.commit()
        staff = f.user(role=Role.STAFF, name="Serge Ekwalla", pickup_point=point, two_factor=TwoFactor.SMS,
                       phone_verified_at=utcnow())
        tablets.set_pin(staff, PIN)
        token = tablets.enroll_device(staff)
        user_id = staff.id
        db.session.remove()
    return {"token": token, "user_id": user_id}


def test_pin_unlock_then_idle_lock(live_server, live_app, browser, short_idle, tablet, tmp_path):
    context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="fr-FR", has_touch=True)
    context.add_cookies([{"name": "vgk_tablet", "value": tablet["token"], "url": live_server.url, "httpOnly": True}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + "/staff/verrou")
        expect(page.locator("h1")).to_contain_text("Tablette verrouillée")
        page.get_by_label("Serge Ekwalla").check()
        page.locator("#unlock-pin").fill(PIN)
        page.screenshot(path=str(tmp_path / "lock.png"), full_page=True)
        page.get_by_role("button", name="Déverrouiller").click()

        page.wait_for_url(re.compile(r".*/staff$"))
        expect(page.locator("h1")).to_contain_text("Point relais Akwa")
        expect(page.locator("body")).to_contain_text("Aucune remise prévue aujourd’hui.")
        page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

        # Nobody touches the screen: after the idle time the tablet shows the lock screen by itself.
        page.wait_for_url(re.compile(r".*/staff/verrou$"), timeout=short_idle * 1000 + 5_000)
        expect(page.locator("#unlock-pin")).to_be_visible()
        expect(page.get_by_label("Serge Ekwalla")).to_be_visible()
        with live_app.app_context():
            staff = db.session.get(User, tablet["user_id"])
            assert sessions.live_sessions(staff) == []  # the server session ended too
            db.session.remove()
    finally:
        context.close()
