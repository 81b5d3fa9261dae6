"""Settings admins change: validated as a whole, audited, and the value in force is the one the checkout,
the drop-off reminders and moderation use (the configuration gives the defaults)."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select

from tests import factories as f
from vgk.errors import Conflict, Invalid
from vgk.extensions import db
from vgk.models import AuditEntry, ProductStatus, Role
from vgk.models.base import utcnow
from vgk.models.settings import Setting
from vgk.services.backoffice import settings
from vgk.services.commerce import drop_off
from vgk.services.selling import moderation


@pytest.fixture
def admin(app):
    return f.user(Role.ADMIN, name="Admin Kamer")


def test_defaults_come_from_the_configuration(app):
    app.config["COMMISSION_PERCENT"] = 12
    try:
        values = settings.effective()
        assert values["commission_percent"] == 12
        assert values["cash_hold_hours"] == app.config["CASH_HOLD_HOURS"]
        assert values["banned_words"] == list(app.config["BANNED_WORDS"])
    finally:
        app.config["COMMISSION_PERCENT"] = 10


def test_a_saved_value_wins_and_the_change_is_audited(app, admin):
    settings.update(admin, {"commission_percent": "15", "reservation_minutes": 45}, ip="1.2.3.4")
    assert settings.commission_percent() == 15 and settings.reservation_minutes() == 45
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.ip) == ("settings.update", admin.id, "1.2.3.4")
    assert json.loads(entry.before) == {"commission_percent": 10, "reservation_minutes": 30}
    assert json.loads(entry.after) == {"commission_percent": 15, "reservation_minutes": 45}
    settings.update(admin, {"commission_percent": 15})  # nothing changes: nothing audited
    assert db.session.query(AuditEntry).count() == 1


@pytest.mark.parametrize("values, field", [
    ({"commission_percent": "51"}, "commission_percent"),
    ({"commission_percent": "-1"}, "commission_percent"),
    ({"commission_percent": "7.5"}, "commission_percent"),
    ({"commission_percent": True}, "commission_percent"),
    ({"reservation_minutes": "4"}, "reservation_minutes"),
    ({"reservation_minutes": "1441"}, "reservation_minutes"),
    ({"cash_hold_hours": "0"}, "cash_hold_hours"),
    ({"cash_hold_hours": "337"}, "cash_hold_hours"),
    ({"drop_off_reminder_hours": "dix"}, "drop_off_reminder_hours"),
    ({"cash_hold_hours": "24", "drop_off_reminder_hours": "24"}, "drop_off_reminder_hours"),
    ({"banned_words": ["x" * 61]}, "banned_words"),
    ({"banned_words": [1, 2]}, "banned_words"),
])
def test_a_wrong_value_saves_nothing(app, admin, values, field):
    with pytest.raises(Invalid) as raised:
        settings.update(admin, {"commission_percent": "20", **values})
    assert field in raised.value.fields
    assert settings.commission_percent() == 10
    assert db.session.query(AuditEntry).count() == 0


def test_banned_words_are_trimmed_lowercased_and_deduplicated(app, admin):
    settings.update(admin, {"banned_words": "  Tortue Marine \nfusil,FUSIL\n\n Contrefaçon "})
    assert settings.banned_words() == ("tortue marine", "fusil", "contrefacon")


def test_saved_values_are_read_once_per_session(app, admin):
    settings.update(admin, {"cash_hold_hours": "48"})
    db.session.remove()
    statements = []

    def seen(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        for _ in range(3):
            assert settings.cash_hold_hours() == 48 and settings.commission_percent() == 10
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len([s for s in statements if "settings" in s]) == 1


def test_checkout_takes_the_commission_and_hold_in_force(app, admin):
    settings.update(admin, {"commission_percent": "20", "cash_hold_hours": "24", "drop_off_reminder_hours": "6"})
    before = utcnow()
    order = f.place_order(f.product(price=10_000), payment_method="CASH", buyer=f.user())
    assert order.commission == 2_000
    assert timedelta(hours=23, minutes=59) < order.reserved_until - before < timedelta(hours=24, minutes=1)
    due = order.reserved_until
    assert drop_off.remind_sellers(now=due - timedelta(hours=7)) == 0  # 6 hours before, not 24
    assert drop_off.remind_sellers(now=due - timedelta(hours=5)) == 1


def test_an_unpaid_mobile_money_order_is_held_the_minutes_in_force(app, admin):
    settings.update(admin, {"reservation_minutes": "90"})
    before = utcnow()
    order = f.place_order(f.product(price=10_000), payment_method="ORANGE_MONEY", buyer=f.user())
    assert timedelta(minutes=89) < order.reserved_until - before < timedelta(minutes=91)


def test_moderation_flags_the_banned_words_in_force(app, admin):
    settings.update(admin, {"banned_words": "tortue marine"})
    flagged = f.product("Carapace de tortue marine", status=ProductStatus.PENDING)
    plain = f.product("Fusil de chasse ancien", status=ProductStatus.PENDING)
    assert "banned_word" in moderation.flags_for(flagged)
    assert "banned_word" not in moderation.flags_for(plain)


def test_two_admins_saving_a_setting_for_the_first_time_at_once(app, admin):
    """The other admin's row lands between our reading and our writing: a clear conflict, nothing of ours
    saved, and the next reading shows theirs."""
    saved = []

    def other_admin_saves(session, *args):
        if not saved:
            saved.append(True)
            with db.engine.begin() as connection:
                connection.execute(insert(Setting).values(key="commission_percent", value="20", updated_at=utcnow()))

    event.listen(db.session(), "before_flush", other_admin_saves)
    try:
        with pytest.raises(Conflict):
            settings.update(admin, {"commission_percent": "15"})
    finally:
        event.remove(db.session(), "before_flush", other_admin_saves)
    assert settings.commission_percent() == 20
    assert db.session.query(AuditEntry).count() == 0
