"""Sign-up, phone verification, sign-in with a second factor, sign-out and password reset over HTTP.

CSRF is on, as in production: every POST carries the token read from a page of the same session.
"""
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from limits import parse_many
from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db, limiter
from vgk.models import AuthSession, OneTimeCode, PickupPoint, Role, TwoFactor, User
from vgk.models.base import utcnow
from vgk.services.accounts import passwords, personal, tablets, twofactor
from vgk.services.backoffice import directory

PHONE = "+237690112233"
PASSWORD = "secret-pass-1"  # the factories' password


# --- helpers -----------------------------------------------------------------------------------

def csrf_token(client, page="/connexion"):
    html = client.get(page).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html
    )
    if found:
        return found.group(1)
    # A public page shown to a visitor without a session carries an empty token: its forms are checked
    # by where they come from (the Origin header `post` sends, as browsers do).
    assert '<meta name="csrf-token" content="">' in html, f"no CSRF token on {page}"
    return ""


def post(client, url, data=None, page=None, **kwargs):
    """POST like a browser: read the form's CSRF token first (from `page`, else the URL itself), and say
    which site the form was on (browsers send Origin with every POST)."""
    token = csrf_token(client, page or url)
    kwargs["headers"] = {"Origin": "http://localhost", **(kwargs.get("headers") or {})}
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def text(response):
    return response.get_data(as_text=True)


def signed_in(client):
    return client.get("/compte").status_code == 200


def sign_up(client, **overrides):
    data = {"name": "Jean Fotso", "phone": "6 90 11 22 33", "email": "", "city": "douala",
            "password": "Bon-Mot-2024", "accept_terms": "y", **overrides}
    return post(client, "/inscription", data)


def login(client, identifier, password=PASSWORD, **extra):
    return post(client, "/connexion", {"identifier": identifier, "password": password, **extra})


def location(response):
    return response.headers.get("Location", "")


@pytest.fixture
def douala(app):
    return f.city("Douala", slug="douala")


# --- sign-up and phone verification ------------------------------------------------------------

def test_sign_up_then_verify_the_phone_signs_in(client, douala):
    page = text(client.get("/inscription"))
    assert 'placeholder="6XX XX XX XX"' in page and "Douala" in page

    response = sign_up(client)
    assert response.status_code == 302 and location(response) == "/verification"
    user = db.session.scalar(select(User))
    assert user.phone == PHONE  # "6 90 11 22 33" normalised to E.164
    assert user.city == douala and user.role == Role.CLIENT and not user.phone_verified
    assert len(f.outbox(PHONE)) == 1
    assert not signed_in(client)  # not signed in before the phone is verified

    page = text(client.get("/verification"))
    assert "+237 690 11 22 33" in page

    response = post(client, "/verification", {"code": f.last_code(PHONE)})
    assert response.status_code == 302 and location(response) == "/compte"
    db.session.refresh(user)
    assert user.phone_verified
    page = text(client.get("/compte"))
    assert "Jean Fotso" in page and "Votre numéro est vérifié. Bienvenue !" in page
    assert db.session.scalar(select(AuthSession).where(AuthSession.user_id == user.id)).revoked_at is None


def test_sign_up_refuses_a_number_already_used(client, douala):
    f.user(phone=PHONE)
    response = sign_up(client)
    assert response.status_code == 400
    assert "Ce numéro est déjà utilisé par un compte." in text(response)
    assert db.session.scalar(select(User).where(User.name == "Jean Fotso")) is None


@pytest.mark.parametrize(("password", "message"), [
    ("court1", "Le mot de passe doit faire au moins 8 caractères."),
    ("motdepasse", "Ce mot de passe est trop facile à deviner."),
    ("aaaaaaaaaa", "Ce mot de passe est trop facile à deviner."),
])
def test_sign_up_refuses_a_weak_password(client, douala, password, message):
    response = sign_up(client, password=password)
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalar(select(User)) is None


