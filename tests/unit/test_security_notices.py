"""Security notices: a sign-in from a browser or app the account never used, and a changed password, are
told to the account's owner (through the notification engine), on the web and in the app alike."""
from tests import factories as f
from tests.web.test_account import PASSWORD
from tests.web.test_auth import post
from vgk.extensions import db
from vgk.services.accounts import passwords, sessions

PHONE_CHROME = "Mozilla/5.0 (Linux; Android 13; TECNO KI5) AppleWebKit/537.36 Chrome/119.0 Mobile Safari/537.36"
PHONE_CHROME_LATER = "Mozilla/5.0 (Linux; Android 14; TECNO KI5) AppleWebKit/537.36 Chrome/121.0 Mobile Safari/537.36"
PC_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"


def _mail(user):
    return [(message.subject, message.body) for message in f.outbox(user.email)]


def test_a_sign_in_from_a_new_browser_is_told_but_never_the_first_nor_a_known_one(app):
    user = f.user()
    sessions.start(user, ip="127.0.0.1", user_agent=PHONE_CHROME)  # the very first sign-in
    sessions.start(user, ip="127.0.0.1", user_agent=PHONE_CHROME_LATER)  # same phone, browser updated
    assert _mail(user) == []
    sessions.start(user, ip="127.0.0.1", user_agent=PC_FIREFOX)
    [(subject, body)] = _mail(user)
    assert subject == "Nouvelle connexion"
    assert "Nouvelle connexion à votre compte depuis Firefox · Windows." in body
    assert body.count("/compte/sessions") == 1
    sessions.start(user, ip="127.0.0.1", user_agent=PC_FIREFOX)  # known now
    assert len(_mail(user)) == 1


def test_a_staff_pin_unlock_is_not_a_new_sign_in(app):
    user = f.user()
    sessions.start(user, user_agent=PHONE_CHROME)
    sessions.start(user, user_agent=PC_FIREFOX, method="pin")
    assert _mail(user) == []


def test_the_notice_goes_by_sms_to_an_account_without_email_in_its_language(app):
    user = f.user(email=None, locale="en")
    sessions.start(user, user_agent=PHONE_CHROME)
    sessions.start(user, user_agent=PC_FIREFOX)
    [sms] = f.outbox(user.phone)
    assert sms.body.startswith("VGK : New sign-in to your account from Firefox · Windows.")


def test_a_password_reset_by_code_is_told(app):
    user = f.user()
    passwords.request_password_reset(user.phone)
    passwords.reset_password_with_code(user.phone, f.last_code(user.phone), "Nouveau-Mot-77")
    [(subject, body)] = _mail(user)
    assert subject == "Mot de passe changé" and "changé" in body


def test_a_password_changed_on_the_web_is_told(app, client):
    user = f.user(password=PASSWORD)
    f.sign_in(client, user)
    response = post(client, "/compte/mot-de-passe",
                    {"current_password": PASSWORD, "password": "Nouveau-Mot-77", "confirm": "Nouveau-Mot-77"})
    assert response.status_code == 302
    assert [subject for subject, _ in _mail(user)] == ["Mot de passe changé"]


def test_a_password_changed_in_the_app_is_told(app):
    user = f.user(password="old-secret-pass-1")
    app_client, headers = app.test_client(), f.bearer(user)
    wrong = app_client.post("/mobile/api/client/change_password/", headers=headers,
                            json={"current_password": "nope", "new_password": "new-secret-pass-2"})
    assert wrong.status_code == 400
    assert _mail(user) == []  # nothing changed, nothing told
    done = app_client.post("/mobile/api/client/change_password/", headers=headers,
                           json={"current_password": "old-secret-pass-1", "new_password": "new-secret-pass-2"})
    assert done.status_code == 200
    db.session.expire_all()
    assert [subject for subject, _ in _mail(user)] == ["Mot de passe changé"]
