"""Finding 4: sensitive changes needed only the session. From a tablet unlocked with a PIN (or any
session left open), someone could change the phone, add an authenticator app, turn the second factor
off or renew the recovery codes, and so take the account over. They now need the password (or a fresh
second factor) given within REAUTH_MAX_AGE_SECONDS in that session; unlocking with a PIN does not
count; the staff idle lock covers every page a staff session can open."""
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.web.test_auth import csrf_token, location, post, text
from vgk.extensions import db
from vgk.models import (
    AuthSession,
    OneTimeCode,
    Payout,
    PickupPoint,
    RecoveryCode,
    Role,
    TwoFactor,
    WalletEntry,
    WalletEntryKind,
)
from vgk.models.base import utcnow
from vgk.services.accounts import sessions, signin, tablets, twofactor
from vgk.services.commerce import wallet

PASSWORD = "secret-pass-1"
PHONE = "+237690220011"
NEW_PHONE = "+237677220022"
PIN = "246810"


def refreshed(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def age_session(auth_session, minutes=11):
    """The person last gave the password `minutes` ago in this session."""
    row = db.session.get(AuthSession, auth_session.id)
    row.reauthenticated_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


def codes_sent_to(destination):
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(OneTimeCode).where(OneTimeCode.destination == destination))


@pytest.fixture
def owner(app):
    return f.user(name="Awa Ngono", phone=PHONE, phone_verified_at=utcnow(), email="awa@example.cm",
                  email_verified_at=utcnow(), two_factor=TwoFactor.SMS)


@pytest.fixture
def stale(client, owner):
    """A browser where the owner signed in fully more than ten minutes ago (then walked away)."""
    auth_session = f.sign_in(client, owner)
    age_session(auth_session)
    return client


def assert_sent_to_confirm(response, back):
    assert response.status_code == 302
    assert location(response).startswith("/compte/confirmer?next=")
    assert back in location(response)


# --- the attack: an open session is not enough -------------------------------------------------------

def test_a_stale_session_cannot_start_a_phone_change(stale, owner):
    assert_sent_to_confirm(stale.get("/compte/telephone"), "telephone")
    token = csrf_token(stale, "/compte")
    response = stale.post("/compte/telephone", data={"csrf_token": token, "phone": NEW_PHONE})
    assert_sent_to_confirm(response, "telephone")
    assert codes_sent_to(NEW_PHONE) == 0
    assert refreshed(owner).phone == PHONE


def test_a_stale_session_cannot_add_an_authenticator_app(stale, owner):
    assert_sent_to_confirm(stale.get("/compte/securite/application"), "application")
    assert refreshed(owner).totp_pending_secret is None and refreshed(owner).two_factor == TwoFactor.SMS


def test_a_stale_session_cannot_turn_the_second_factor_off_or_change_it(stale, owner):
    token = csrf_token(stale, "/compte/securite")
    assert_sent_to_confirm(stale.post("/compte/securite/desactiver", data={"csrf_token": token}), "securite")
    assert_sent_to_confirm(stale.post("/compte/securite/email", data={"csrf_token": token}), "securite")
    assert refreshed(owner).two_factor == TwoFactor.SMS


def test_a_stale_session_cannot_renew_the_recovery_codes(stale, owner):
    twofactor.regenerate_recovery_codes(owner)
    before = set(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == owner.id)))
    token = csrf_token(stale, "/compte/securite")
    response = stale.post("/compte/securite/codes", data={"csrf_token": token})
    assert_sent_to_confirm(response, "securite")
    assert "<code>" not in text(response)
    db.session.expire_all()
    assert set(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == owner.id))) == before


# --- confirming the password opens the door for a while, and goes back ---------------------------------

def test_the_password_confirms_and_returns_to_the_page(stale, owner):
    page = stale.get("/compte/confirmer?next=/compte/telephone")
    assert page.status_code == 200 and 'name="password"' in text(page)
    token = csrf_token(stale, "/compte/confirmer?next=/compte/telephone")
    wrong = stale.post("/compte/confirmer", data={"csrf_token": token, "password": "not-the-password",
                                                   "next": "/compte/telephone"})
    assert wrong.status_code == 400 and "Mot de passe incorrect." in text(wrong)
    assert_sent_to_confirm(stale.get("/compte/telephone"), "telephone")

    right = stale.post("/compte/confirmer",
                       data={"csrf_token": token, "password": PASSWORD, "next": "/compte/telephone"})
    assert right.status_code == 302 and location(right) == "/compte/telephone"
    assert stale.get("/compte/telephone").status_code == 200
    response = post(stale, "/compte/telephone", {"phone": NEW_PHONE}, page="/compte/telephone")
    assert response.status_code == 302 and codes_sent_to(NEW_PHONE) == 1


