"""Google sign-in driven end to end against a fake OpenID Connect provider on 127.0.0.1.

The test client plays the browser on our side; `requests` plays it on the provider's side (its
/authorize answers at once with a redirect back to our callback). Authlib really fetches the
discovery document, exchanges the code (client_secret_basic + PKCE), fetches the JWKS and checks
the RS256 ID token (issuer, audience, expiry, nonce).
"""
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from tests import factories
from tests.conftest import make_app
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import AuthSession, Role, TwoFactor, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts import sessions

CALLBACK = "/connexion/google/retour"


@pytest.fixture
def browser(google_app):
    return google_app.test_client()


# --- helpers ------------------------------------------------------------------------------------

def to_provider(browser, fake, next_url=None):
    """Start the sign-in; returns the provider's answer (a redirect back to our callback)."""
    response = browser.get("/connexion/google" + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    assert response.status_code == 302
    authorize = response.headers["Location"]
    assert authorize.startswith(fake.url + "/authorize?")
    answer = requests.get(authorize, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return answer.headers["Location"]


def back_to_us(browser, location, **replace):
    parts = urlsplit(location)
    assert parts.path == CALLBACK
    query = dict(parse_qsl(parts.query))
    query.update(replace)
    return browser.get(f"{CALLBACK}?{urlencode(query)}")


def google_sign_in(browser, fake, next_url=None):
    return back_to_us(browser, to_provider(browser, fake, next_url))


def browser_session(browser):
    with browser.session_transaction() as session:
        return dict(session)


def signed_in_user(browser):
    session_id = browser_session(browser).get("_user_id")
    return sessions.load(session_id) if session_id else None


def flashed(browser):
    return [message for _category, message in browser_session(browser).get("_flashes", [])]


def assert_refused(browser, response, message_part):
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/connexion"
    assert any(message_part in message for message in flashed(browser)), flashed(browser)
    assert "_user_id" not in browser_session(browser)


def users_with_email(email):
    return db.session.scalar(select(func.count()).select_from(User).where(func.lower(User.email) == email))


# --- configuration --------------------------------------------------------------------------------

def test_without_google_configuration_there_is_no_google_sign_in(app, client):
    assert "google" not in app.blueprints
    assert adapters_of(app).oauth is None
    assert client.get("/connexion/google").status_code == 404
    assert client.get(CALLBACK).status_code == 404
    for page in ("/connexion", "/inscription"):
        assert "Continuer avec Google" not in client.get(page).get_data(as_text=True)


def test_with_configuration_the_blueprint_and_the_template_flag_exist(google_app):
    assert "google" in google_app.blueprints
    with google_app.test_request_context("/connexion"):
        from flask import render_template_string

        assert render_template_string("{{ 'oui' if google_sign_in else 'non' }}") == "oui"
    for page in ("/connexion", "/inscription"):
        html = google_app.test_client().get(page).get_data(as_text=True)
        assert "Continuer avec Google" in html and 'href="/connexion/google' in html


# --- the happy paths ------------------------------------------------------------------------------

def test_a_new_google_user_gets_a_verified_account_and_is_signed_in(browser, oidc_fake):
    with browser.session_transaction() as session:
        session["lang"] = "en"
    oidc_fake.login_as("g-100", "Nadege.Ekane@Example.cm", email_verified=True, name="Nadège Ekane")

    response = google_sign_in(browser, oidc_fake)

    assert response.status_code == 302 and response.headers["Location"] == "/compte"
    user = db.session.scalar(select(User).where(User.google_sub == "g-100"))
    assert user.email == "nadege.ekane@example.cm" and user.email_verified_at is not None
    assert user.name == "Nadège Ekane" and user.role == Role.CLIENT and user.password_hash is None
    assert signed_in_user(browser).id == user.id
    [auth_session] = db.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).all()
    assert auth_session.method == "google"
    session = browser_session(browser)
    assert session["lang"] == "en"  # the language choice survives the renewed session
    assert not [key for key in session if key.startswith("_state_google") or key == "google_next"]


def test_the_provider_saw_a_confidential_client_with_pkce_and_a_nonce(browser, oidc_fake):
    google_sign_in(browser, oidc_fake)
    [authorize] = oidc_fake.requests_to("/authorize")
    assert authorize["args"]["scope"] == "openid email profile"
    assert authorize["args"]["nonce"] and authorize["args"]["code_challenge_method"] == "S256"
    assert authorize["args"]["redirect_uri"] == "http://localhost" + CALLBACK
    [token] = oidc_fake.requests_to("/token")
    assert token["headers"]["Authorization"].startswith("Basic ")
    assert token["form"]["code_verifier"] and "client_secret" not in token["form"]


def test_a_safe_next_is_honoured_and_an_outside_one_ignored(browser, oidc_fake):
    response = google_sign_in(browser, oidc_fake, next_url="/panier?etape=2")
    assert response.headers["Location"] == "/panier?etape=2"

    stranger = browser.application.test_client()
    response = google_sign_in(stranger, oidc_fake, next_url="https://evil.example/connexion")
    assert response.headers["Location"] == "/compte"


def test_an_existing_account_with_the_same_verified_email_is_linked(browser, oidc_fake):
    existing = factories.user(email="amina@example.cm", name="Amina Njoya", email_verified_at=utcnow())
    oidc_fake.login_as("g-200", "amina@example.cm", email_verified=True, name="Amina N.")

    response = google_sign_in(browser, oidc_fake)

    assert response.status_code == 302
    db.session.expire_all()
    assert users_with_email("amina@example.cm") == 1
    assert db.session.get(User, existing.id).google_sub == "g-200"
    assert db.session.get(User, existing.id).name == "Amina Njoya"  # the profile is not overwritten
    assert signed_in_user(browser).id == existing.id


def test_a_returning_google_user_is_found_by_google_id(browser, oidc_fake):
    existing = factories.user(email="old@example.cm", google_sub="g-300")
    oidc_fake.login_as("g-300", "new-address@example.cm", email_verified=True)
    google_sign_in(browser, oidc_fake)
    assert signed_in_user(browser).id == existing.id
    assert users_with_email("new-address@example.cm") == 0


def test_a_signed_in_visitor_is_not_sent_to_google_again(browser, oidc_fake):
    user = factories.user()
    factories.sign_in(browser, user)
    response = browser.get("/connexion/google")
    assert response.status_code == 302 and response.headers["Location"] == "/compte"
    assert oidc_fake.requests_to("/authorize") == []


# --- second factor --------------------------------------------------------------------------------

def test_an_account_with_a_second_factor_still_owes_it(browser, oidc_fake):
    user = factories.user(email="staff@example.cm", phone="+237690000777", phone_verified_at=utcnow(),
                          two_factor=TwoFactor.SMS, email_verified_at=utcnow())
    oidc_fake.login_as("g-400", "staff@example.cm", email_verified=True)

    response = google_sign_in(browser, oidc_fake, next_url="/compte/profil")

    assert response.status_code == 302 and response.headers["Location"] == "/connexion/code"
    state = browser_session(browser)["2fa"]
    assert state["uid"] == user.public_id and state["remember"] is False and state["next"] == "/compte/profil"
    assert "_user_id" not in browser_session(browser)
    assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 0
    factories.last_code("+237690000777")  # the sign-in code went out by SMS


def test_the_code_step_then_finishes_the_sign_in(browser, oidc_fake):
    factories.user(email="staff2@example.cm", phone="+237690000778", phone_verified_at=utcnow(),
                   two_factor=TwoFactor.SMS, email_verified_at=utcnow())
    oidc_fake.login_as("g-401", "staff2@example.cm", email_verified=True)
    google_sign_in(browser, oidc_fake)

    page = browser.get("/connexion/code")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = browser.post("/connexion/code", data={"csrf_token": token, "code": factories.last_code("+237690000778")})
    assert response.status_code == 302
    assert signed_in_user(browser).email == "staff2@example.cm"


# --- refusals: always a message on the sign-in page, never a 500 ----------------------------------

def test_an_unverified_google_email_is_refused(browser, oidc_fake):
    oidc_fake.login_as("g-500", "unverified@example.cm", email_verified=False)
    response = google_sign_in(browser, oidc_fake)
    assert_refused(browser, response, "n'est pas vérifiée")
    assert users_with_email("unverified@example.cm") == 0


def test_an_unverified_email_does_not_take_over_an_existing_account(browser, oidc_fake):
    existing = factories.user(email="victim@example.cm")
    oidc_fake.login_as("g-501", "victim@example.cm", email_verified=False)
    response = google_sign_in(browser, oidc_fake)
    assert_refused(browser, response, "n'est pas vérifiée")
    db.session.expire_all()
    assert db.session.get(User, existing.id).google_sub is None


def test_a_suspended_account_is_refused(browser, oidc_fake):
    factories.user(email="suspended@example.cm", google_sub="g-600", status=UserStatus.SUSPENDED)
    oidc_fake.login_as("g-600", "suspended@example.cm", email_verified=True)
    response = google_sign_in(browser, oidc_fake)
    assert_refused(browser, response, "suspendu")
    assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 0


def test_cancelling_at_google_comes_back_with_a_message(browser, oidc_fake):
    oidc_fake.deny_next()
    location = to_provider(browser, oidc_fake)
    assert "error=access_denied" in location
    response = back_to_us(browser, location)
    assert_refused(browser, response, "annulée")
    assert oidc_fake.requests_to("/token") == []
    assert not [key for key in browser_session(browser) if key.startswith("_state_google")]


def test_a_tampered_state_is_refused(browser, oidc_fake):
    location = to_provider(browser, oidc_fake)
    response = back_to_us(browser, location, state="forged-state")
    assert_refused(browser, response, "a échoué")
    assert oidc_fake.requests_to("/token") == []  # the code was never exchanged
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_callback_without_a_sign_in_in_progress_is_refused(browser, oidc_fake):
    response = browser.get(f"{CALLBACK}?code=abc&state=xyz")
    assert_refused(browser, response, "a échoué")
    assert browser.get(CALLBACK).status_code == 302


def test_a_replayed_callback_is_refused(browser, oidc_fake):
    location = to_provider(browser, oidc_fake)
    assert back_to_us(browser, location).headers["Location"] == "/compte"
    replay = browser.application.test_client()
    assert_refused(replay, back_to_us(replay, location), "a échoué")
    assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 1


@pytest.mark.parametrize("tamper", ["nonce", "signature", "audience", "expired"])
def test_an_id_token_that_fails_its_checks_is_refused(browser, oidc_fake, tamper):
    oidc_fake.tamper = tamper
    response = google_sign_in(browser, oidc_fake)
    assert_refused(browser, response, "a échoué")
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_refused_code_exchange_is_refused(browser, oidc_fake):
    location = to_provider(browser, oidc_fake)
    oidc_fake.reset()  # the provider forgot the code
    assert_refused(browser, back_to_us(browser, location), "a échoué")


def test_an_unreachable_provider_is_a_message_not_a_500(tmp_path, media_root):
    from tests.servers import free_port

    app = make_app(f"sqlite:///{tmp_path / 'down.sqlite3'}", media_root, GOOGLE_CLIENT_ID="id",
                   GOOGLE_CLIENT_SECRET="secret",
                   GOOGLE_DISCOVERY_URL=f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration")
    client = app.test_client()
    response = client.get("/connexion/google")
    assert_refused(client, response, "indisponible")
