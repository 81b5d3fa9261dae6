"""Finding 11: five wrong passwords locked any account (admins included) for 15 minutes, even for its
rightful owner: anyone could keep an administrator out. Now (NIST SP 800-63B 5.2.2) the *source* that
sent the wrong passwords is refused for that account, the account is never locked, and once an account
has had many failures from anywhere the right password also owes a code sent to the owner — the same
service rule on the web and in the app."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.web.test_auth import csrf_token, location, login, text
from vgk.extensions import db
from vgk.models import AuthSession, Role, SignInFailure, TwoFactor, User
from vgk.models.base import utcnow

PASSWORD = "secret-pass-1"
ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"


def browser(app, ip):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def api_from(app, ip):
    api = ApiClient(app)
    api.client.environ_base["REMOTE_ADDR"] = ip
    return api


def live_sessions(user):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)))


def two_factor_step(client, code):
    token = csrf_token(client, "/connexion/code")
    return client.post("/connexion/code", data={"csrf_token": token, "code": code})


@pytest.fixture
def admin(app):
    return f.user(Role.ADMIN, phone="+237690440001", phone_verified_at=utcnow(), two_factor=TwoFactor.SMS)


@pytest.fixture
def seller(app):
    """A client without a second factor, whose phone is verified."""
    return f.user(phone="+237690440002", phone_verified_at=utcnow())


def test_an_attacker_cannot_keep_the_admin_out_on_the_web(app, admin):
    attacker = browser(app, ATTACKER)
    for _ in range(5):
        assert login(attacker, admin.phone, "wrong-password").status_code == 400

    # The attacker's source is refused for this account, even with the right password...
    refused = login(attacker, admin.phone, PASSWORD)
    assert refused.status_code == 429 and "depuis cette connexion" in text(refused)
    assert location(refused) == ""

    # ...while the owner, elsewhere, signs in as usual (password, then the SMS code).
    owner = browser(app, OWNER)
    response = login(owner, admin.phone, PASSWORD)
    assert response.status_code == 302 and location(response) == "/connexion/code"
    done = two_factor_step(owner, f.last_code(admin.phone))
    assert done.status_code == 302 and location(done) == "/admin"
    assert live_sessions(admin) == 1
    assert refreshed_user(admin).locked_until is None


def refreshed_user(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_after_many_failures_the_right_password_owes_a_code_instead_of_being_refused(app, seller):
    before = browser(app, OWNER)
    assert location(login(before, seller.phone, PASSWORD)) == "/compte"  # no code asked normally
    attacker = browser(app, ATTACKER)
    for _ in range(5):
        login(attacker, seller.phone, "wrong-password")

    owner = browser(app, "203.0.113.11")
    response = login(owner, seller.phone, PASSWORD)
    assert response.status_code == 302 and location(response) == "/connexion/code"
    assert "SMS" in text(owner.get("/connexion/code"))
    assert owner.get("/compte").status_code == 302  # not signed in before the code
    done = two_factor_step(owner, f.last_code(seller.phone))
    assert done.status_code == 302 and owner.get("/compte").status_code == 200


def test_failures_spread_over_many_sources_still_raise_the_bar(app, seller):
    for n in range(5):
        assert login(browser(app, f"198.51.100.{n + 1}"), seller.phone, "wrong-password").status_code == 400
    owner = browser(app, OWNER)
    response = login(owner, seller.phone, PASSWORD)
    assert location(response) == "/connexion/code" and live_sessions(seller) == 0


def test_old_failures_leave_the_window(app, seller):
    long_ago = utcnow() - timedelta(seconds=app.config["SIGN_IN_FAILURE_WINDOW_SECONDS"] + 1)
    db.session.add_all(SignInFailure(user_id=seller.id, ip=ATTACKER, created_at=long_ago) for _ in range(10))
    db.session.commit()
    assert location(login(browser(app, ATTACKER), seller.phone, PASSWORD)) == "/compte"


def test_the_app_follows_the_same_rule(app, admin):
    attacker = api_from(app, ATTACKER)
    for _ in range(5):
        assert attacker.post("auth/login/", json={"phone": admin.phone, "password": "wrong"}).status_code == 400
    refused = attacker.post("auth/login/", json={"phone": admin.phone, "password": PASSWORD})
    assert refused.status_code == 429 and "tokens" not in refused.get_json()

    owner = api_from(app, OWNER)
    first = owner.post("auth/login/", json={"phone": admin.phone, "password": PASSWORD})
    assert first.status_code == 200 and first.get_json()["requires_2fa"] is True
    done = owner.post("auth/verify_2fa/", json={"challenge": first.get_json()["challenge"],
                                                "code": f.last_code(admin.phone)})
    assert done.status_code == 200 and done.get_json()["tokens"]["access_token"]


def test_the_app_asks_a_code_of_a_client_after_many_failures(app, seller):
    for n in range(5):
        api_from(app, f"198.51.100.{n + 1}").post("auth/login/", json={"phone": seller.phone, "password": "wrong"})
    owner = api_from(app, OWNER)
    first = owner.post("auth/login/", json={"phone": seller.phone, "password": PASSWORD})
    assert first.get_json() == {"success": True, "requires_2fa": True, "method": "SMS",
                                "challenge": first.get_json()["challenge"], "message": first.get_json()["message"]}
    done = owner.post("auth/verify_2fa/", json={"challenge": first.get_json()["challenge"],
                                                "code": f.last_code(seller.phone)})
    assert done.status_code == 200 and "tokens" in done.get_json()


def test_web_and_app_failures_from_one_source_add_up(app, seller):
    web, app_client = browser(app, ATTACKER), api_from(app, ATTACKER)
    for _ in range(3):
        login(web, seller.phone, "wrong-password")
    for _ in range(2):
        app_client.post("auth/login/", json={"phone": seller.phone, "password": "wrong"})
    assert login(web, seller.phone, PASSWORD).status_code == 429
    assert app_client.post("auth/login/", json={"phone": seller.phone, "password": PASSWORD}).status_code == 429


# --- the code step belongs to the sign-in that gave the password: others cannot pause or finish it ---

def wrong_code(right):
    return "000000" if right != "000000" else "111111"


def test_an_attacker_cannot_pause_the_owners_pending_code_step_in_the_app(app, admin):
    owner = api_from(app, OWNER)
    first = owner.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()
    assert first["requires_2fa"] is True and len(first["challenge"]) >= 32
    code = f.last_code(admin.phone)

    attacker = api_from(app, ATTACKER)
    for _ in range(6):  # the attack of the report: the account's email and wrong codes
        refused = attacker.post("auth/verify_2fa/", json={"email": admin.email, "code": wrong_code(code)})
        assert refused.status_code == 400 and refused.get_json()["success"] is False
    for guess in ("x" * 43, first["challenge"][:-1] + ("A" if first["challenge"][-1] != "A" else "B")):
        refused = attacker.post("auth/verify_2fa/", json={"challenge": guess, "code": wrong_code(code)})
        assert refused.status_code == 400 and refused.get_json()["error"]["fields"] == {"code": "no_pending_sign_in"}

    done = owner.post("auth/verify_2fa/", json={"challenge": first["challenge"], "code": code})
    assert done.status_code == 200 and done.get_json()["tokens"]["access_token"]
    assert refreshed_user(admin).locked_until is None and live_sessions(admin) == 1


@pytest.fixture
def totp_admin(app):
    import pyotp

    secret = pyotp.random_base32()
    user = f.user(Role.ADMIN, phone="+237690440003", phone_verified_at=utcnow(), two_factor=TwoFactor.TOTP,
                  totp_secret=secret)
    return SimpleNamespace(user=user, totp=pyotp.TOTP(secret))


def wrong_totp(totp):
    """A code that no accepted time step (previous, current, next) can match."""
    import time

    accepted = {totp.at(time.time() + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in accepted)


def test_five_wrong_codes_end_that_sign_in_only_and_never_lock_the_account(app, totp_admin):
    admin, totp = totp_admin.user, totp_admin.totp
    owner = api_from(app, OWNER)
    first = owner.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()
    for _ in range(5):
        assert owner.post("auth/verify_2fa/", json={"challenge": first["challenge"],
                                                     "code": wrong_totp(totp)}).status_code == 400
    ended = owner.post("auth/verify_2fa/", json={"challenge": first["challenge"], "code": totp.now()})
    assert ended.status_code == 400 and ended.get_json()["error"]["fields"] == {"code": "no_pending_sign_in"}
    assert refreshed_user(admin).locked_until is None and live_sessions(admin) == 0

    # The owner starts again with the password: a new challenge, and the way in.
    again = owner.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()
    assert again["challenge"] != first["challenge"]
    done = owner.post("auth/verify_2fa/", json={"challenge": again["challenge"], "code": totp.now()})
    assert done.status_code == 200 and live_sessions(admin) == 1


def test_another_sign_ins_wrong_codes_never_touch_the_owners_challenge(app, totp_admin):
    """Even a second sign-in with the password gets its own challenge: its wrong codes count there only
    (before, five wrong codes paused the account's code step for everyone)."""
    admin, totp = totp_admin.user, totp_admin.totp
    owner = api_from(app, OWNER)
    mine = owner.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()
    other = api_from(app, ATTACKER)
    theirs = other.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()
    assert theirs["challenge"] != mine["challenge"]
    for _ in range(6):
        assert other.post("auth/verify_2fa/", json={"challenge": theirs["challenge"],
                                                     "code": wrong_totp(totp)}).status_code == 400
    done = owner.post("auth/verify_2fa/", json={"challenge": mine["challenge"], "code": totp.now()})
    assert done.status_code == 200 and refreshed_user(admin).locked_until is None


def test_on_the_web_wrong_codes_elsewhere_never_reach_the_owners_browser(app, admin):
    owner = browser(app, OWNER)
    assert location(login(owner, admin.phone, PASSWORD)) == "/connexion/code"
    code = f.last_code(admin.phone)
    attacker = browser(app, ATTACKER)
    for _ in range(6):
        refused = two_factor_step(attacker, wrong_code(code))
        assert refused.status_code == 400 and "La connexion a expiré" in text(refused)
        api_from(app, ATTACKER).post("auth/verify_2fa/", json={"phone": admin.phone, "code": wrong_code(code)})
    done = two_factor_step(owner, code)
    assert done.status_code == 302 and location(done) == "/admin"
    assert refreshed_user(admin).locked_until is None
