"""The settings from the app: the values in force, a change (audited as on the admin page), a wrong value
refused with nothing saved, and nobody but an admin with a second factor."""
import json

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db
from vgk.models import AuditEntry, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.backoffice import settings


@pytest.fixture
def admin(app):
    return f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())


def test_read_and_change_the_settings(api, admin):
    values = api.get("admin/settings/", user=admin).get_json()["settings"]
    assert values["commission_percent"] == 10 and values["cash_hold_hours"] == 72
    change = {"commission_percent": 8, "banned_words": [" Tortue Marine ", "tortue marine"]}
    response = api.post("admin/settings/", change, user=admin)
    assert response.status_code == 200
    answer = response.get_json()["settings"]
    assert answer["commission_percent"] == 8 and answer["banned_words"] == ["tortue marine"]
    assert answer["reservation_minutes"] == 30  # not given: unchanged
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor_id) == ("settings.update", admin.id)
    assert json.loads(entry.after) == {"commission_percent": 8, "banned_words": ["tortue marine"]}


def test_a_wrong_value_is_a_400_and_nothing_is_saved(api, admin):
    response = api.post("admin/settings/", {"commission_percent": 8, "cash_hold_hours": 12,
                                            "drop_off_reminder_hours": 24}, user=admin)
    error = response.get_json()
    assert response.status_code == 400 and error["success"] is False
    assert set(error["error"]["fields"]) == {"drop_off_reminder_hours"}
    response = api.post("admin/settings/", {"commission_percent": "beaucoup"}, user=admin, conform=False)
    assert response.status_code == 400 and "commission_percent" in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert settings.commission_percent() == 10 and db.session.query(AuditEntry).count() == 0


@pytest.mark.parametrize("who", ["client", "staff", "admin without a second factor"])
def test_others_are_refused(api, who):
    person = {"client": lambda: f.user(),
              "staff": lambda: f.user(Role.STAFF, two_factor=TwoFactor.SMS, phone_verified_at=utcnow()),
              "admin without a second factor": lambda: f.user(Role.ADMIN)}[who]()
    assert api.get("admin/settings/", user=person).status_code == 403
    assert api.post("admin/settings/", {"commission_percent": 40}, user=person).status_code == 403
    assert settings.commission_percent() == 10
