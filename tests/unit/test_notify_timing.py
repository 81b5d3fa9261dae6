"""Smart timing: alerts and news wait for the hour the person most often uses the app (Cameroon time), never
inside quiet hours; urgent messages never wait. Times are naive UTC; Douala is UTC+1."""
from datetime import datetime, timedelta

import pytest

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.models import NotificationSettings
from vgk.services.accounts import sessions
from vgk.services.notifications import notify, timing


@pytest.fixture
def fakes(app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_SMART_TIMING", True)
    return install_channels(app, monkeypatch, "sms", "email")


def _seen(person, *hours_utc):
    for hour in hours_utc:
        timing.record_activity(person.id, datetime(2026, 6, 1, hour, 10))
    db.session.commit()


def _alert(person, at):
    row = notify(person, "alert.price_drop", {"title": "Vélo", "amount": 20000}, at=at)[-1]
    db.session.commit()
    return row


def test_without_enough_activity_alerts_wait_for_18h_and_urgent_messages_never_wait(app, fakes):
    person = f.user()
    _seen(person, 8, 8, 8, 8)  # four times seen: not enough to know
    row = _alert(person, datetime(2026, 6, 1, 9, 30))  # 10:30 in Douala
    urgent = notify(person, "order.ready", {"ref": "VGK-9", "point": "Akwa", "code": "204518"},
                    at=datetime(2026, 6, 1, 9, 30))[-1]
    db.session.commit()
    assert (row.status, row.due_at) == ("deferred", datetime(2026, 6, 1, 17, 0))  # 18:00 Douala
    assert urgent.status == "sent" and len(fakes["sms"].sent) == 1


def test_the_most_frequent_hour_is_learned_and_used(app, fakes):
    person = f.user()
    _seen(person, 6, 6, 6, 12, 12)  # 07:xx three times, 13:xx twice in Douala
    assert db.session.get(NotificationSettings, person.id).active_hour == 7
    row = _alert(person, datetime(2026, 6, 1, 10, 0))  # 11:00 Douala: 07:00 has passed today
    assert row.due_at == datetime(2026, 6, 2, 6, 0)  # tomorrow 07:00 Douala


def test_across_midnight_the_active_hour_is_tomorrows(app, fakes):
    person = f.user()
    db.session.add(NotificationSettings(user_id=person.id, quiet_start=23 * 60, quiet_end=6 * 60, active_hour=20))
    row = _alert(person, datetime(2026, 6, 1, 22, 30))  # 23:30 Douala on June 1st, inside quiet hours
    assert row.due_at == datetime(2026, 6, 2, 19, 0)  # 20:00 Douala on June 2nd


def test_during_the_active_hour_the_message_goes_at_once(app, fakes):
    person = f.user()
    db.session.add(NotificationSettings(user_id=person.id, active_hour=12))
    row = _alert(person, datetime(2026, 6, 1, 11, 40))  # 12:40 Douala
    assert row.status == "sent" and len(fakes["sms"].sent) == 1


def test_an_active_hour_inside_quiet_hours_waits_for_their_end(app, fakes):
    person = f.user()
    db.session.add(NotificationSettings(user_id=person.id, quiet_start=21 * 60, quiet_end=7 * 60, active_hour=22))
    row = _alert(person, datetime(2026, 6, 1, 15, 0))  # 16:00 Douala; 22:00 is quiet
    assert row.due_at == datetime(2026, 6, 2, 6, 0)  # 07:00 Douala, the end of the quiet hours
    at_the_boundary = _alert(f.user(), datetime(2026, 6, 1, 5, 59))  # 06:59 Douala, quiet until 07:00
    assert at_the_boundary.due_at == datetime(2026, 6, 1, 17, 0)  # waits for 18:00 as usual


def test_chat_keeps_quiet_hours_only(app, fakes):
    person = f.user()
    db.session.add(NotificationSettings(user_id=person.id, active_hour=20))
    messages = [notify(person, "chat.message", {"name": "Aïcha", "title": "Vélo", "topic": f"c{n}"},
                       at=at)[-1] for n, at in enumerate((datetime(2026, 6, 1, 9, 0), datetime(2026, 6, 1, 21, 0)))]
    db.session.commit()
    assert [row.status for row in messages] == ["sent", "deferred"]
    assert messages[1].due_at == datetime(2026, 6, 2, 6, 0)


def test_activity_is_counted_when_the_session_is_touched_at_most_every_five_minutes(app, fakes, monkeypatch):
    person = f.user()
    auth = sessions.start(person)
    token = auth.public_id
    auth.last_seen_at = datetime(2026, 6, 1, 17, 0)
    db.session.commit()
    monkeypatch.setattr(sessions, "utcnow", lambda: datetime(2026, 6, 1, 18, 0))
    sessions.load(token)
    sessions.load(token)  # within five minutes: not counted again
    monkeypatch.setattr(sessions, "utcnow", lambda: datetime(2026, 6, 1, 18, 0) + timedelta(minutes=6))
    sessions.load(token)
    counts = timing.counts(db.session.get(NotificationSettings, person.id))
    assert counts[19] == 2 and sum(counts) == 2  # 19:xx in Douala, twice