def test_the_confirmation_never_sends_elsewhere(stale):
    token = csrf_token(stale, "/compte/confirmer")
    response = stale.post("/compte/confirmer", data={"csrf_token": token, "password": PASSWORD,
                                                      "next": "https://evil.example/"})
    assert response.status_code == 302 and location(response) == "/compte"


def test_the_window_is_configurable(app, client, owner, monkeypatch):
    auth_session = f.sign_in(client, owner)
    age_session(auth_session, minutes=2)
    assert client.get("/compte/telephone").status_code == 200  # within the default ten minutes
    monkeypatch.setitem(app.config, "REAUTH_MAX_AGE_SECONDS", 60)
    assert_sent_to_confirm(client.get("/compte/telephone"), "telephone")


def test_an_account_without_password_confirms_with_a_code(app, client):
    """A Google-made account sets its first password only after a fresh code sent to its email."""
    user = f.user(email="g@example.cm", email_verified_at=utcnow(), google_sub="g-77")
    user.password_hash = None
    db.session.commit()
    age_session(f.sign_in(client, user, method="google"))
    data = {"current_password": "", "password": "Premier-Mot-77", "confirm": "Premier-Mot-77"}
    response = post(client, "/compte/mot-de-passe", data, page="/compte/mot-de-passe")
    assert_sent_to_confirm(response, "mot-de-passe")
    assert refreshed(user).password_hash is None

    assert 'name="code"' in text(client.get("/compte/confirmer"))
    post(client, "/compte/confirmer/code", {"next": "/compte/mot-de-passe"}, page="/compte/confirmer")
    confirmed = post(client, "/compte/confirmer", {"code": f.last_code("g@example.cm"), "next": "/compte/mot-de-passe"},
                     page="/compte/confirmer")
    assert confirmed.status_code == 302 and location(confirmed) == "/compte/mot-de-passe"
    assert post(client, "/compte/mot-de-passe", data).status_code == 302
    assert refreshed(user).password_hash


def test_changing_the_password_still_needs_the_current_one_even_when_recent(client, owner):
    f.sign_in(client, owner)
    data = {"current_password": "", "password": "Nouveau-Mot-77", "confirm": "Nouveau-Mot-77"}
    assert post(client, "/compte/mot-de-passe", data).status_code == 400


# --- shared tablets: a PIN is not a recent authentication; the idle lock covers /compte too -------------

def pickup_point():
    point = PickupPoint(city=f.city(), name="Point relais Akwa", address="Rue 1")
    db.session.add(point)
    db.session.commit()
    return point


@pytest.fixture
def tablet(app, client):
    point = pickup_point()
    staff = f.user(Role.STAFF, pickup_point=point, phone="+237690220033", phone_verified_at=utcnow(),
                   two_factor=TwoFactor.SMS, name="Serge Ekwalla")
    tablets.set_pin(staff, PIN)
    client.set_cookie("vgk_tablet", tablets.enroll_device(staff))
    return SimpleNamespace(point=point, staff=staff)


def unlock(client, staff):
    token = csrf_token(client, "/staff/verrou")
    response = client.post("/staff/deverrouiller", data={"csrf_token": token, "user": staff.public_id, "pin": PIN})
    assert response.status_code == 302
    return response


def test_a_pin_unlocked_tablet_cannot_change_the_staff_phone_or_second_factor(client, tablet):
    unlock(client, tablet.staff)
    assert client.get("/staff").status_code == 200  # the PIN opens the daily work...
    assert_sent_to_confirm(client.get("/compte/telephone"), "telephone")  # ...not the account's keys
    token = csrf_token(client, "/compte/securite")
    assert_sent_to_confirm(client.post("/compte/securite/codes", data={"csrf_token": token}), "securite")
    assert_sent_to_confirm(client.post("/compte/securite/email", data={"csrf_token": token}), "securite")
    assert_sent_to_confirm(client.get("/compte/securite/application"), "application")
    assert refreshed(tablet.staff).phone == "+237690220033" and refreshed(tablet.staff).two_factor == TwoFactor.SMS


def test_the_staff_idle_lock_covers_the_account_pages(app, client, tablet, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_IDLE_SECONDS", 60)
    unlock(client, tablet.staff)
    assert client.get("/compte").status_code == 200
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 61
    response = client.get("/compte/telephone")
    assert response.status_code == 302 and location(response) == "/staff/verrou"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.revoked_at.is_(None))) == 0
    assert client.get("/compte").status_code == 302  # signed out


