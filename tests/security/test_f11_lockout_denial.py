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
from tests.web.test_auth import csrf_token, location, login, post, text
from vgk.errors import RateLimited
from vgk.extensions import db
from vgk.models import AuthSession, CodePurpose, OneTimeCode, Role, SignInFailure, TwoFactor, User
from vgk.models.base import utcnow
from vgk.services.accounts import otp

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


# --- one-time codes: anonymous password-reset requests must not stop a sign-in code --------------
#
# Sending limits were per phone or email whatever the purpose, so three anonymous reset requests for
# an admin's number used up the quota and the code the admin owes after the right password could not
# be sent (429 "Trop de codes demandés"). Each purpose now has its own quota; sign-in codes are only
# sent after the right password (or Google), and reset requests are limited per destination and per
# source IP.

def ask_resets(client, identifier, times=3):
    for _ in range(times):
        response = post(client, "/mot-de-passe/oublie", {"identifier": identifier})
        assert response.status_code == 302  # the same answer whatever happens


def sent_to(destination):
    return len(f.outbox(destination))


def test_reset_requests_do_not_keep_the_admin_from_signing_in_with_the_app(app, admin):
    attacker = browser(app, ATTACKER)
    ask_resets(attacker, admin.phone[-9:], times=4)
    assert sent_to(admin.phone) == 3  # the reset quota of that number is used up

    owner = api_from(app, OWNER)
    first = owner.post("auth/login/", json={"phone": admin.phone, "password": PASSWORD})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["requires_2fa"] is True
    assert sent_to(admin.phone) == 4 and "connexion" in f.outbox(admin.phone)[0].body
    done = owner.post("auth/verify_2fa/", json={"challenge": first.get_json()["challenge"],
                                                "code": f.last_code(admin.phone)})
    assert done.status_code == 200 and done.get_json()["tokens"]["access_token"]


def test_reset_requests_do_not_keep_the_admin_from_signing_in_on_the_web(app, admin):
    ask_resets(browser(app, ATTACKER), admin.phone[-9:])
    owner = browser(app, OWNER)
    response = login(owner, admin.phone, PASSWORD)
    assert response.status_code == 302 and location(response) == "/connexion/code"
    page = owner.get("/connexion/code")
    assert page.status_code == 200 and "Trop de codes" not in text(page)
    done = two_factor_step(owner, f.last_code(admin.phone))
    assert done.status_code == 302 and location(done) == "/admin"


def test_resets_and_wrong_passwords_do_not_keep_a_client_out(app, seller):
    ask_resets(browser(app, ATTACKER), seller.phone[-9:])
    for n in range(5):
        login(browser(app, f"198.51.100.{n + 1}"), seller.phone, "wrong-password")

    owner = api_from(app, OWNER)
    first = owner.post("auth/login/", json={"phone": seller.phone, "password": PASSWORD})
    assert first.status_code == 200 and first.get_json()["requires_2fa"] is True
    done = owner.post("auth/verify_2fa/", json={"challenge": first.get_json()["challenge"],
                                                "code": f.last_code(seller.phone)})
    assert done.status_code == 200 and "tokens" in done.get_json()


def test_the_resend_button_still_works_after_reset_requests(app, admin):
    ask_resets(browser(app, ATTACKER), admin.phone[-9:])
    owner = browser(app, OWNER)
    login(owner, admin.phone, PASSWORD)
    resent = post(owner, "/connexion/code/renvoyer", page="/connexion/code")
    assert resent.status_code == 302 and sent_to(admin.phone) == 5