@pytest.mark.parametrize("phone", ["+33 6 12 34 56 78", "+234 803 123 4567", "12345", "2 22 22 22 22"])
def test_sign_up_refuses_a_number_that_is_not_a_cameroonian_mobile(client, douala, phone):
    response = sign_up(client, phone=phone)
    assert response.status_code == 400
    page = text(response)
    assert "Vérifiez les champs indiqués." in page
    assert 'id="phone-err"' in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(User)) is None


def test_sign_up_needs_the_terms_accepted(client, douala):
    response = sign_up(client, accept_terms="")
    assert response.status_code == 400
    assert "Acceptez les conditions d'utilisation pour créer un compte." in text(response)
    assert db.session.scalar(select(User)) is None


def test_verification_refuses_a_wrong_code(client, douala):
    sign_up(client)
    code = f.last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    response = post(client, "/verification", {"code": wrong})
    assert response.status_code == 400 and "Code incorrect." in text(response)
    assert not signed_in(client)


def test_verification_refuses_an_expired_code(client, douala):
    sign_up(client)
    entry = db.session.scalar(select(OneTimeCode))
    entry.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = post(client, "/verification", {"code": f.last_code(PHONE)})
    assert response.status_code == 400
    assert "Ce code a expiré ou a déjà servi. Demandez-en un nouveau." in text(response)


def test_a_resent_code_replaces_the_first_one(client, douala):
    sign_up(client)
    first = f.last_code(PHONE)
    response = post(client, "/verification/renvoyer", page="/verification")
    assert response.status_code == 302 and location(response) == "/verification"
    assert len(f.outbox(PHONE)) == 2
    second = f.last_code(PHONE)
    if first != second:
        assert post(client, "/verification", {"code": first}).status_code == 400
    assert post(client, "/verification", {"code": second}).status_code == 302
    assert signed_in(client)


def test_twenty_rapid_code_requests_for_one_phone_send_at_most_three_sms(app, client, douala):
    sign_up(client)
    limiter.enabled = False  # the per-number cap, not the per-IP limiter, must be what stops it
    try:
        statuses = [post(client, "/verification/renvoyer", page="/verification").status_code for _ in range(20)]
    finally:
        limiter.enabled = True
    assert len(f.outbox(PHONE)) <= 3
    assert statuses.count(429) >= 17
    response = post(client, "/verification/renvoyer", page="/verification")
    assert response.status_code == 429
    assert "Trop de codes demandés. Patientez quelques minutes avant de réessayer." in text(response)


def test_verification_page_without_a_pending_sign_up_says_so(client, app):
    response = client.get("/verification")
    assert response.status_code == 200
    assert "Aucune vérification en cours." in text(response) and 'href="/connexion"' in text(response)
    user = f.user(phone=PHONE)
    f.sign_in(client, user)
    assert location(client.get("/verification")) == "/compte/telephone"


# --- sign-in -----------------------------------------------------------------------------------

@pytest.mark.parametrize("identifier", ["6 90 11 22 33", "+237690112233", "00237 690-11-22-33", "Awa@Example.CM"])
def test_login_by_phone_or_email(client, app, identifier):
    f.user(phone=PHONE, email="awa@example.cm", phone_verified_at=utcnow())
    response = login(client, identifier)
    assert response.status_code == 302 and location(response) == "/compte"
    assert signed_in(client)


def test_wrong_password_or_unknown_account_get_the_same_answer(client, app):
    f.user(phone=PHONE)
    for identifier, password in ((PHONE, "wrong-password"), ("677000000", PASSWORD), ("nobody@example.cm", "x")):
        response = login(client, identifier, password)
        assert response.status_code == 400
        assert "Identifiant ou mot de passe incorrect." in text(response)
    assert not signed_in(client)


def test_five_wrong_passwords_stop_that_source_but_not_the_owner(client, app):
    f.user(phone=PHONE)
    for _ in range(5):
        assert login(client, PHONE, "wrong-password").status_code == 400
    response = login(client, PHONE, PASSWORD)
    assert response.status_code == 429
    assert "Trop d'essais infructueux depuis cette connexion." in text(response)
    assert not signed_in(client)
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    assert login(owner, PHONE, PASSWORD).status_code == 302 and signed_in(owner)


