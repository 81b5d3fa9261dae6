"""A signed-in person's own account pages over HTTP: profile, phone, password, second factor,
sessions and deletion. CSRF is on; every POST carries the token read from a page first."""
import re

import pyotp
import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.web.test_auth import location, login, post, text
from vgk.extensions import db
from vgk.models import AuthSession, OneTimeCode, ProductStatus, RecoveryCode, Role, TwoFactor, UserStatus
from vgk.models.base import utcnow

PHONE = "+237690112233"
NEW_PHONE = "+237677000001"
PASSWORD = "secret-pass-1"

ACCOUNT_PAGES = ["/compte", "/compte/profil", "/compte/telephone", "/compte/mot-de-passe", "/compte/securite",
                 "/compte/securite/application", "/compte/sessions", "/compte/supprimer"]


@pytest.fixture
def user(app):
    return f.user(name="Awa Ngono", phone=PHONE, email="awa@example.cm", phone_verified_at=utcnow(),
                  email_verified_at=utcnow())


@pytest.fixture
def me(client, user):
    """The client, signed in as `user`."""
    f.sign_in(client, user)
    return client


def refreshed(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# --- access --------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_anonymous_visitor_is_sent_to_login_and_back(client, app, url):
    response = client.get(url)
    assert response.status_code == 302
    assert location(response) == f"/connexion?next={url}"


def test_account_pages_are_never_stored(me):
    for url in ACCOUNT_PAGES:
        response = me.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_overview_shows_the_account(me, user):
    page = text(me.get("/compte"))
    assert "Awa Ngono" in page and "+237 690 11 22 33" in page and "awa@example.cm" in page
    assert "vérifié" in page and "Client" in page
    for url in ACCOUNT_PAGES[1:]:
        if url != "/compte/securite/application":
            assert f'href="{url}"' in page, url


def test_overview_offers_to_verify_an_unverified_phone(client, app):
    user = f.user(phone=PHONE)
    f.sign_in(client, user)
    page = text(client.get("/compte"))
    assert "non vérifié" in page and 'href="/compte/telephone"' in page


# --- profile -------------------------------------------------------------------------------------

def test_profile_edit(me, user):
    yaounde = f.city("Yaoundé", slug="yaounde")
    response = post(me, "/compte/profil", {"name": "  Awa   Ngono Mballa ", "city": "yaounde", "locale": "fr"})
    assert response.status_code == 302 and location(response) == "/compte"
    saved = refreshed(user)
    assert saved.name == "Awa Ngono Mballa" and saved.city == yaounde
    page = text(me.get("/compte"))
    assert "Profil enregistré." in page and "Yaoundé" in page


def test_profile_refuses_an_empty_name(me, user):
    response = post(me, "/compte/profil", {"name": "A", "city": "", "locale": "fr"})
    assert response.status_code == 400 and "Indiquez votre nom." in text(response)
    assert refreshed(user).name == "Awa Ngono"


def test_language_change(me, user):
    response = post(me, "/compte/profil", {"name": "Awa Ngono", "city": "", "locale": "en"})
    assert response.status_code == 302
    assert refreshed(user).locale == "en"
    with me.session_transaction() as session:
        assert session["lang"] == "en"
    page = text(me.get("/compte"))
    assert '<html lang="en">' in page and "Profile saved." in page


# --- phone ---------------------------------------------------------------------------------------

def test_phone_change_needs_the_code_sent_to_the_new_number(me, user):
    response = post(me, "/compte/telephone", {"phone": "6 77 00 00 01"})
    assert response.status_code == 302 and location(response) == "/compte/telephone"
    assert refreshed(user).phone == PHONE  # nothing changes before the code
    page = text(me.get("/compte/telephone"))
    assert "+237 677 00 00 01" in page

    code = f.last_code(NEW_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    response = post(me, "/compte/telephone/confirmer", {"code": wrong}, page="/compte/telephone")
    assert response.status_code == 400 and "Code incorrect." in text(response)

    response = post(me, "/compte/telephone/confirmer", {"code": code}, page="/compte/telephone")
    assert response.status_code == 302 and location(response) == "/compte"
    saved = refreshed(user)
    assert saved.phone == NEW_PHONE and saved.phone_verified


def test_phone_change_refuses_a_number_in_use_or_foreign(me, user):
    f.user(phone=NEW_PHONE)
    response = post(me, "/compte/telephone", {"phone": NEW_PHONE})
    assert response.status_code == 400 and "Ce numéro est déjà utilisé par un compte." in text(response)
    response = post(me, "/compte/telephone", {"phone": "+33 6 12 34 56 78"})
    assert response.status_code == 400 and "Indiquez un numéro camerounais valide" in text(response)
    assert f.outbox() == []


def test_unverified_phone_can_be_verified_from_the_account(client, app):
    user = f.user(phone=PHONE)
    f.sign_in(client, user)
    response = post(client, "/compte/telephone/code", page="/compte/telephone")
    assert response.status_code == 302
    response = post(client, "/compte/telephone/verifier", {"verify-code": f.last_code(PHONE)}, page="/compte/telephone")
    assert response.status_code == 302
    assert refreshed(user).phone_verified


# --- password --------------------------------------------------------------------------------------

def test_password_change_signs_out_the_other_sessions(app, me, user):
    other = app.test_client()
    f.sign_in(other, user)
    assert other.get("/compte").status_code == 200

    response = post(me, "/compte/mot-de-passe",
                    {"current_password": "wrong-one", "password": "Nouveau-Mot-77", "confirm": "Nouveau-Mot-77"})
    assert response.status_code == 400 and "Mot de passe actuel incorrect." in text(response)
    response = post(me, "/compte/mot-de-passe",
                    {"current_password": PASSWORD, "password": "court", "confirm": "court"})
    assert response.status_code == 400 and "au moins 8 caractères" in text(response)

    response = post(me, "/compte/mot-de-passe",
                    {"current_password": PASSWORD, "password": "Nouveau-Mot-77", "confirm": "Nouveau-Mot-77"})
    assert response.status_code == 302
    assert me.get("/compte").status_code == 200  # this browser stays signed in
    response = other.get("/compte")
    assert response.status_code == 302 and location(response).startswith("/connexion")

    third = app.test_client()
    assert login(third, PHONE, "Nouveau-Mot-77").status_code == 302


# --- second factor --------------------------------------------------------------------------------

def test_authenticator_app_setup_shows_recovery_codes_once(me, user):
    page = text(me.get("/compte/securite/application"))
    assert "<svg" in page
    shown = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    secret = shown.replace(" ", "")
    assert len(secret) >= 16
    assert shown in text(me.get("/compte/securite/application"))  # the same secret until set up

    right = pyotp.TOTP(secret).now()
    response = post(me, "/compte/securite/application", {"code": "123456" if right != "123456" else "654321"})
    assert response.status_code == 400 and "Code incorrect." in text(response)

    response = post(me, "/compte/securite/application", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", text(response))
    assert len(codes) == 10
    assert response.headers["Cache-Control"] == "no-store"
    saved = refreshed(user)
    assert saved.two_factor == TwoFactor.TOTP and saved.totp_secret == secret
    page = text(me.get("/compte/securite"))
    assert not any(code in page for code in codes)  # shown once only


def test_sms_and_email_factors_and_new_recovery_codes(me, user):
    response = post(me, "/compte/securite/sms", page="/compte/securite")
    assert response.status_code == 200
    first = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", text(response))
    assert len(first) == 10 and refreshed(user).two_factor == TwoFactor.SMS

    response = post(me, "/compte/securite/email", page="/compte/securite")
    assert response.status_code == 302  # recovery codes kept: none shown again
    assert refreshed(user).two_factor == TwoFactor.EMAIL

    response = post(me, "/compte/securite/codes", page="/compte/securite")
    second = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", text(response))
    assert len(second) == 10 and not set(first) & set(second)


def test_sms_factor_needs_a_verified_phone(client, app):
    user = f.user(phone=PHONE)
    f.sign_in(client, user)
    response = post(client, "/compte/securite/sms", page="/compte/securite")
    assert response.status_code == 400 and "Vérifiez d'abord votre numéro de téléphone." in text(response)
    assert refreshed(user).two_factor is None


def test_client_can_turn_the_second_factor_off(me, user):
    user.two_factor = TwoFactor.SMS
    db.session.commit()
    response = post(me, "/compte/securite/desactiver", page="/compte/securite")
    assert response.status_code == 302
    assert refreshed(user).two_factor is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_staff_and_admin_cannot_turn_the_second_factor_off(client, app, role):
    person = f.user(role=role, phone=PHONE, phone_verified_at=utcnow(), two_factor=TwoFactor.SMS)
    f.sign_in(client, person)
    assert "Désactiver la double authentification" not in text(client.get("/compte/securite"))
    response = post(client, "/compte/securite/desactiver", page="/compte/securite")
    assert response.status_code == 403
    assert "Vous n'avez pas accès à cette page." in text(response)
    assert refreshed(person).two_factor == TwoFactor.SMS


# --- sessions ---------------------------------------------------------------------------------------

def test_sessions_list_revoke_one_and_sign_out_everywhere(app, me, user):
    phone_client, tablet_client = app.test_client(), app.test_client()
    on_phone = f.sign_in(phone_client, user)
    f.sign_in(tablet_client, user)

    page = text(me.get("/compte/sessions"))
    assert page.count('class="sess"') == 3 and page.count("cette session") == 1
    assert "127.0.0.1" in page

    response = post(me, f"/compte/sessions/{on_phone.public_id}/revoquer", page="/compte/sessions")
    assert response.status_code == 302
    assert phone_client.get("/compte").status_code == 302
    assert tablet_client.get("/compte").status_code == 200 and me.get("/compte").status_code == 200

    response = post(me, "/compte/sessions/tout", page="/compte/sessions")
    assert response.status_code == 302 and location(response) == "/"
    assert "Vous êtes déconnecté de tous vos appareils." in text(me.get("/"))
    assert me.get("/compte").status_code == 302
    assert tablet_client.get("/compte").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.revoked_at.is_(None))) == 0


def test_revoking_with_htmx_removes_the_row_in_place(app, me, user):
    other = app.test_client()
    elsewhere = f.sign_in(other, user)
    response = post(me, f"/compte/sessions/{elsewhere.public_id}/revoquer", page="/compte/sessions",
                    headers={"HX-Request": "true"})
    assert response.status_code == 200 and text(response) == ""
    assert other.get("/compte").status_code == 302


def test_someone_elses_session_cannot_be_revoked(app, me):
    stranger = f.user()
    theirs = app.test_client()
    their_session = f.sign_in(theirs, stranger)
    post(me, f"/compte/sessions/{their_session.public_id}/revoquer", page="/compte/sessions")
    assert theirs.get("/compte").status_code == 200


# --- deletion ----------------------------------------------------------------------------------------

def test_delete_account_erases_personal_data_and_archives_listings(me, user):
    post(me, "/compte/telephone", {"phone": "6 77 00 00 01"})  # leaves a code naming the number
    listing = f.product(seller=user)
    sold = f.product(seller=user, status=ProductStatus.SOLD)

    response = post(me, "/compte/supprimer", {"password": "wrong-password", "confirm": "y"})
    assert response.status_code == 400 and "Mot de passe incorrect." in text(response)
    response = post(me, "/compte/supprimer", {"password": PASSWORD})
    assert response.status_code == 400 and "Cochez la case pour confirmer." in text(response)
    assert refreshed(user).status == UserStatus.ACTIVE

    response = post(me, "/compte/supprimer", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302 and location(response) == "/"
    saved = refreshed(user)
    assert saved.status == UserStatus.DELETED
    assert saved.name == "Compte supprimé" and saved.email is None and saved.phone is None
    assert saved.password_hash is None
    assert db.session.scalar(select(func.count()).select_from(OneTimeCode)) == 0
    assert refreshed(listing).status == ProductStatus.ARCHIVED
    assert refreshed(sold).status == ProductStatus.SOLD
    assert me.get("/compte").status_code == 302
    assert "Votre compte a été supprimé." in text(me.get("/"))


def test_account_without_password_is_deleted_with_the_checkbox_alone(client, app):
    person = f.user(email="google-only@example.cm", phone=None)
    person.password_hash = None  # signed up with Google
    db.session.commit()
    f.sign_in(client, person)
    assert 'type="password"' not in text(client.get("/compte/supprimer"))
    response = post(client, "/compte/supprimer", {"confirm": "y"})
    assert response.status_code == 302
    assert refreshed(person).status == UserStatus.DELETED


def test_an_account_made_with_google_chooses_a_first_password(client, app):
    from vgk.services.accounts import google

    google_user = google.sign_in_with_google({"sub": "g-77", "email": "g77@example.cm", "email_verified": True})
    f.sign_in(client, google_user)
    page = text(client.get("/compte/mot-de-passe"))
    assert "Choisir un mot de passe" in page and 'name="current_password"' not in page
    response = post(client, "/compte/mot-de-passe",
                    {"password": "premier-mot-de-passe", "confirm": "premier-mot-de-passe"})
    assert response.status_code == 302
    assert refreshed(google_user).password_hash


def test_changing_an_existing_password_still_needs_the_current_one(me, user):
    response = post(me, "/compte/mot-de-passe",
                    {"current_password": "", "password": "nouveau-mot-de-passe", "confirm": "nouveau-mot-de-passe"})
    assert response.status_code == 400
    assert "Mot de passe actuel incorrect." in text(response)
