"""Finding 13 (two items): the authenticator secret being set up sat in Flask's session cookie, which
is signed but readable by anyone holding the cookie; and staff could be signed out by a plain GET.
The secret now stays on the server (the cookie holds an opaque reference), and signing out or
locking a tablet is a POST carrying its CSRF token."""
import json
import re
import zlib
from base64 import urlsafe_b64decode
from types import SimpleNamespace

import pyotp
import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.web.test_auth import csrf_token, location, post, text
from vgk.extensions import db
from vgk.models import AuthSession, PickupPoint, Role, TwoFactor, User
from vgk.models.base import utcnow
from vgk.services.accounts import tablets, twofactor

PIN = "246810"


def cookie_text(client):
    """What anyone holding the session cookie can read (its payload is only signed)."""
    raw = client.get_cookie("session").value
    compressed = raw.startswith(".")
    payload = raw.lstrip(".").split(".")[0]
    data = urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode()


def shown_secret(page):
    return re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


@pytest.fixture
def me(app, client):
    user = f.user(email="awa@example.cm", phone="+237690550011", phone_verified_at=utcnow())
    f.sign_in(client, user)
    return SimpleNamespace(client=client, user=user)


def test_the_authenticator_secret_never_goes_into_the_session_cookie(me):
    page = text(me.client.get("/compte/securite/application"))
    secret = shown_secret(page)
    assert len(secret) >= 16
    readable = cookie_text(me.client)
    assert secret not in readable and secret.lower() not in readable.lower()
    with me.client.session_transaction() as session:
        assert secret not in json.dumps(dict(session), default=str)
        assert set(session["totp_setup"]) == {"ref", "at"}
    db.session.expire_all()
    assert db.session.get(User, me.user.id).totp_pending_secret == secret  # kept server-side


def test_the_same_secret_is_shown_again_and_enabling_it_works(me):
    secret = shown_secret(text(me.client.get("/compte/securite/application")))
    assert shown_secret(text(me.client.get("/compte/securite/application"))) == secret
    response = post(me.client, "/compte/securite/application", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", text(response))) == 10
    db.session.expire_all()
    user = db.session.get(User, me.user.id)
    assert user.two_factor == TwoFactor.TOTP and user.totp_secret == secret
    assert user.totp_pending_secret is None and user.totp_pending_ref is None


def test_a_forged_reference_reveals_and_enables_nothing(me, app):
    shown_secret(text(me.client.get("/compte/securite/application")))
    other = app.test_client()
    other_user = f.user(email="eve@example.cm")
    f.sign_in(other, other_user)
    with me.client.session_transaction() as session:
        stolen_ref = session["totp_setup"]["ref"]
    with other.session_transaction() as session:
        session["totp_setup"] = {"ref": stolen_ref, "at": 10**10}
    db.session.expire_all()
    assert twofactor.pending_totp_secret(db.session.get(User, other_user.id), stolen_ref) is None
    victim_secret = db.session.get(User, me.user.id).totp_pending_secret
    assert victim_secret not in text(other.get("/compte/securite/application"))


# --- staff sign-out --------------------------------------------------------------------------------

@pytest.fixture
def tablet(app, client):
    point = PickupPoint(city=f.city(), name="Point relais Akwa", address="Rue 1")
    db.session.add(point)
    db.session.commit()
    staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    tablets.set_pin(staff, PIN)
    client.set_cookie("vgk_tablet", tablets.enroll_device(staff))
    token = csrf_token(client, "/staff/verrou")
    unlocked = client.post("/staff/deverrouiller", data={"csrf_token": token, "user": staff.public_id, "pin": PIN})
    assert unlocked.status_code == 302
    return SimpleNamespace(client=client, staff=staff)


def live(user):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)))


@pytest.mark.parametrize("url", ["/staff/verrou", "/staff/changer", "/deconnexion"])
def test_a_get_never_signs_staff_out(tablet, url):
    response = tablet.client.get(url)
    assert response.status_code in (200, 405)
    assert live(tablet.staff) == 1
    assert tablet.client.get("/staff").status_code == 200


def test_the_sign_out_form_posts_with_its_csrf_token(tablet):
    page = text(tablet.client.get("/staff"))
    form = re.search(r'<form method="post" action="/staff/changer"[^>]*>'
                     r'\s*<input type="hidden" name="csrf_token"', page)
    assert form, "the staff bar's lock/sign-out form"
    assert tablet.client.post("/staff/changer").status_code == 400  # no CSRF token: refused
    assert live(tablet.staff) == 1
    response = post(tablet.client, "/staff/changer", page="/staff")
    assert response.status_code == 302 and location(response) == "/staff/verrou"
    assert live(tablet.staff) == 0


# --- every sign-out is a POST with its CSRF token: HEAD and GET never sign anyone out -------------

@pytest.mark.parametrize("url", ["/deconnexion", "/staff/changer", "/staff/verrou"])
def test_a_head_request_never_signs_staff_out(tablet, url):
    response = tablet.client.head(url)
    assert response.status_code in (200, 405)
    assert live(tablet.staff) == 1
    assert tablet.client.get("/staff").status_code == 200


@pytest.mark.parametrize("method", ["head", "get"])
def test_a_head_or_get_on_the_web_sign_out_keeps_a_client_signed_in(me, method):
    response = getattr(me.client, method)("/deconnexion")
    assert response.status_code == 200
    assert live(me.user) == 1 and me.client.get("/compte").status_code == 200


def test_the_web_sign_out_needs_a_post_with_its_csrf_token(me):
    assert me.client.post("/deconnexion").status_code == 400  # no CSRF token: refused
    assert live(me.user) == 1
    for method in ("put", "delete", "patch"):
        assert getattr(me.client, method)("/deconnexion").status_code == 405
    assert live(me.user) == 1
    response = post(me.client, "/deconnexion", page="/deconnexion")
    assert response.status_code == 302 and live(me.user) == 0
    assert me.client.get("/compte").status_code == 302