def test_suspended_account_cannot_sign_in(client, app):
    user = f.user(phone=PHONE)
    directory.suspend(None, user)
    response = login(client, PHONE)
    assert response.status_code == 403
    assert "Ce compte est suspendu. Contactez le support." in text(response)
    assert not signed_in(client)


def test_deleted_account_cannot_sign_in(client, app):
    user = f.user(phone=PHONE, email="gone@example.cm")
    personal.delete_account(user)
    for identifier in (PHONE, "gone@example.cm"):
        response = login(client, identifier)
        assert response.status_code == 400
    assert not signed_in(client)


def test_login_goes_to_a_safe_next_page_only(client, app):
    f.user(phone=PHONE)
    page = text(client.get("/connexion?next=/compte/profil"))
    assert 'name="next" type="hidden" value="/compte/profil"' in page
    response = login(client, PHONE, next="/compte/profil")
    assert location(response) == "/compte/profil"
    post(client, "/deconnexion", page="/compte")
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = login(client, PHONE, next=evil)
        assert location(response) == "/compte", evil
        post(client, "/deconnexion", page="/compte")


def test_login_renews_the_session(client, app):
    f.user(phone=PHONE)
    with client.session_transaction() as session:
        session["_user_id"] = "planted-by-someone-else"
        session["marker"] = "before"
        session["lang"] = "en"
    before = client.get_cookie("session").value
    response = login(client, PHONE)
    assert response.status_code == 302
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "marker" not in session
        assert session["_user_id"] not in (None, "planted-by-someone-else")
        assert session["_user_id"] == db.session.scalar(select(AuthSession.public_id))
        assert session["lang"] == "en"  # the language choice survives


