"""The "Mes notifications" page: a person sees how they are told about each kind of message, changes it
with a plain form, and a bad value changes nothing."""
from tests import factories as f
from tests.web.test_auth import post, text
from vgk.extensions import db
from vgk.models import NotificationSettings
from vgk.services.notifications.preferences import accepted

PAGE = "/compte/notifications/preferences"


def _checked(page, category, channel):
    import re

    box = re.search(rf'<input type="checkbox" name="{category}" value="{channel}"([^>]*)>', page)
    assert box, (category, channel)
    return " checked" in box.group(1)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "next=" in response.headers["Location"]


def test_the_page_shows_the_defaults_in_words(client, app):
    user = f.user()
    f.sign_in(client, user)
    response = client.get(PAGE)
    page = text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    for words in ("Commandes et paiements", "Sécurité du compte", "Alertes", "Nouveautés",
                  "Notification sur ce téléphone", "WhatsApp", "Enregistrer mes choix"):
        assert words in page
    assert "transactional<" not in page and ">push<" not in page
    assert _checked(page, "transactional", "sms") and not _checked(page, "transactional", "whatsapp")
    assert 'value="sms" checked disabled' in page  # security by SMS: always on, and said why
    assert "Toujours par SMS" in page
    assert 'value="21:00"' in page and 'value="07:00"' in page
    assert 'href="/compte/notifications/preferences"' in text(client.get("/compte/notifications"))


def test_saving_keeps_every_choice(client, app):
    user = f.user()
    f.sign_in(client, user)
    response = post(client, PAGE, {"transactional": ["whatsapp", "sms"], "security": [], "chat": ["push"],
                                   "alerts": [], "news": ["email"], "quiet_start": "22:30",
                                   "quiet_end": "06:00", "language": "en"})
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    assert accepted(user, "transactional") == {"whatsapp", "sms"}
    assert accepted(user, "security") == {"sms"}  # SMS stays on for security, whatever was sent
    assert accepted(user, "alerts") == set()
    settings = db.session.get(NotificationSettings, user.id)
    assert (settings.quiet_start, settings.quiet_end) == (22 * 60 + 30, 6 * 60)
    assert user.locale == "en"
    page = text(client.get(PAGE))
    assert "Your notification choices are saved." in page  # in the newly chosen language
    assert _checked(page, "transactional", "whatsapp") and not _checked(page, "alerts", "push")
    assert 'value="22:30"' in page


def test_a_bad_hour_changes_nothing(client, app):
    user = f.user()
    f.sign_in(client, user)
    response = post(client, PAGE, {"transactional": ["sms"], "quiet_start": "25:00", "quiet_end": "07:00",
                                   "language": "fr"})
    assert response.status_code == 400 and "Indiquez une heure comme 21:00." in text(response)
    assert accepted(user, "transactional") == {"push", "sms", "email"}  # the channels were not written either
    assert db.session.get(NotificationSettings, user.id) is None


def test_an_unknown_channel_or_language_is_refused(client, app):
    user = f.user()
    f.sign_in(client, user)
    response = post(client, PAGE, {"transactional": ["pigeon"], "quiet_start": "21:00", "quiet_end": "07:00",
                                   "language": "fr"})
    assert response.status_code == 400 and "Choix de canaux invalide." in text(response)
    response = post(client, PAGE, {"quiet_start": "21:00", "quiet_end": "07:00", "language": "de"})
    assert response.status_code == 400 and "Choisissez le français ou l'anglais." in text(response)
    assert accepted(user, "news") == {"email", "push"} and user.locale == "fr"
