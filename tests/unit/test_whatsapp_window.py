"""The WhatsApp 24-hour window: a number that wrote to us may get free text for 24 hours, then only
templates. Times are explicit (naive UTC, as stored, or aware)."""
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from vgk.extensions import db
from vgk.integrations.whatsapp import parse_webhook
from vgk.models import WhatsAppContact
from vgk.services.notifications.whatsapp_window import last_inbound, record_inbound, window_open

NUMBER = "+237690000001"
WROTE = datetime(2026, 12, 2, 9, 30)


def test_a_number_that_never_wrote_has_no_window(app):
    assert window_open(NUMBER, WROTE) is False
    assert last_inbound(NUMBER) is None


def test_the_window_lasts_24_hours_from_the_last_message(app):
    record_inbound(NUMBER, WROTE)

    assert window_open(NUMBER, WROTE) is True
    assert window_open(NUMBER, WROTE + timedelta(hours=23, minutes=59)) is True
    assert window_open(NUMBER, WROTE + timedelta(hours=24)) is False
    assert window_open(NUMBER, WROTE + timedelta(days=3)) is False
    assert window_open("+237690000002", WROTE) is False  # someone else's window


def test_a_new_message_reopens_the_window_and_an_older_one_arriving_late_does_not_shorten_it(app):
    record_inbound(NUMBER, WROTE)
    record_inbound(NUMBER, WROTE + timedelta(hours=20))
    record_inbound(NUMBER, WROTE + timedelta(hours=1))  # webhooks may come out of order

    assert last_inbound(NUMBER) == WROTE + timedelta(hours=20)
    assert window_open(NUMBER, WROTE + timedelta(hours=43)) is True
    assert db.session.scalar(select(func.count()).select_from(WhatsAppContact)) == 1


def test_webhook_calls_racing_for_one_number_leave_one_row_with_the_latest_time(app):
    times = [WROTE + timedelta(minutes=minutes) for minutes in (5, 40, 10, 25)]
    start, failures = threading.Barrier(len(times)), []

    def webhook_call(at):
        with app.app_context():
            try:
                start.wait()
                record_inbound(NUMBER, at)
            except Exception as error:  # reported below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=webhook_call, args=(at,)) for at in times]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert db.session.scalar(select(func.count()).select_from(WhatsAppContact)) == 1
    assert last_inbound(NUMBER) == WROTE + timedelta(minutes=40)


def test_aware_times_are_compared_in_utc(app):
    douala = timezone(timedelta(hours=1))
    record_inbound(NUMBER, datetime(2026, 12, 2, 10, 30, tzinfo=douala))  # 09:30 UTC

    assert last_inbound(NUMBER) == WROTE
    assert window_open(NUMBER, datetime(2026, 12, 3, 9, 29, tzinfo=UTC)) is True
    assert window_open(NUMBER, datetime(2026, 12, 3, 10, 31, tzinfo=douala)) is False


def test_the_number_is_kept_without_the_spaces_people_type(app):
    record_inbound("+237 6 90 00 00 01", WROTE)
    assert window_open(NUMBER, WROTE + timedelta(hours=1)) is True


def test_a_reply_in_a_webhook_opens_the_window(app):
    _, [reply] = parse_webhook({"entry": [{"changes": [{"value": {"messages": [
        {"from": "237690000001", "id": "wamid.IN1", "timestamp": str(int(WROTE.replace(tzinfo=UTC).timestamp()))},
    ]}}]}]})
    record_inbound(reply.phone, reply.at)
    assert window_open(NUMBER, WROTE + timedelta(hours=2)) is True


def test_something_that_is_not_a_number_is_refused(app):
    with pytest.raises(ValueError):
        record_inbound("", WROTE)