def test_a_locked_tablet_opening_the_staff_portal_gets_the_pin_screen(client, tablet):
    unlock(client, tablet.staff)
    post(client, "/staff/changer", page="/staff")
    response = client.get("/staff")
    assert response.status_code == 302 and location(response) == "/staff/verrou"
    page = client.get("/staff", follow_redirects=True)
    assert page.status_code == 200 and 'id="unlock-pin"' in text(page) and "Serge Ekwalla" in text(page)


# --- the API: the password in the request, or a clear 403 reauth_required ------------------------------

def test_the_api_asks_a_stale_password_less_session_to_confirm_first(app):
    api = ApiClient(app)
    user = f.user(email="g2@example.cm", email_verified_at=utcnow(), google_sub="g-78")
    user.password_hash = None
    db.session.commit()
    token = f.api_token(user)
    age_session(db.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).one())

    refused = api.post("client/change_password/", token=token, json={"new_password": "Premier-Mot-78"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "reauth_required"
    assert refreshed(user).password_hash is None

    sent = api.post("auth/reauthenticate/code/", token=token)
    assert sent.status_code == 200 and sent.get_json()["method"] == "EMAIL"
    code = f.last_code("g2@example.cm")
    wrong = api.post("auth/reauthenticate/", token=token, json={"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    done = api.post("auth/reauthenticate/", token=token, json={"code": f.last_code("g2@example.cm")})
    assert done.status_code == 200
    assert api.post("client/change_password/", token=token, json={"new_password": "Premier-Mot-78"}).status_code == 200


def test_the_api_reauthenticates_with_the_password(app):
    api = ApiClient(app)
    user = f.user(email="p@example.cm")
    token = f.api_token(user)
    assert api.post("auth/reauthenticate/", token=token, json={"password": "wrong-password"}).status_code == 400
    assert api.post("auth/reauthenticate/", token=token, json={"password": PASSWORD}).status_code == 200
    assert api.post("auth/reauthenticate/", token=token, json={}).status_code == 400


# --- payouts: money leaving the account needs a recent authentication too --------------------------
#
# A payout needed only a session: from a session left open (or a stolen access token) anyone could
# send the balance to a Mobile Money number of their choice. The wallet service now asks for the
# password (or a fresh second factor) within REAUTH_MAX_AGE_SECONDS, on the web and in the app.

THIEF_PHONE = "+237699887766"


def with_balance(user, amount=30_000):
    db.session.add(WalletEntry(user_id=user.id, amount=amount, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    return user


def payouts_of(user):
    db.session.expire_all()
    return db.session.scalars(select(Payout).where(Payout.user_id == user.id)).all()


def ask_payout(client, amount="1000", phone=THIEF_PHONE):
    return post(client, "/compte/portefeuille", {"amount": amount, "phone": phone})


def test_a_stale_web_session_cannot_request_a_payout(stale, owner):
    with_balance(owner)
    response = ask_payout(stale)
    assert_sent_to_confirm(response, "/compte/portefeuille")
    assert payouts_of(owner) == [] and wallet.balance(owner) == 30_000


def test_after_the_password_the_payout_goes_through_on_the_web(stale, owner):
    with_balance(owner)
    assert_sent_to_confirm(ask_payout(stale), "/compte/portefeuille")
    token = csrf_token(stale, "/compte/confirmer?next=/compte/portefeuille")
    back = stale.post("/compte/confirmer", data={"csrf_token": token, "password": PASSWORD,
                                                 "next": "/compte/portefeuille"})
    assert back.status_code == 302 and location(back) == "/compte/portefeuille"
    done = ask_payout(stale, phone=PHONE)
    assert done.status_code == 303
    [payout] = payouts_of(owner)
    assert payout.amount == 1000 and payout.phone == PHONE and wallet.balance(owner) == 29_000


def test_a_pin_unlocked_tablet_cannot_request_a_payout(client, tablet):
    with_balance(tablet.staff)
    unlock(client, tablet.staff)
    response = ask_payout(client)
    assert response.status_code == 302 and location(response).startswith("/compte/confirmer")
    assert payouts_of(tablet.staff) == []


def test_a_stale_app_token_gets_403_reauth_required_for_a_payout(app, owner):
    api = ApiClient(app)
    with_balance(owner)
    token = f.api_token(owner)
    age_session(db.session.scalars(select(AuthSession).where(AuthSession.user_id == owner.id)).one())

    refused = api.post("client/payout/", token=token, json={"amount": 1000, "phone": THIEF_PHONE})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "reauth_required"
    assert payouts_of(owner) == [] and wallet.balance(owner) == 30_000

    assert api.post("auth/reauthenticate/", token=token, json={"password": PASSWORD}).status_code == 200
    done = api.post("client/payout/", token=token, json={"amount": 1000})
    assert done.status_code == 201
    [payout] = payouts_of(owner)
    assert payout.phone == PHONE and wallet.balance(owner) == 29_000


def test_the_payout_rule_lives_in_the_wallet_service(app, owner):
    with_balance(owner)
    with pytest.raises(signin.ReauthRequired):
        wallet.request_payout(owner, 1000, PHONE)  # no session proving who is asking
    auth_session = sessions.start(owner, method="pin")  # a PIN unlock proves nothing
    with pytest.raises(signin.ReauthRequired):
        wallet.request_payout(owner, 1000, PHONE)
    age_session(sessions.start(owner))
    with pytest.raises(signin.ReauthRequired):
        wallet.request_payout(owner, 1000, PHONE)
    assert payouts_of(owner) == [] and auth_session.reauthenticated_at is None


def test_the_api_documents_the_403(app):
    operation = ApiClient(app).spec["paths"]["/mobile/api/client/payout/"]["post"]
    assert "403" in operation["responses"] and "reauth_required" in operation["description"]


# --- "Se souvenir de moi" never brings a staff or admin session back past the PIN and idle lock -----

def remember_cookie(response):
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")), None)


def full_staff_sign_in(client, staff):
    """Password with "Se souvenir de moi", then the SMS code: what a staff member does on the tablet."""
    assert location(post(client, "/connexion", {"identifier": staff.phone, "password": PASSWORD,
                                                 "remember": "y"})) == "/connexion/code"
    return post(client, "/connexion/code", {"code": f.last_code(staff.phone)})


def test_staff_never_get_a_remember_me_cookie_so_reopening_the_browser_shows_the_pin_screen(app, client, tablet):
    done = full_staff_sign_in(client, tablet.staff)
    assert done.status_code == 302 and location(done) == "/staff"
    assert remember_cookie(done) is None
    # The browser is closed after any idle time: a new browser keeps only its long-lived cookies.
    reopened = app.test_client()
    for name in ("remember_token", "vgk_tablet"):
        kept = client.get_cookie(name)
        if kept is not None:
            reopened.set_cookie(name, kept.value)
    response = reopened.get("/staff")
    assert response.status_code == 302 and location(response) == "/staff/verrou"
    assert reopened.get("/compte").status_code == 302


def test_a_remember_me_cookie_for_a_staff_session_is_refused_and_ends_it(app, tablet):
    """A staff remember-me cookie (set before this rule, or copied) no longer restores the session."""
    from flask_login.utils import encode_cookie

    auth_session = f.sign_in(app.test_client(), tablet.staff)
    reopened = app.test_client()
    reopened.set_cookie("vgk_tablet", tablets.enroll_device(tablet.staff))
    with app.test_request_context():
        reopened.set_cookie("remember_token", encode_cookie(auth_session.public_id))
    response = reopened.get("/staff")
    assert response.status_code == 302 and location(response) == "/staff/verrou"
    assert "remember_token=;" in " ".join(response.headers.getlist("Set-Cookie"))  # the cookie is deleted
    assert refreshed(auth_session).revoked_at is not None
    assert reopened.get("/compte").status_code == 302
    page = reopened.get("/staff", follow_redirects=True)
    assert 'id="unlock-pin"' in text(page)


def test_an_admin_remember_me_cookie_is_refused_too(app):
    from flask_login.utils import encode_cookie

    admin = f.user(Role.ADMIN, phone="+237690220044", phone_verified_at=utcnow(), two_factor=TwoFactor.SMS)
    auth_session = f.sign_in(app.test_client(), admin)
    reopened = app.test_client()
    with app.test_request_context():
        reopened.set_cookie("remember_token", encode_cookie(auth_session.public_id))
    response = reopened.get("/admin")
    assert response.status_code == 302 and location(response).startswith("/connexion")
    assert refreshed(auth_session).revoked_at is not None


def test_clients_keep_their_remember_me(app, client):
    user = f.user(phone="+237690220055", phone_verified_at=utcnow())
    response = post(client, "/connexion", {"identifier": user.phone, "password": PASSWORD, "remember": "y"})
    assert location(response) == "/compte" and remember_cookie(response) is not None
    reopened = app.test_client()
    reopened.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert reopened.get("/compte").status_code == 200
