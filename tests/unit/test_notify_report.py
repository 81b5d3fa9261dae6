"""The admin's view of the notification engine: the log filtered and paged, the period's figures from
grouped queries, and every message rendered with sample values (a broken template is an error, not a crash)."""
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader

from tests import factories as f
from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import NotificationDelivery
from vgk.services.notifications import report
from vgk.services.notifications.events import EVENTS

NOW = datetime(2026, 12, 2, 12, 0)


def delivery(created_at=NOW - timedelta(hours=1), **fields):
    values = {"recipient": "+237690000001", "address": "+237690000001", "event": "order.ready",
              "category": "transactional", "channel": "sms", "status": "sent", "attempts": 1}
    values.update(fields)
    row = NotificationDelivery(created_at=created_at, due_at=created_at, **values)
    db.session.add(row)
    db.session.commit()
    return row


def test_figures_count_by_channel_and_status_with_the_rate_and_the_paid_cost(app):
    delivery(status="delivered", cost_xaf=25)
    delivery(status="sent", cost_xaf=25)
    delivery(status="failed", error="InvalidPhoneNumber")
    delivery(status="suppressed", error="limit")
    delivery(channel="whatsapp", status="read", cost_xaf=40)
    delivery(channel="email", address="awa@example.cm", status="sent", cost_xaf=0)
    delivery(channel="inapp", address="", status="sent")  # an in-app notice is not handed to a provider
    delivery(status="delivered", cost_xaf=25, created_at=NOW - timedelta(days=8))  # before the week
    figures = report.figures(report.LogFilters(), NOW)
    assert figures.counts == {"sms": {"delivered": 1, "sent": 1, "failed": 1, "suppressed": 1},
                              "whatsapp": {"read": 1}, "email": {"sent": 1}, "inapp": {"sent": 1}}
    assert figures.costs == {"sms": 50, "whatsapp": 40} and figures.total_cost == 90
    assert figures.suppressed == 1 and figures.total == 7
    assert figures.delivered_rate == 40  # delivered + read (2) out of sent, delivered, read, failed (5)
    everything = report.figures(report.LogFilters(period="all", status="failed"), NOW)
    assert everything.total == 8 and everything.costs["sms"] == 75  # the status filter leaves figures whole
    assert report.figures(report.LogFilters(period="day", channel="email"), NOW).delivered_rate == 0
    assert report.figures(report.LogFilters(event="news.digest"), NOW).delivered_rate is None


def test_days_are_cameroon_days_with_sent_delivered_failed_and_cost(app):
    now = datetime(2026, 12, 2, 10, 0)  # 11:00 in Douala
    delivery(created_at=datetime(2026, 12, 1, 23, 30), status="delivered", cost_xaf=25)  # 2 Dec, 00:30 there
    delivery(created_at=datetime(2026, 12, 2, 9, 0), status="failed", cost_xaf=25)
    delivery(created_at=datetime(2026, 12, 1, 22, 59), channel="whatsapp", status="read", cost_xaf=40)  # 1 Dec
    delivery(created_at=datetime(2026, 11, 29, 8, 0), status="sent", cost_xaf=25)
    delivery(created_at=datetime(2026, 11, 29, 9, 0), status="suppressed", error="limit")  # never handed over
    delivery(created_at=datetime(2026, 11, 20, 9, 0), status="delivered", cost_xaf=25)  # before the week
    days = report.figures(report.LogFilters(), now).days
    assert [day.day for day in days] == [date(2026, 12, 2) - timedelta(days=n) for n in range(8)]  # quiet days too
    assert [(d.sent, d.delivered, d.failed, d.cost_xaf) for d in days[:4]] == [
        (2, 1, 1, 50), (1, 1, 0, 40), (0, 0, 0, 0), (1, 0, 0, 25)]
    assert sum(day.sent for day in days) == 4
    whatsapp = report.figures(report.LogFilters(channel="whatsapp", status="failed"), now).days
    assert [(d.day, d.delivered, d.cost_xaf) for d in whatsapp if d.sent] == [(date(2026, 12, 1), 1, 40)]
    everything = report.figures(report.LogFilters(period="all"), now).days  # the days that have messages
    assert [day.day for day in everything] == [date(2026, 12, 2), date(2026, 12, 1), date(2026, 11, 29),
                                               date(2026, 11, 20)]
    assert [day.day for day in report.figures(report.LogFilters(period="day"), now).days] == [
        date(2026, 12, 2), date(2026, 12, 1)]  # the last 24 hours began on the 1st, at 11:00 in Douala


def test_the_month_cost_counts_sms_and_whatsapp_since_the_first_in_cameroon(app):
    delivery(created_at=datetime(2026, 11, 30, 23, 30), cost_xaf=25)  # 1 Dec, 00:30 in Douala: this month
    delivery(created_at=datetime(2026, 11, 30, 22, 30), cost_xaf=1000)  # 30 Nov, 23:30 there: last month
    delivery(created_at=datetime(2026, 12, 1, 8, 0), channel="whatsapp", status="read", cost_xaf=40)
    delivery(created_at=datetime(2026, 12, 2, 8, 0), event="sale.new", recipient="+237677000001", cost_xaf=25)
    delivery(created_at=datetime(2026, 12, 2, 8, 0), channel="email", address="awa@example.cm", cost_xaf=7)
    assert report.month_costs(NOW) == {"sms": 50, "whatsapp": 40}
    assert report.month_costs(datetime(2026, 11, 30, 22, 59)) == {"sms": 1000, "whatsapp": 0}
    assert report.local_month(datetime(2026, 11, 30, 23, 0)) == date(2026, 12, 1)


