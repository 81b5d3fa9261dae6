"""The settings page: admins change the commission, hold times and banned words; a wrong value shows an
error and saves nothing; the change reads as words in the journal; nobody else may open it."""
import pytest

from tests import factories as f
from tests.web.test_admin_places import admin  # noqa: F401
from tests.web.test_admin_users import csrf
from vgk.extensions import db
from vgk.models import AuditEntry, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.backoffice import settings

VALID = {"commission_percent": "12", "reservation_minutes": "45", "cash_hold_hours": "48",
         "drop_off_reminder_hours": "12", "banned_words": "Fusil\ntortue marine\nfusil"}


def save(client, **data):
    return client.post("/admin/reglages", data={"csrf_token": csrf(client, "/admin/reglages"), **data})


def test_the_page_shows_the_values_in_force(client, admin):
    response = client.get("/admin/reglages")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'name="commission_percent"' in html and 'value="10"' in html and "Enregistrer les réglages" in html
    assert 'href="/admin/reglages" aria-current="page"' in html


def test_saving_changes_the_values_and_the_journal_says_it_in_words(client, admin):
    response = save(client, **VALID)
    assert response.status_code == 302
    db.session.expire_all()
    assert settings.effective() == {"commission_percent": 12, "reservation_minutes": 45, "cash_hold_hours": 48,
                                    "drop_off_reminder_hours": 12, "banned_words": ["fusil", "tortue marine"]}
    page = client.get("/admin/reglages").get_data(as_text=True)
    assert "Réglages enregistrés." in page and 'value="12"' in page
    journal = client.get("/admin/journal").get_data(as_text=True)
    assert "Réglages modifiés" in journal and "Commission (%) : 10 → 12" in journal
    assert "Mots interdits" in journal and "fusil, tortue marine" in journal
    assert "commission_percent" not in journal and "<td>settings.update" not in journal


def test_a_wrong_value_shows_its_error_and_saves_nothing(client, admin):
    response = save(client, **{**VALID, "commission_percent": "80", "reservation_minutes": "2"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "rien n&#39;a été enregistré" in html or "rien n'a été enregistré" in html
    assert "de 0 à 50 %" in html and "de 5 à 1440 minutes" in html
    assert 'value="80"' in html  # what was typed stays in the form
    db.session.expire_all()
    assert settings.commission_percent() == 10 and settings.cash_hold_hours() == 72
    assert db.session.query(AuditEntry).count() == 0


@pytest.mark.parametrize("role", [Role.CLIENT, Role.STAFF])
def test_only_admins_may_see_or_change_the_settings(app, client, role):
    f.sign_in(client, f.user(role, two_factor=TwoFactor.SMS, phone_verified_at=utcnow()))
    assert client.get("/admin/reglages").status_code in (403, 404)
    token = csrf(client, "/compte")
    refused = client.post("/admin/reglages", data={"csrf_token": token, "commission_percent": "40"})
    assert refused.status_code in (403, 404)
    assert settings.commission_percent() == 10


def test_an_admin_without_a_second_factor_is_sent_to_set_one_up(app, client):
    f.sign_in(client, f.user(Role.ADMIN))
    response = client.get("/admin/reglages")
    assert response.status_code == 302 and "/compte/securite" in response.headers["Location"]
