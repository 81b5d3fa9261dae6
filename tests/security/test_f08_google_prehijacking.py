"""Finding 8: Google account pre-hijacking. Sign-up never verified the email, and Google sign-in
linked any account whose email matched: an attacker could register with a victim's address, wait for
the victim to "Continue with Google" into the attacker's account, and keep the password. Emails are now
verified by a signed link (re-sendable); Google links only to an account whose email is verified, and
refuses otherwise with a message; reset links never go to an unverified address."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.web.test_auth import location, post, text
from tests.web.test_google_login import browser_session, flashed, google_sign_in, signed_in_user
from vgk.extensions import db
from vgk.models import AuthSession, User
from vgk.models.base import utcnow

VICTIM = "victim@example.cm"


def refreshed(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def verification_link(email):
    messages = [m for m in f.outbox(email) if "/email/verifier/" in m.body]
    assert messages, f"no verification link sent to {email}"
    return urlsplit(re.search(r"https?://\S+/email/verifier/\S+", messages[0].body).group(0)).path


def attacker_registers(client, email=VICTIM):
    f.city("Douala", slug="douala")
    response = post(client, "/inscription", {"name": "Eve Attaquante", "phone": "6 90 33 44 55", "email": email,
                                             "city": "douala", "password": "Eve-Mot-2024", "accept_terms": "y"},
                    page="/inscription")
    assert response.status_code == 302
    return db.session.scalar(select(User).where(User.email == email))


def sessions_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuthSession))


# --- the attack ------------------------------------------------------------------------------------

def test_google_does_not_take_the_victim_into_a_pre_registered_account(google_app, oidc_fake):
    squatted = attacker_registers(google_app.test_client())
    assert squatted.email_verified_at is None
    victim = google_app.test_client()
    oidc_fake.login_as("g-victim", VICTIM, email_verified=True, name="Victime")

    response = google_sign_in(victim, oidc_fake)

    assert response.status_code == 302 and urlsplit(location(response)).path == "/connexion"
    assert any("vérifiez votre adresse email" in message for message in flashed(victim)), flashed(victim)
    assert "_user_id" not in browser_session(victim) and signed_in_user(victim) is None
    assert refreshed(squatted).google_sub is None
    assert sessions_count() == 0


def test_the_api_refuses_the_same_link_clearly(google_app, oidc_fake):
    squatted = f.user(email=VICTIM)  # registered, never verified
    token = oidc_fake.mobile_id_token(sub="g-victim", email=VICTIM, email_verified=True)
    response = ApiClient(google_app).post("auth/google_oauth/", json={"id_token": token})
    assert response.status_code == 409
    assert response.get_json()["error"]["fields"] == {"google": "account_email_unverified"}
    assert "vérifiez votre adresse email" in response.get_json()["error"]["message"]
    assert refreshed(squatted).google_sub is None and sessions_count() == 0


# --- verifying the email, then Google links -----------------------------------------------------------

def test_sign_up_sends_a_verification_link_that_verifies_the_email(google_app, oidc_fake):
    browser = google_app.test_client()
    user = attacker_registers(browser, email="owner@example.cm")
    link = verification_link("owner@example.cm")
    response = browser.get(link)
    assert response.status_code == 302
    assert refreshed(user).email_verified_at is not None
    # Now the owner of the address (and of the account) may use Google.
    oidc_fake.login_as("g-owner", "owner@example.cm", email_verified=True)
    stranger = google_app.test_client()
    google_sign_in(stranger, oidc_fake)
    assert refreshed(user).google_sub == "g-owner"


def test_a_tampered_or_outdated_link_verifies_nothing(app, client):
    user = f.user(email="first@example.cm")
    f.sign_in(client, user)
    post(client, "/compte/email/verifier", page="/compte")
    link = verification_link("first@example.cm")
    assert client.get(link + "x").status_code == 400
    user.email = "second@example.cm"  # the address changed since the link was sent
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400 and "plus valable" in text(response)
    assert refreshed(user).email_verified_at is None


def test_the_link_can_be_sent_again_from_the_account_and_the_app(app, client):
    user = f.user(email="again@example.cm")
    f.sign_in(client, user)
    overview = text(client.get("/compte"))
    assert "non vérifiée" in overview and "/compte/email/verifier" in overview
    response = post(client, "/compte/email/verifier", page="/compte")
    assert response.status_code == 302 and len(f.outbox("again@example.cm")) == 1

    api = ApiClient(app)
    sent = api.post("auth/resend_email/", user=user)
    assert sent.status_code == 200 and len(f.outbox("again@example.cm")) == 2
    assert client.get(verification_link("again@example.cm")).status_code == 302
    assert refreshed(user).email_verified_at is not None
    assert "non vérifiée" not in text(client.get("/compte"))


# --- password reset: no link to an unverified address; SMS still works -----------------------------------

def test_no_reset_link_goes_to_an_unverified_address(app, client):
    user = f.user(email="unverified@example.cm", phone="+237690330011")
    response = post(client, "/mot-de-passe/oublie", {"identifier": "unverified@example.cm"})
    assert response.status_code == 302  # the same answer as for any address
    assert f.outbox("unverified@example.cm") == []
    response = post(client, "/mot-de-passe/oublie", {"identifier": "690330011"})
    assert response.status_code == 302 and f.last_code("+237690330011")
    user.email_verified_at = utcnow()
    db.session.commit()
    post(client, "/mot-de-passe/oublie", {"identifier": "unverified@example.cm"})
    assert "/mot-de-passe/lien/" in f.outbox("unverified@example.cm")[0].body


def test_the_app_sign_up_sends_the_link_too(app):
    f.city("Douala", slug="douala")
    response = ApiClient(app).post("auth/register/", json={"name": "Awa", "phone": "677112299",
                                                           "password": "Bon-Mot-2024", "email": "app@example.cm",
                                                           "city": "douala"})
    assert response.status_code == 201
    assert verification_link("app@example.cm")


def test_demo_accounts_are_seeded_verified(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--products", "1"])
    assert result.exit_code == 0, result.output
    demo = db.session.scalars(select(User).where(User.email.like("%@vgk.test"))).all()
    assert {"admin@vgk.test", "vendeur@vgk.test", "staff.douala@vgk.test"} <= {user.email for user in demo}
    assert [user.email for user in demo if user.email_verified_at is None] == []


def test_an_abandoned_squatting_sign_up_gives_way_to_the_google_owner(google_app, oidc_fake):
    """A sign-up nobody ever verified nor used, older than an hour, does not hold the address."""
    squatter_id = f.user(email=VICTIM, created_at=utcnow() - timedelta(hours=2)).public_id
    token = oidc_fake.mobile_id_token(sub="g-victim", email=VICTIM, email_verified=True)
    response = ApiClient(google_app).post("auth/google_oauth/", json={"id_token": token})
    assert response.status_code == 200 and response.get_json()["tokens"]
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.public_id == squatter_id)) is None
    owner = db.session.scalar(select(User).where(User.email == VICTIM))
    assert owner.google_sub == "g-victim" and owner.password_hash is None