def test_the_log_is_newest_first_and_filtered(app):
    old = delivery(created_at=NOW - timedelta(hours=5))
    new = delivery(created_at=NOW - timedelta(minutes=5), status="failed", error="outcome unknown")
    delivery(event="order.paid", channel="push", address="{}", created_at=NOW - timedelta(hours=2))
    page = report.deliveries(report.LogFilters(channel="sms"), 1, NOW)
    assert [row.id for row in page.items] == [new.id, old.id]
    assert [row.error for row in page.items] == ["unknown", ""]
    failed = report.deliveries(report.LogFilters(status="failed"), 1, NOW)
    assert [row.id for row in failed.items] == [new.id]
    second = report.deliveries(report.LogFilters(), 2, NOW, per_page=2)
    assert (second.total, [row.id for row in second.items]) == (3, [old.id])


def test_a_person_is_found_by_phone_or_email_as_an_account_and_as_a_guest(app):
    awa = f.user(name="Awa Bello", phone="+237690111222", email="awa@example.cm")
    mine = delivery(user_id=awa.id, recipient=f"user:{awa.id}", channel="push", address="{}")
    as_guest = delivery(recipient="+237690111222", address="+237690111222")
    by_email = delivery(recipient="+237699999999", channel="email", address="awa@example.cm")
    delivery(recipient="+237677000000", address="+237677000000")
    found = report.deliveries(report.LogFilters(person="6 90 11 12 22"), 1, NOW)
    assert {row.id for row in found.items} == {mine.id, as_guest.id}
    found = report.deliveries(report.LogFilters(person=" AWA@example.cm "), 1, NOW)
    assert {row.id for row in found.items} == {mine.id, by_email.id}
    with pytest.raises(Invalid) as refused:
        report.deliveries(report.LogFilters(person="pas un numéro"), 1, NOW)
    assert refused.value.fields == {"person": "invalid"}


def test_rows_name_accounts_and_mask_guests(app):
    awa = f.user(name="Awa Bello")
    delivery(user_id=awa.id, recipient=f"user:{awa.id}", channel="push", address='{"endpoint": "https://p"}')
    delivery(recipient="+237690555123", address="+237690555123")
    delivery(recipient="+237690555124", channel="email", address="guest@example.cm")
    delivery(recipient="+237690555125", channel="push", address="", status="skipped")
    account, phone, email, skipped = report.deliveries(report.LogFilters(), 1, NOW).items[::-1]
    assert (account.name, account.public_id, account.address) == ("Awa Bello", awa.public_id, "")
    assert (phone.name, phone.address) == ("", "***123")
    assert email.address.endswith("@example.cm") and "guest" not in email.address
    assert skipped.address == "***125"


@pytest.mark.parametrize(("error", "kind"), [
    (None, ""), ("limit", "limit"), ("outcome unknown", "unknown"), ("no sms adapter", "no_adapter"),
    ("outside the 24-hour window a WhatsApp message needs an approved template", "window"),
    ("error: KeyError", "internal"), ("the push service fcm.googleapis.com answered 410", "gone"),
    ("WhatsApp refused the message: HTTP 400, error 131026 Undeliverable", "refused"),
])
def test_errors_are_told_by_their_kind_never_by_their_words(error, kind):
    assert report.error_kind(error) == kind


def test_filters_from_a_query_string_drop_what_the_log_cannot_hold():
    filters = report.LogFilters.from_params({"channel": "fax", "status": "sent", "event": "nope",
                                             "period": "year", "person": " +237690000001 "})
    assert (filters.channel, filters.status, filters.event, filters.period, filters.person) == (
        "", "sent", "", "week", "+237690000001")
    assert filters.as_params(page=2) == {"status": "sent", "person": "+237690000001", "page": 2}


def test_every_message_renders_in_both_languages(app):
    with app.test_request_context():
        shown = report.previews()
    assert list(shown) == list(EVENTS)
    assert all(preview.error == "" and preview.text for previews in shown.values() for preview in previews)
    [fr_sms, en_sms, _, _] = shown["order.ready"]
    assert "VGK-7KQ2M9X" in fr_sms.text and "Akwa (Douala)" in en_sms.text and fr_sms.text != en_sms.text
    email = next(p for p in shown["security.password_changed"] if p.channel == "email" and p.language == "en")
    assert email.subject
    notices = [p.text for p in shown["order.ready"] if p.channel == "inapp"]
    assert notices == [  # the code is never in the app, only in the SMS
        "Vidé-Grenier Kamer : votre commande VGK-7KQ2M9X vous attend au Akwa (Douala). "
        "Code de retrait : envoyé par SMS.",
        "Vidé-Grenier Kamer: your order VGK-7KQ2M9X is waiting for you at Akwa (Douala). Collection code: sent by SMS."]
    assert not any(p.channel == "inapp" for p in shown["security.code"])  # no in-app notice for codes


@contextmanager
def message_files(app, folder, files):
    """While the block runs, these message files ({"order.ready/sms.txt": text}) win over the app's own."""
    for name, text in files.items():
        (folder / "notifications" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "notifications" / name).write_text(text)
    loader = app.jinja_loader
    app.jinja_env.loader = ChoiceLoader([FileSystemLoader(str(folder)), loader])
    try:
        yield
    finally:
        app.jinja_env.loader = loader


def test_a_broken_or_missing_template_is_an_error_not_a_crash(app, tmp_path):
    broken = {"order.ready/sms.txt": "{{ _('Commande %(order)s', order=order) }} {% if %}"}
    with message_files(app, tmp_path, broken), app.test_request_context():
        assert report.preview("order.ready", "sms", "fr").error == "broken"
        assert report.preview("order.ready", "email", "fr").error == "missing"
        assert report.preview("order.paid", "sms", "fr").error == ""
