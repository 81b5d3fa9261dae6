"""Finding 1: Google sign-in through the app's API skipped the second factor (tokens at once, even
for an admin). Every way in now asks the accounts service whether a second factor is owed: the API's
Google sign-in answers `requires_2fa` exactly like the password sign-in, and only the code gives tokens."""
import pyotp
import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.api.conftest import ApiClient
from vgk.extensions import db
from vgk.models import AuthSession, Role, TwoFactor
from vgk.models.base import utcnow

PASSWORD = "secret-pass-1"


def google(app, fake, user):
    token = fake.mobile_id_token(sub=f"g-{user.public_id}", email=user.email, email_verified=True)
    return ApiClient(app).post("auth/google_oauth/", json={"id_token": token})


def sessions_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuthSession))


def assert_second_factor_owed(response, method):
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body == {"success": True, "requires_2fa": True, "method": method, "challenge": body["challenge"],
                    "message": body["message"]}
    assert "tokens" not in body and sessions_count() == 0
    return body["challenge"]


def test_an_admin_signing_in_with_google_owes_the_sms_code_then_gets_tokens(google_app, oidc_fake):
    admin = f.user(Role.ADMIN, phone="+237690001001", phone_verified_at=utcnow(), email_verified_at=utcnow(),
                   two_factor=TwoFactor.SMS)

    challenge = assert_second_factor_owed(google(google_app, oidc_fake, admin), "SMS")

    api = ApiClient(google_app)
    code = f.last_code("+237690001001")
    wrong = api.post("auth/verify_2fa/",
                     json={"challenge": challenge, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and "tokens" not in wrong.get_json()
    done = api.post("auth/verify_2fa/", json={"challenge": challenge, "code": code})
    assert done.status_code == 200
    assert done.get_json()["user"]["role"] == "ADMIN" and done.get_json()["tokens"]["access_token"]
    assert sessions_count() == 1


def test_the_password_and_google_flows_give_the_same_answer(google_app, oidc_fake):
    admin = f.user(Role.ADMIN, password=PASSWORD, phone="+237690001002", phone_verified_at=utcnow(),
                   email_verified_at=utcnow(), two_factor=TwoFactor.SMS)
    by_password = ApiClient(google_app).post("auth/login/", json={"email": admin.email, "password": PASSWORD})
    by_google = google(google_app, oidc_fake, admin)
    assert set(by_password.get_json()) == set(by_google.get_json())
    assert by_password.get_json()["method"] == by_google.get_json()["method"] == "SMS"


def test_staff_with_an_authenticator_app_owes_its_code(google_app, oidc_fake):
    secret = pyotp.random_base32()
    staff = f.user(Role.STAFF, pickup_point=f.pickup_point(), email_verified_at=utcnow(),
                   two_factor=TwoFactor.TOTP, totp_secret=secret)
    challenge = assert_second_factor_owed(google(google_app, oidc_fake, staff), "TOTP")
    done = ApiClient(google_app).post("auth/verify_2fa/",
                                      json={"challenge": challenge, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "tokens" in done.get_json()


def test_a_client_who_turned_on_email_codes_owes_them(google_app, oidc_fake):
    client = f.user(email_verified_at=utcnow(), two_factor=TwoFactor.EMAIL)
    challenge = assert_second_factor_owed(google(google_app, oidc_fake, client), "EMAIL")
    done = ApiClient(google_app).post("auth/verify_2fa/",
                                      json={"challenge": challenge, "code": f.last_code(client.email)})
    assert done.status_code == 200 and "tokens" in done.get_json()


def test_an_admin_without_a_chosen_factor_still_owes_a_code_to_the_verified_phone(google_app, oidc_fake):
    admin = f.user(Role.ADMIN, phone="+237690001003", phone_verified_at=utcnow(), email_verified_at=utcnow())
    assert_second_factor_owed(google(google_app, oidc_fake, admin), "SMS")
    f.last_code("+237690001003")


@pytest.mark.parametrize("path", ["auth/verify_2fa/"])
def test_the_code_step_without_the_google_step_is_refused(google_app, oidc_fake, path):
    """A pending sign-in is needed: the code alone is never a way in."""
    secret = pyotp.random_base32()
    user = f.user(email_verified_at=utcnow(), two_factor=TwoFactor.TOTP, totp_secret=secret)
    response = ApiClient(google_app).post(path, json={"email": user.email, "challenge": "x" * 43,
                                                      "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"code": "no_pending_sign_in"}


def test_a_client_without_a_second_factor_still_gets_tokens_at_once(google_app, oidc_fake):
    client = f.user(email_verified_at=utcnow())
    response = google(google_app, oidc_fake, client)
    assert response.status_code == 200 and response.get_json()["tokens"]["access_token"]


# --- the code step needs the challenge of the sign-in that gave the first factor -----------------

def test_someone_who_reads_the_sms_cannot_finish_the_owners_sign_in_without_its_challenge(google_app, oidc_fake):
    admin = f.user(Role.ADMIN, password=PASSWORD, phone="+237690001004", phone_verified_at=utcnow(),
                   email_verified_at=utcnow(), two_factor=TwoFactor.SMS)
    owner = ApiClient(google_app)
    first = owner.post("auth/login/", json={"email": admin.email, "password": PASSWORD})
    challenge = assert_second_factor_owed(first, "SMS")
    code = f.last_code("+237690001004")  # what someone reading the SMS learns

    reader = ApiClient(google_app)
    for attempt in ({"email": admin.email, "code": code}, {"phone": admin.phone, "code": code},
                    {"email": admin.email, "challenge": "", "code": code},
                    {"email": admin.email, "challenge": "A" * 43, "code": code}):
        refused = reader.post("auth/verify_2fa/", json=attempt)
        assert refused.status_code == 400 and "tokens" not in refused.get_json(), attempt
        assert refused.get_json()["success"] is False
    assert sessions_count() == 0

    done = owner.post("auth/verify_2fa/", json={"challenge": challenge, "code": code})
    assert done.status_code == 200 and done.get_json()["tokens"]["access_token"] and sessions_count() == 1


def test_the_google_path_hands_its_own_challenge_to_the_app_that_sent_the_token(google_app, oidc_fake):
    admin = f.user(Role.ADMIN, phone="+237690001005", phone_verified_at=utcnow(), email_verified_at=utcnow(),
                   two_factor=TwoFactor.SMS)
    challenge = assert_second_factor_owed(google(google_app, oidc_fake, admin), "SMS")
    code = f.last_code("+237690001005")
    refused = ApiClient(google_app).post("auth/verify_2fa/", json={"email": admin.email, "code": code})
    assert refused.status_code == 400 and sessions_count() == 0
    done = ApiClient(google_app).post("auth/verify_2fa/", json={"challenge": challenge, "code": code})
    assert done.status_code == 200 and sessions_count() == 1
    # Used once: the same challenge cannot open a second session.
    again = ApiClient(google_app).post("auth/verify_2fa/", json={"challenge": challenge, "code": code})
    assert again.status_code == 400 and sessions_count() == 1


def test_the_challenge_expires_with_the_pending_sign_in(google_app, oidc_fake):
    from datetime import timedelta

    from vgk.models import SignInChallenge

    admin = f.user(Role.ADMIN, password=PASSWORD, phone="+237690001006", phone_verified_at=utcnow(),
                   two_factor=TwoFactor.SMS)
    first = ApiClient(google_app).post("auth/login/", json={"email": admin.email, "password": PASSWORD})
    challenge = assert_second_factor_owed(first, "SMS")
    row = db.session.scalar(select(SignInChallenge))
    assert challenge not in (row.secret_hash or "")  # only a keyed hash is stored
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    late = ApiClient(google_app).post("auth/verify_2fa/", json={"challenge": challenge,
                                                               "code": f.last_code("+237690001006")})
    assert late.status_code == 400 and late.get_json()["error"]["fields"] == {"code": "no_pending_sign_in"}
    assert sessions_count() == 0
