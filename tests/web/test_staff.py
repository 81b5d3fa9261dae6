"""The staff portal on shared tablets: PIN unlock, idle lock, switching user, access rules."""
import re
import time
from types import SimpleNamespace

import pytest

from tests import factories as f
from vgk.extensions import db
from vgk.models import PickupPoint, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.accounts import sessions, tablets
from vgk.services.backoffice import directory

PIN = "246810"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def csrf(client, url):
    """The CSRF token of the form on that page (or of the page's meta tag)."""
    found = CSRF.search(client.get(url).get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1) or found.group(2)


def pickup_point(name="Point relais Akwa"):
    point = PickupPoint(city=f.city(), name=name, address="Boulevard de la Liberté, Akwa",
                        opening_hours="Lun–Sam 8h–19h", phone="+237699112233")
    db.session.add(point)
    db.session.commit()
    return point


def staff_member(point, pin=PIN, **kw):
    user = f.user(role=Role.STAFF, pickup_point=point, two_factor=kw.pop("two_factor", TwoFactor.SMS),
                  phone_verified_at=utcnow(), **kw)
    if pin:
        tablets.set_pin(user, pin)
    return user


def unlock(client, user, pin):
    token = csrf(client, "/staff/verrou")
    return client.post("/staff/deverrouiller", data={"csrf_token": token, "user": user.public_id, "pin": pin})


def live_pin_sessions(user):
    db.session.expire_all()
    return [s for s in sessions.live_sessions(user) if s.method == "pin"]


@pytest.fixture
def tablet(app, client):
    """A tablet of the Akwa point where Serge once signed in fully (it holds the device cookie)."""
    point = pickup_point()
    staff = staff_member(point, name="Serge Ekwalla")
    token = tablets.enroll_device(staff)
    client.set_cookie("vgk_tablet", token)
    return SimpleNamespace(point=point, staff=staff, token=token)


def test_lock_screen_lists_the_tablet_staff_and_asks_for_a_pin(client, tablet):
    response = client.get("/staff/verrou")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Serge Ekwalla" in html and "Point relais Akwa" in html
    assert f'value="{tablet.staff.public_id}"' in html
    pin_input = re.search(r'<input id="unlock-pin"[^>]*>', html).group(0)
    assert 'inputmode="numeric"' in pin_input and 'autocomplete="off"' in pin_input
    assert 'href="/connexion?next=/staff"' in html  # "Connexion complète" is always offered
    assert "no-store" in response.headers["Cache-Control"]


def test_a_locked_tablet_opening_the_desk_gets_the_pin_screen_not_the_sign_in(client, tablet):
    unlock(client, tablet.staff, PIN)
    client.post("/staff/changer", data={"csrf_token": csrf(client, "/staff")})  # locked by the bar's button
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/staff", headers=headers, follow_redirects=not headers)
        html = response.get_data(as_text=True)
        if headers:
            assert response.headers["HX-Redirect"] == "/staff/verrou"
            continue
        assert response.status_code == 200 and response.request.path == "/staff/verrou"
        assert "Tablette verrouillée" in html and 'id="unlock-pin"' in html and "Serge Ekwalla" in html
        assert 'name="password"' not in html  # not the sign-in form
    response = client.get("/staff/")  # as typed in the address bar
    assert response.status_code == 302 and response.headers["Location"] == "/staff/verrou"


