"""Signing in from the app: passwords, second factors, sign-up, refresh-token rotation and reuse
detection, expiry and forgery, revocation from the web, per-IP limits."""
import base64
import json

import pyotp
import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db
from vgk.models import AuthSession, RefreshToken, Role, TwoFactor, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts import sessions
from vgk.services.backoffice import directory

PASSWORD = "correct horse 237"


def _login(api, **identity):
    return api.post("auth/login/", json={**identity, "password": PASSWORD})


def _me(api, access_token):
    """A call that needs a live access token (signing out would end it, so use logout last)."""
    return api.post("auth/logout/", token=access_token)


# --- password sign-in ----------------------------------------------------------------------------

def test_login_by_email_or_phone_gives_a_working_pair(api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    by_phone = _login(api, phone=" ".join([user.phone[4:7], user.phone[7:9], user.phone[9:11], user.phone[11:]]))
    assert by_phone.status_code == 200, by_phone.get_json()
    body = _login(api, email=user.email.upper()).get_json()
    assert body["user"]["id"] == user.public_id and body["user"]["role"] == "CLIENT"
    tokens = body["tokens"]
    assert tokens["expires_in"] == 3600 and tokens["refresh_expires_in"] == 7 * 24 * 3600
    assert tokens["token_type"] == "Bearer"
    assert _me(api, tokens["access_token"]).status_code == 200


def test_the_app_session_is_listed_and_signing_out_everywhere_on_the_web_ends_it(api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    tokens = _login(api, email=user.email).get_json()["tokens"]
    live = sessions.live_sessions(user)
    assert [s.method for s in live] == ["app"]
    sessions.revoke_all(user)
    response = _me(api, tokens["access_token"])
    assert response.status_code == 401
    assert response.get_json()["error"]["fields"] == {"token": "revoked"}
    assert api.post("auth/refresh/", json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_wrong_passwords_are_refused_then_the_account_locks(api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    unknown = api.post("auth/login/", json={"email": "nobody@example.cm", "password": "whatever"})
    wrong = api.post("auth/login/", json={"email": user.email, "password": "nope"})
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.get_json()["error"]["message"] == wrong.get_json()["error"]["message"]  # no account probing
    for _ in range(6):
        api.post("auth/login/", json={"email": user.email, "password": "nope"})
    locked = _login(api, email=user.email)
    assert locked.status_code in (400, 429) and "tokens" not in locked.get_json()


def test_missing_fields_are_named(api):
    response = api.post("auth/login/", json={"password": "x"})
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"email": "required"}
    response = api.post("auth/login/", json={"email": "a@b.cm"})
    assert response.get_json()["error"]["fields"] == {"password": "required"}
    response = api.post("auth/login/", json={"email": ["a"], "password": "x"})
    assert response.status_code == 400


def test_suspended_accounts_cannot_sign_in(api):
    user = f.user(Role.CLIENT, password=PASSWORD, status=UserStatus.SUSPENDED)
    response = _login(api, email=user.email)
    assert response.status_code == 403 and "tokens" not in response.get_json()


def test_suspending_an_account_ends_its_app_tokens(api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    tokens = _login(api, email=user.email).get_json()["tokens"]
    admin = f.user(Role.ADMIN)
    directory.suspend(admin, user)
    assert _me(api, tokens["access_token"]).status_code == 401


# --- second factors ------------------------------------------------------------------------------

def test_sms_second_factor_in_two_calls(api):
    user = f.user(Role.ADMIN, password=PASSWORD, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    first = _login(api, email=user.email).get_json()
    assert first == {"success": True, "requires_2fa": True, "method": "SMS", "challenge": first["challenge"],
                     "message": first["message"]}
    challenge = first["challenge"]
    code = f.last_code(user.phone)
    wrong = api.post("auth/verify_2fa/",
                     json={"challenge": challenge, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    done = api.post("auth/verify_2fa/", json={"challenge": challenge, "code": code})
    assert done.status_code == 200
    assert done.get_json()["user"]["role"] == "ADMIN"
    assert _me(api, done.get_json()["tokens"]["access_token"]).status_code == 200
    # The code is good once, and the owed second factor is settled.
    again = api.post("auth/verify_2fa/", json={"challenge": challenge, "code": code})
    assert again.status_code == 400


def test_a_second_factor_without_the_password_step_is_refused(api):
    """A TOTP code alone must never be a way in: the password must have been checked just before."""
    secret = pyotp.random_base32()
    user = f.user(Role.CLIENT, password=PASSWORD, two_factor=TwoFactor.TOTP, totp_secret=secret)
    response = api.post("auth/verify_2fa/", json={"challenge": "x" * 43, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"code": "no_pending_sign_in"}
    first = _login(api, email=user.email).get_json()
    assert first["method"] == "TOTP"
    done = api.post("auth/verify_2fa/", json={"challenge": first["challenge"], "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "tokens" in done.get_json()


def test_the_sixth_wrong_second_factor_locks_even_the_right_code(api):
    user = f.user(Role.STAFF, password=PASSWORD, two_factor=TwoFactor.SMS, phone_verified_at=utcnow(),
                  pickup_point=f.pickup_point())
    challenge = _login(api, phone=user.phone).get_json()["challenge"]
    code = f.last_code(user.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        api.post("auth/verify_2fa/", json={"challenge": challenge, "code": wrong})
    response = api.post("auth/verify_2fa/", json={"challenge": challenge, "code": code})
    assert response.status_code in (400, 429) and "tokens" not in response.get_json()


# --- sign-up -------------------------------------------------------------------------------------

def test_register_then_verify_the_phone_to_get_tokens(api):
    city = f.city()
    response = api.post("auth/register/", json={
        "name": "Awa Ngono", "phone": "6 91 23 45 67", "password": PASSWORD, "email": "awa@example.cm",
        "city": city.slug, "locale": "en",
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["requires_phone_verification"] is True and body["user"]["phone_verified"] is False
    assert body["user"]["phone"] == "+237691234567" and body["user"]["city"]["slug"] == city.slug
    code = f.last_code("+237691234567")
    bad = api.post("auth/verify_phone/", json={"phone": "+237691234567", "code": "12345"})
    assert bad.status_code == 400
    done = api.post("auth/verify_phone/", json={"phone": "691234567", "code": code})
    assert done.status_code == 200
    assert done.get_json()["user"]["phone_verified"] is True
    assert _me(api, done.get_json()["tokens"]["access_token"]).status_code == 200


def test_register_names_every_bad_field_and_keeps_nothing(api):
    taken = f.user(Role.CLIENT)
    response = api.post("auth/register/", json={"name": "", "phone": taken.phone, "password": "short"})
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert {"name", "password"} <= set(fields)
    response = api.post("auth/register/", json={"name": "Awa", "phone": taken.phone, "password": PASSWORD})
    assert response.get_json()["error"]["fields"] == {"phone": response.get_json()["error"]["fields"]["phone"]}
    assert db.session.scalar(select(User).where(User.name == "Awa")) is None


def test_resend_code_sends_a_new_code_without_telling_who_exists(api):
    api.post("auth/register/", json={"name": "Awa", "phone": "691234567", "password": PASSWORD})
    before = len(f.outbox("+237691234567"))
    assert api.post("auth/resend_code/", json={"phone": "691234567"}).status_code == 200
    assert len(f.outbox("+237691234567")) == before + 1
    unknown = api.post("auth/resend_code/", json={"phone": "699999999"})
    assert unknown.status_code == 200 and f.outbox("+237699999999") == []


def test_verify_phone_for_an_unknown_number_fails_like_a_wrong_code(api):
    response = api.post("auth/verify_phone/", json={"phone": "699999999", "code": "123456"})
    assert response.status_code == 400
    assert api.post("auth/verify_phone/", json={"phone": "12", "code": "123456"}).status_code == 400


# --- refresh tokens: rotation and reuse detection --------------------------------------------------

def test_refresh_rotates_and_the_old_refresh_token_is_spent(api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    first = _login(api, email=user.email).get_json()["tokens"]
    second = api.post("auth/refresh/", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    pair = second.get_json()["tokens"]
    assert pair["refresh_token"] != first["refresh_token"] and pair["access_token"] != first["access_token"]
    third = api.post("auth/refresh/", json={"refresh_token": pair["refresh_token"]}).get_json()["tokens"]
    assert _me(api, third["access_token"]).status_code == 200


def test_reusing_a_spent_refresh_token_revokes_the_whole_family(api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    stolen = _login(api, email=user.email).get_json()["tokens"]
    current = api.post("auth/refresh/", json={"refresh_token": stolen["refresh_token"]}).get_json()["tokens"]
    other_device = _login(api, email=user.email).get_json()["tokens"]

    replay = api.post("auth/refresh/", json={"refresh_token": stolen["refresh_token"]})
    assert replay.status_code == 401
    assert replay.get_json()["error"]["fields"] == {"token": "reused"}
    # Everything issued from that sign-in is dead: the legitimate holder's refresh and access tokens too.
    assert api.post("auth/refresh/", json={"refresh_token": current["refresh_token"]}).status_code == 401
    assert _me(api, current["access_token"]).status_code == 401
    family = db.session.scalars(select(RefreshToken)).all()
    assert all(token.used_at is not None for token in family if token.session.revoked_at is not None)
    # Another sign-in (another family) is untouched.
    assert _me(api, other_device["access_token"]).status_code == 200


def test_expired_tokens_are_refused(app, api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    app.config["JWT_ACCESS_SECONDS"] = -120
    app.config["JWT_REFRESH_SECONDS"] = -120
    try:
        tokens = _login(api, email=user.email).get_json()["tokens"]
    finally:
        app.config["JWT_ACCESS_SECONDS"] = 3600
        app.config["JWT_REFRESH_SECONDS"] = 7 * 24 * 3600
    assert _me(api, tokens["access_token"]).status_code == 401
    assert api.post("auth/refresh/", json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _payload(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_forged_tampered_and_swapped_tokens_are_refused(api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    admin = f.user(Role.ADMIN)
    tokens = _login(api, email=user.email).get_json()["tokens"]
    header, payload, signature = tokens["access_token"].split(".")
    claims = _payload(tokens["access_token"])
    as_admin = _b64({**claims, "sub": admin.public_id, "role": "ADMIN"})
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + payload + "."
    for token in (
        f"{header}.{as_admin}.{signature}",      # claims changed under the same signature
        unsigned,                                 # alg: none
        tokens["access_token"][:-3] + "abc",      # broken signature
        tokens["refresh_token"],                  # a refresh token is not an access token
        "not-a-token",
    ):
        response = api.post("auth/logout/", token=token)
        assert response.status_code == 401, token
    # And an access token is not a refresh token.
    assert api.post("auth/refresh/", json={"refresh_token": tokens["access_token"]}).status_code == 401
    assert api.post("auth/refresh/", json={"refresh_token": 42}).status_code in (400, 401)
    assert _me(api, tokens["access_token"]).status_code == 200  # the genuine one still works


def test_tokens_are_signed_with_the_configured_key(app, api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    tokens = _login(api, email=user.email).get_json()["tokens"]
    app.config["JWT_SECRET_KEY"] = "another-key-from-the-environment"
    try:
        assert _me(api, tokens["access_token"]).status_code == 401
        fresh = _login(api, email=user.email).get_json()["tokens"]
        assert _me(api, fresh["access_token"]).status_code == 200
    finally:
        app.config["JWT_SECRET_KEY"] = None


def test_logout_ends_the_session_and_its_refresh_tokens(api):
    user = f.user(Role.CLIENT, password=PASSWORD)
    tokens = _login(api, email=user.email).get_json()["tokens"]
    assert _me(api, tokens["access_token"]).status_code == 200
    assert _me(api, tokens["access_token"]).status_code == 401
    assert api.post("auth/refresh/", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    assert db.session.scalar(select(AuthSession).where(AuthSession.user_id == user.id)).revoked_at is not None


# --- limits --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["auth/login/", "auth/verify_2fa/", "auth/refresh/", "auth/verify_phone/"])
def test_auth_endpoints_are_limited_per_ip(app, api, path):
    app.config["AUTH_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [api.post(path, json={"email": "x@example.cm", "password": "nope", "code": "1",
                                         "phone": "699999999", "refresh_token": "x"}).status_code
                    for _ in range(4)]
    finally:
        app.config["AUTH_RATE_LIMIT"] = "20 per minute; 200 per hour"
    assert statuses[:3] != [429] * 3 and statuses[3] == 429


def test_register_is_limited_like_the_code_sending_forms(app, api):
    app.config["CODE_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [api.post("auth/register/",
                             json={"name": "Awa Ngono", "phone": f"69123456{i}", "password": PASSWORD}).status_code
                    for i in range(3)]
    finally:
        app.config["CODE_RATE_LIMIT"] = "10 per minute; 60 per hour"
    assert statuses == [201, 201, 429]