def test_reset_requests_are_limited_per_source_ip(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESETS_PER_SOURCE", 3)
    people = [f.user(phone=f"+23769045000{n}", phone_verified_at=utcnow()) for n in range(5)]
    attacker = browser(app, ATTACKER)
    for person in people:
        ask_resets(attacker, person.phone[-9:], times=1)
    assert [sent_to(p.phone) for p in people] == [1, 1, 1, 0, 0]  # each SMS costs: the source is cut off

    # Someone else, elsewhere, still gets their own code.
    ask_resets(browser(app, OWNER), people[4].phone[-9:], times=1)
    assert sent_to(people[4].phone) == 1


def test_the_source_limit_counts_only_messages_sent_in_its_window(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESETS_PER_SOURCE", 1)
    person = f.user(phone="+237690450011", phone_verified_at=utcnow())
    ask_resets(browser(app, ATTACKER), "690000999", times=3)  # unknown numbers: nothing sent, nothing counted
    ask_resets(browser(app, ATTACKER), person.phone[-9:], times=1)
    assert sent_to(person.phone) == 1
    window = timedelta(seconds=app.config["PASSWORD_RESET_SOURCE_WINDOW_SECONDS"] + 1)
    for sent in db.session.scalars(select(OneTimeCode)):
        sent.created_at -= window
    db.session.commit()
    ask_resets(browser(app, ATTACKER), person.phone[-9:], times=1)
    assert sent_to(person.phone) == 2


def test_each_purpose_has_its_own_quota_per_destination(app):
    phone = "+237690450020"
    for _ in range(3):
        otp.issue(CodePurpose.RESET_PASSWORD, phone)
    with pytest.raises(RateLimited):
        otp.issue(CodePurpose.RESET_PASSWORD, phone)
    for purpose in (CodePurpose.SIGN_IN, CodePurpose.VERIFY_PHONE, CodePurpose.REAUTH):
        otp.issue(purpose, phone)
    otp.verify(CodePurpose.REAUTH, phone, f.last_code(phone))
    assert sent_to(phone) == 6


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
        # a browser with no sign-in under way (here not even a session): the code is never looked at
        assert refused.status_code == 400 and "a expiré" in text(refused)
        api_from(app, ATTACKER).post("auth/verify_2fa/", json={"phone": admin.phone, "code": wrong_code(code)})
    done = two_factor_step(owner, code)
    assert done.status_code == 302 and location(done) == "/admin"
    assert refreshed_user(admin).locked_until is None


def test_someone_with_the_password_cannot_guess_codes_sign_in_after_sign_in(app, totp_admin, monkeypatch):
    """Each sign-in has its own five tries; a thief who knows the password could open sign-in after
    sign-in to keep guessing. Wrong codes are also capped per account over the window."""
    monkeypatch.setitem(app.config, "SECOND_FACTOR_FAILURES_PER_ACCOUNT", 7)
    admin, totp = totp_admin.user, totp_admin.totp
    thief = api_from(app, ATTACKER)
    answers = []
    for _ in range(3):
        challenge = thief.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()["challenge"]
        for _ in range(5):
            answers.append(thief.post("auth/verify_2fa/", json={"challenge": challenge,
                                                                 "code": wrong_totp(totp)}).status_code)
    assert answers.count(400) == 7 and set(answers[7:]) == {429}, answers
    # The right code is refused too while the cap holds: guessing it gains nothing.
    challenge = thief.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()["challenge"]
    refused = thief.post("auth/verify_2fa/", json={"challenge": challenge, "code": totp.now()})
    assert refused.status_code == 429 and "Trop de codes erronés" in refused.get_json()["error"]["message"]
    assert live_sessions(admin) == 0

    # Once the wrong codes leave the window, the owner signs in as usual.
    db.session.execute(SignInFailure.__table__.update().values(created_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    owner = api_from(app, OWNER)
    again = owner.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()
    assert owner.post("auth/verify_2fa/", json={"challenge": again["challenge"], "code": totp.now()}).status_code == 200


def test_a_password_holders_wrong_codes_never_spend_the_owners_sms_code(app, admin):
    """Every sign-in of an account waits for the same SMS code: wrong guesses on another sign-in's
    challenge must not use that code up (or lock new ones) for the owner."""
    owner = api_from(app, OWNER)
    mine = owner.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()
    code = f.last_code(admin.phone)
    thief = api_from(app, ATTACKER)
    theirs = thief.post("auth/login/", json={"email": admin.email, "password": PASSWORD}).get_json()
    code = f.last_code(admin.phone)  # the newest code is the one both sign-ins now wait for
    for _ in range(6):
        thief.post("auth/verify_2fa/", json={"challenge": theirs["challenge"], "code": wrong_code(code)})
    done = owner.post("auth/verify_2fa/", json={"challenge": mine["challenge"], "code": code})
    assert done.status_code == 200, done.get_json()
    assert "tokens" in done.get_json()