def test_staff_unlocks_with_their_pin_and_sees_their_point(client, tablet):
    response = unlock(client, tablet.staff, PIN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff"
    assert len(live_pin_sessions(tablet.staff)) == 1

    home = client.get("/staff")
    html = home.get_data(as_text=True)
    assert home.status_code == 200
    assert "Point relais Akwa" in html and "Boulevard de la Liberté" in html and "Lun–Sam 8h–19h" in html
    assert "Aucune remise prévue aujourd’hui." in html
    assert 'action="/staff/changer"' in html
    assert 'name="vgk-idle-seconds" content="300"' in html and "js/staff." in html
    assert home.headers["Cache-Control"] == "no-store"


def test_unlock_keeps_the_language_and_replaces_the_session(client, tablet):
    client.get("/langue/en")
    unlock(client, tablet.staff, PIN)
    with client.session_transaction() as session:
        assert session["lang"] == "en"
        assert "staff_seen" in session
    assert "No handover planned today." in client.get("/staff").get_data(as_text=True)


def test_wrong_pin_is_refused(client, tablet):
    response = unlock(client, tablet.staff, "135790")
    assert response.status_code == 400
    assert "Code PIN incorrect." in response.get_data(as_text=True)
    assert live_pin_sessions(tablet.staff) == []
    assert client.get("/staff").status_code == 302


def test_sixth_try_is_refused_even_with_the_right_pin(client, tablet):
    for _ in range(5):
        assert unlock(client, tablet.staff, "135790").status_code == 400
    response = unlock(client, tablet.staff, PIN)
    assert response.status_code == 429
    assert "Trop d'essais" in response.get_data(as_text=True)
    assert live_pin_sessions(tablet.staff) == []


@pytest.mark.parametrize("cookie", [None, "not-a-known-tablet"])
def test_unknown_tablet_explains_that_a_full_sign_in_is_needed(client, app, cookie):
    if cookie:
        client.set_cookie("vgk_tablet", cookie)
    response = client.get("/staff/verrou")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cette tablette n’est pas encore reconnue" in html
    assert 'href="/connexion?next=/staff"' in html
    assert 'name="pin"' not in html

    token = csrf(client, "/staff/verrou")
    refused = client.post("/staff/deverrouiller", data={"csrf_token": token, "user": "x", "pin": PIN})
    assert refused.status_code == 400


def test_staff_of_another_point_cannot_unlock_this_tablet(client, tablet):
    other_point = pickup_point("Point relais Bastos")
    other = staff_member(other_point, name="Awa Bello")
    tablets.enroll_device(other)  # known on the Bastos tablet, not on this one
    assert "Awa Bello" not in client.get("/staff/verrou").get_data(as_text=True)
    response = unlock(client, other, PIN)
    assert response.status_code == 400
    assert "Choisissez votre nom dans la liste." in response.get_data(as_text=True)
    assert live_pin_sessions(other) == []


def test_staff_moved_to_another_point_or_suspended_no_longer_unlocks(client, tablet):
    colleague = staff_member(tablet.point, name="Paul Nkodo")
    tablets.enroll_device(colleague, tablet.token)
    assert "Paul Nkodo" in client.get("/staff/verrou").get_data(as_text=True)

    directory.set_role(None, colleague, Role.STAFF, pickup_point("Point relais Mvan").id)
    assert "Paul Nkodo" not in client.get("/staff/verrou").get_data(as_text=True)
    assert unlock(client, colleague, PIN).status_code == 400

    directory.suspend(None, tablet.staff)
    assert "Serge Ekwalla" not in client.get("/staff/verrou").get_data(as_text=True)
    assert unlock(client, tablet.staff, PIN).status_code == 400


def test_idle_tablet_locks_on_the_next_request(app, client, tablet, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_IDLE_SECONDS", 60)
    unlock(client, tablet.staff, PIN)
    assert client.get("/staff").status_code == 200

    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 50  # still within the limit
    assert client.get("/staff").status_code == 200

    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 61
    response = client.get("/staff")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/verrou"
    assert live_pin_sessions(tablet.staff) == []
    assert client.get_cookie("vgk_tablet").value == tablet.token  # the tablet stays known
    lock = client.get("/staff/verrou").get_data(as_text=True)
    assert "verrouillée après une période sans activité" in lock
    assert "Serge Ekwalla" in lock
    assert client.get("/staff").status_code == 302  # signed out


def test_idle_lock_answers_htmx_with_a_full_redirect(app, client, tablet, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_IDLE_SECONDS", 60)
    unlock(client, tablet.staff, PIN)
    client.get("/staff")
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 3600
    response = client.get("/staff", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/staff/verrou"
    assert live_pin_sessions(tablet.staff) == []


def test_switch_user_locks_the_tablet(client, tablet):
    unlock(client, tablet.staff, PIN)
    token = csrf(client, "/staff")
    response = client.post("/staff/changer", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/verrou"
    assert live_pin_sessions(tablet.staff) == []
    assert client.get("/staff").status_code == 302
    assert client.get_cookie("vgk_tablet") is not None


def test_opening_the_lock_screen_does_not_sign_out(client, tablet):
    """Locking is a POST with its CSRF token (the bar's button, staff.js's idle timer): a GET
    (a link, a prefetch) must not sign anyone out."""
    unlock(client, tablet.staff, PIN)
    page = client.get("/staff/verrou").get_data(as_text=True)
    assert "data-lock-form" in page and 'action="/staff/changer"' in page
    assert len(live_pin_sessions(tablet.staff)) == 1
    assert client.get("/staff").status_code == 200


def test_staff_pages_are_never_stored(client, tablet):
    assert client.get("/staff/verrou").headers["Cache-Control"] == "no-store"
    assert client.get("/staff").headers["Cache-Control"] == "no-store"  # the redirect too
    unlock(client, tablet.staff, PIN)
    for url in ("/staff", "/staff/pin"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", [Role.CLIENT, Role.ADMIN])
def test_other_roles_are_forbidden(app, client, role):
    f.sign_in(client, f.user(role=role, two_factor=TwoFactor.SMS))
    assert client.get("/staff").status_code == 403
    assert client.get("/staff/pin").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, app):
    response = client.get("/staff")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_staff_without_second_factor_must_set_one_up(client, app):
    user = staff_member(pickup_point(), two_factor=None)
    f.sign_in(client, user)
    response = client.get("/staff")
    assert response.status_code == 302
    assert response.headers["Location"] == "/compte/securite"


def test_staff_without_pin_chooses_one_first(client, app):
    user = staff_member(pickup_point(), pin=None)
    f.sign_in(client, user)
    response = client.get("/staff")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/pin"

    token = csrf(client, "/staff/pin")
    mismatch = client.post("/staff/pin", data={"csrf_token": token, "pin": "246810", "confirm": "246811"})
    assert mismatch.status_code == 400
    assert "Les deux codes PIN ne correspondent pas." in mismatch.get_data(as_text=True)
    weak = client.post("/staff/pin", data={"csrf_token": token, "pin": "111111", "confirm": "111111"})
    assert weak.status_code == 400
    assert "Ce code PIN est trop facile à deviner." in weak.get_data(as_text=True)
    short = client.post("/staff/pin", data={"csrf_token": token, "pin": "2468", "confirm": "2468"})
    assert short.status_code == 400

    saved = client.post("/staff/pin", data={"csrf_token": token, "pin": PIN, "confirm": PIN})
    assert saved.status_code == 302
    assert saved.headers["Location"] == "/staff"
    db.session.expire_all()
    assert user.pin_hash
    assert client.get("/staff").status_code == 200


def test_pin_form_needs_the_csrf_token(client, app):
    f.sign_in(client, staff_member(pickup_point(), pin=None))
    assert client.post("/staff/pin", data={"pin": PIN, "confirm": PIN}).status_code == 400


def test_a_full_sign_in_is_not_mistaken_for_an_idle_session(app, client, tablet, monkeypatch):
    """A stale idle stamp from an earlier sign-in session does not lock a fresh one."""
    monkeypatch.setitem(app.config, "STAFF_IDLE_SECONDS", 60)
    unlock(client, tablet.staff, PIN)
    client.get("/staff")
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 3600
    f.sign_in(client, tablet.staff)  # another sign-in session in the same browser session
    assert client.get("/staff").status_code == 200


def test_views_declare_the_staff_access_rule(app):
    assert app.view_functions["staff.home"].access == "STAFF"
    assert app.view_functions["staff.pin"].access == "STAFF"
    assert app.view_functions["staff.lock_screen"].access == "public"



def test_changing_the_pin_from_a_pin_unlocked_tablet_needs_the_current_pin(client, tablet):
    unlock(client, tablet.staff, PIN)
    assert 'name="current"' in client.get("/staff/pin").get_data(as_text=True)
    token = csrf(client, "/staff/pin")
    refused = client.post("/staff/pin",
                          data={"csrf_token": token, "current": "999999", "pin": "384756", "confirm": "384756"})
    assert refused.status_code == 400
    assert "Code PIN actuel incorrect." in refused.get_data(as_text=True)
    accepted = client.post("/staff/pin",
                           data={"csrf_token": token, "current": PIN, "pin": "384756", "confirm": "384756"})
    assert accepted.status_code == 302


def test_after_a_full_sign_in_the_pin_can_be_changed_without_the_old_one(client, tablet):
    f.sign_in(client, tablet.staff, method="password")
    assert 'name="current"' not in client.get("/staff/pin").get_data(as_text=True)
    token = csrf(client, "/staff/pin")
    changed = client.post("/staff/pin", data={"csrf_token": token, "pin": "384756", "confirm": "384756"})
    assert changed.status_code == 302