def test_remember_me_sets_the_remember_cookie(client, app):
    f.user(phone=PHONE)
    response = login(client, PHONE)
    assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))
    post(client, "/deconnexion", page="/compte")
    response = login(client, PHONE, remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie


def test_logout_is_post_only(client, app):
    user = f.user(phone=PHONE)
    login(client, PHONE)
    response = client.get("/deconnexion")
    assert response.status_code == 200 and "Se déconnecter\u00a0?" in text(response)
    assert signed_in(client)  # a GET (a link, a prefetch) signs nobody out
    response = post(client, "/deconnexion", page="/compte")
    assert response.status_code == 302 and location(response) == "/"
    assert not signed_in(client)
    assert db.session.scalar(select(AuthSession).where(AuthSession.user_id == user.id)).revoked_at is not None


# --- second factor -----------------------------------------------------------------------------

def test_second_factor_by_sms(client, app):
    f.user(phone=PHONE, phone_verified_at=utcnow(), two_factor=TwoFactor.SMS)
    response = login(client, PHONE)
    assert response.status_code == 302 and location(response) == "/connexion/code"
    assert not signed_in(client)  # the password alone is not enough
    page = text(client.get("/connexion/code"))
    assert "•• •• 22 33" in page and "+237 690 11 22 33" not in page
    response = post(client, "/connexion/code", {"code": f.last_code(PHONE)})
    assert response.status_code == 302 and location(response) == "/compte"
    assert signed_in(client)


def test_second_factor_by_email(client, app):
    f.user(email="awa@example.cm", two_factor=TwoFactor.EMAIL)
    login(client, "awa@example.cm")
    assert f.outbox("awa@example.cm")[0].channel == "EMAIL"
    response = post(client, "/connexion/code", {"code": f.last_code("awa@example.cm")})
    assert response.status_code == 302
    assert signed_in(client)


def test_second_factor_by_authenticator_app(client, app):
    secret = pyotp.random_base32()
    f.user(phone=PHONE, totp_secret=secret, two_factor=TwoFactor.TOTP)
    login(client, PHONE)
    assert f.outbox() == []  # nothing is sent for an app
    code = pyotp.TOTP(secret).now()
    response = post(client, "/connexion/code", {"code": code})
    assert response.status_code == 302 and signed_in(client)

    post(client, "/deconnexion", page="/compte")
    login(client, PHONE)
    response = post(client, "/connexion/code", {"code": code})
    assert response.status_code == 400  # an app code is good once


def test_recovery_code_works_once(client, app):
    user = f.user(phone=PHONE, totp_secret=pyotp.random_base32(), two_factor=TwoFactor.TOTP)
    codes = twofactor.regenerate_recovery_codes(user)
    login(client, PHONE)
    assert post(client, "/connexion/code", {"code": codes[0].upper()}).status_code == 302
    assert signed_in(client)
    post(client, "/deconnexion", page="/compte")

    login(client, PHONE)
    response = post(client, "/connexion/code", {"code": codes[0]})
    assert response.status_code == 400 and "Code incorrect." in text(response)
    assert post(client, "/connexion/code", {"code": codes[1]}).status_code == 302


def test_sixth_second_factor_try_is_refused_even_when_right(client, app):
    secret = pyotp.random_base32()
    f.user(phone=PHONE, totp_secret=secret, two_factor=TwoFactor.TOTP)
    login(client, PHONE)
    right = pyotp.TOTP(secret).now()
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for _ in range(5):
        assert post(client, "/connexion/code", {"code": wrong}).status_code == 400
    response = post(client, "/connexion/code", {"code": right})
    # The fifth wrong code ended this sign-in: even the right code is refused; start with the password.
    assert response.status_code == 400 and "La connexion a expiré. Recommencez." in text(response)
    assert not signed_in(client)


def test_second_factor_step_expires(client, app):
    f.user(phone=PHONE, phone_verified_at=utcnow(), two_factor=TwoFactor.SMS)
    login(client, PHONE)
    with client.session_transaction() as session:
        state = session["2fa"]
        state["at"] -= 11 * 60
        session["2fa"] = state
    response = post(client, "/connexion/code", {"code": f.last_code(PHONE)}, page="/connexion")
    assert response.status_code == 400 and "La connexion a expiré. Recommencez." in text(response)
    assert not signed_in(client)


def test_staff_lands_on_staff_portal_and_gets_a_tablet_cookie(client, app):
    town = f.city(slug="bafoussam")
    point = PickupPoint(city=town, name="Relais Marché A", address="Marché A")
    db.session.add(point)
    db.session.commit()
    f.user(role=Role.STAFF, phone=PHONE, pickup_point=point, phone_verified_at=utcnow(), two_factor=TwoFactor.SMS)
    login(client, PHONE)
    response = post(client, "/connexion/code", {"code": f.last_code(PHONE)})
    assert location(response) == "/staff"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("vgk_tablet="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert tablets.device_for_token(token) is not None


def test_admin_without_second_factor_is_sent_to_turn_it_on(client, app):
    f.user(role=Role.ADMIN, phone=PHONE)
    response = login(client, PHONE)
    assert location(response) == "/compte/securite"
    page = text(client.get("/compte/securite"))
    assert "Votre rôle exige la double authentification : activez-la maintenant." in page


# --- password reset ----------------------------------------------------------------------------

def test_password_reset_by_sms_code(client, app):
    f.user(phone=PHONE)
    response = post(client, "/mot-de-passe/oublie", {"identifier": "690 11 22 33"})
    assert response.status_code == 302
    target = urlsplit(location(response))
    assert target.path == "/mot-de-passe/nouveau" and parse_qs(target.query)["phone"] == [PHONE]
    page = text(client.get(location(response)))
    assert "Si un compte correspond à ce numéro, un code vient de lui être envoyé par SMS." in page
    code = f.last_code(PHONE)

    data = {"phone": PHONE, "code": code, "password": "Nouveau-Mot-77", "confirm": "Autre-chose-77"}
    response = post(client, "/mot-de-passe/nouveau", data)
    assert response.status_code == 400 and "Les deux mots de passe ne sont pas identiques." in text(response)

    data["confirm"] = data["password"]
    response = post(client, "/mot-de-passe/nouveau", data)
    assert response.status_code == 302 and location(response) == "/connexion"
    response = post(client, "/mot-de-passe/nouveau", data)  # the code served once
    assert response.status_code == 400 and "Ce code a expiré ou a déjà servi." in text(response)

    assert login(client, PHONE, PASSWORD).status_code == 400
    assert login(client, PHONE, "Nouveau-Mot-77").status_code == 302


def test_password_reset_answer_is_the_same_for_an_unknown_number(client, app):
    response = post(client, "/mot-de-passe/oublie", {"identifier": "6 99 99 99 99"})
    assert response.status_code == 302 and "/mot-de-passe/nouveau" in location(response)
    assert f.outbox() == []


def _reset_link(email):
    body = f.outbox(email)[0].body
    return urlsplit(re.search(r"https?://\S+/mot-de-passe/lien/\S+", body).group(0)).path


def test_password_reset_by_email_link_works_once(client, app):
    f.user(email="awa@example.cm", email_verified_at=utcnow())
    response = post(client, "/mot-de-passe/oublie", {"identifier": "awa@example.cm"})
    assert response.status_code == 302 and location(response) == "/connexion"
    link = _reset_link("awa@example.cm")
    assert client.get(link).status_code == 200

    data = {"password": "Nouveau-Mot-77", "confirm": "Nouveau-Mot-77"}
    response = post(client, link, data)
    assert response.status_code == 302 and location(response) == "/connexion"
    assert login(client, "awa@example.cm", "Nouveau-Mot-77").status_code == 302
    post(client, "/deconnexion", page="/compte")

    response = client.get(link)
    assert response.status_code == 400
    assert "Ce lien a déjà servi ou n'est plus valable." in text(response)
    response = client.post(link, data={"csrf_token": csrf_token(client), **data})
    assert response.status_code == 400


def test_expired_reset_link_is_refused(client, app, monkeypatch):
    f.user(email="awa@example.cm", email_verified_at=utcnow())
    post(client, "/mot-de-passe/oublie", {"identifier": "awa@example.cm"})
    link = _reset_link("awa@example.cm")
    monkeypatch.setattr(passwords, "RESET_LINK_AGE", -1)
    response = client.get(link)
    assert response.status_code == 400
    assert "Ce lien a expiré. Demandez-en un nouveau." in text(response)


def test_tampered_reset_link_is_refused(client, app):
    response = client.get("/mot-de-passe/lien/not-a-real-token")
    assert response.status_code == 400 and "Ce lien n'est pas valide." in text(response)


# --- limits and CSRF ---------------------------------------------------------------------------

def test_per_ip_limiter_answers_429_with_a_clear_page(client, app):
    allowed = min(item.amount for item in parse_many(app.config["AUTH_RATE_LIMIT"]))
    for _ in range(allowed):
        assert login(client, "nobody@example.cm", "whatever").status_code == 400
    response = login(client, "nobody@example.cm", "whatever")
    assert response.status_code == 429
    assert "Trop de tentatives. Patientez un instant puis réessayez." in text(response)
    assert client.get("/connexion").status_code == 200  # reading the page is not limited


def test_a_post_without_csrf_token_is_refused_clearly(client, app):
    f.user(phone=PHONE)
    response = client.post("/connexion", data={"identifier": PHONE, "password": PASSWORD})
    html = text(response)
    assert response.status_code == 400
    assert "Le formulaire a expiré : vérifiez et envoyez à nouveau." in html
    assert f'value="{PHONE}"' in html and PASSWORD not in html  # the sign-in form again, without the password
    assert not signed_in(client)


def test_every_auth_and_account_view_declares_its_access(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("auth", "account"):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "access", None), rule.endpoint


def test_pages_speak_english_when_asked(client, app):
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = text(client.get("/connexion"))
    assert 'lang="en"' in page and "Remember me" in page and "Sign in" in page
