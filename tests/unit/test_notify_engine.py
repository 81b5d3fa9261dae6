"""notify: the channel a message goes through, the delivery log, and jobs that leave only after commit."""
from datetime import datetime

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.models import NotificationDelivery, NotificationPreference, NotificationSettings
from vgk.services.messaging import inbox
from vgk.services.notifications import Guest, addresses, notify, preferences


@pytest.fixture
def fakes(app, monkeypatch):
    return install_channels(app, monkeypatch, "sms", "email")


def _log():
    return [(row.channel, row.status) for row in db.session.scalars(
        select(NotificationDelivery).order_by(NotificationDelivery.id))]


def test_the_message_leaves_only_once_the_callers_transaction_commits(app, fakes):
    buyer = f.user(phone="+237690001122")
    notify(buyer, "order.ready", {"ref": "VGK-0042", "point": "Akwa", "code": "482913", "link": "/commandes/VGK-0042"})
    assert fakes["sms"].sent == []
    db.session.commit()
    [sms] = fakes["sms"].sent
    assert sms.to == "+237690001122"
    assert "VGK-0042" in sms.text and "Akwa" in sms.text and sms.text.endswith("/commandes/VGK-0042")
    assert _log() == [("inapp", "sent"), ("sms", "sent")]


def test_a_rollback_sends_nothing_and_logs_nothing(app, fakes):
    buyer = f.user()
    notify(buyer, "order.ready", {"ref": "VGK-0042", "point": "Akwa", "code": "482913"})
    db.session.rollback()
    db.session.commit()  # a later commit of the same session does not send the forgotten message
    assert fakes["sms"].sent == []
    assert _log() == []


def test_the_in_app_notice_is_shown_in_the_readers_language(app, fakes):
    seller = f.user(locale="fr")
    notify(seller, "listing.approved", {"title": "Vélo rouge", "link": "/annonces/1"})
    db.session.commit()
    [notice] = inbox.page_for(seller)[0]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale
        with force_locale("en"):
            assert inbox.text(notice) == "Your listing “Vélo rouge” is live."
    assert notice.message == "Votre annonce « Vélo rouge » est en ligne."


def test_without_a_push_subscription_the_next_channel_carries_it(app, fakes):
    seller = f.user(phone=None, email="vendeuse@example.cm")
    notify(seller, "listing.refused", {"title": "Vélo rouge", "reason": "Photo floue"})
    db.session.commit()
    assert _log() == [("inapp", "sent"), ("push", "skipped"), ("sms", "skipped"), ("email", "sent")]
    [mail] = fakes["email"].sent
    assert mail.subject == "Annonce refusée" and "Vélo rouge" in mail.text and "Motif : Photo floue" in mail.text


def test_a_push_subscription_is_used_first_when_the_push_channel_knows_one(app, monkeypatch):
    channels = install_channels(app, monkeypatch, "sms", "email", "push")
    monkeypatch.setitem(addresses._BOOKS, "push", lambda user: '{"endpoint": "https://push.example/1"}')
    seller = f.user(locale="en")
    notify(seller, "listing.approved", {"title": "Red bike"})
    db.session.commit()
    [push] = channels["push"].sent
    assert (push.subject, push.text) == ("Listing live", "Your listing “Red bike” is live.")
    assert channels["email"].sent == []


def test_preferences_leave_out_refused_channels_but_security_always_accepts_sms(app, fakes):
    person = f.user(email="moi@example.cm", phone="+237690009988")
    db.session.add_all([NotificationPreference(user_id=person.id, category="transactional", channels="push"),
                        NotificationPreference(user_id=person.id, category="security", channels="push")])
    db.session.commit()
    notify(person, "listing.approved", {"title": "Vélo"})
    notify(person, "security.password_changed", {})
    db.session.commit()
    assert fakes["email"].sent == []
    [sms] = fakes["sms"].sent
    assert "mot de passe" in sms.text
    assert [ch for ch, status in _log() if status == "sent"] == ["inapp", "sms"]


def test_a_choice_of_channels_is_kept_and_checked(app, fakes):
    from vgk.errors import Invalid
    from vgk.services.notifications import preferences

    person = f.user(email="moi@example.cm")
    assert preferences.choose(person, "alerts", ["sms", "email"]) == ["sms", "email"]
    assert preferences.accepted(person, "alerts") == {"sms", "email"}
    assert preferences.choose(person, "alerts", []) == []
    notify(person, "alert.saved_search", {"count": 3, "search": "vélo"})
    db.session.commit()
    assert fakes["email"].sent == [] and _log() == [("inapp", "sent")]  # only the account's own list
    for category, channels in (("spam", ["sms"]), ("alerts", ["pigeon"])):
        with pytest.raises(Invalid):
            preferences.choose(person, category, channels)


def test_guests_get_transactional_sms_and_email_only(app, fakes):
    guest = Guest(phone="+237690004455", email="invite@example.cm", language="en")
    notify(guest, "order.ready", {"ref": "VGK-7", "point": "Bonapriso", "code": "482913"})
    notify(guest, "review.invite_email", {"ref": "VGK-7", "name": "Awa", "days": 30, "link": "https://vgk.cm/avis/x"})
    notify(guest, "alert.price_drop", {"title": "Vélo", "amount": 20000})
    db.session.commit()
    [sms] = fakes["sms"].sent
    assert sms.text.startswith("Vidé-Grenier Kamer: your order VGK-7 is waiting for you at Bonapriso.")
    [mail] = fakes["email"].sent
    assert mail.to == "invite@example.cm" and "VGK-7" in mail.subject and "https://vgk.cm/avis/x" in mail.text
    row = db.session.scalar(select(NotificationDelivery).where(NotificationDelivery.channel == "sms"))
    assert row.user_id is None and row.recipient == "+237690004455" and row.status == "sent"


def test_a_second_notify_with_the_same_dedup_key_adds_nothing(app, fakes):
    buyer = f.user()
    assert notify(buyer, "order.ready", {"ref": "VGK-1", "point": "Akwa", "code": "482913"}, dedup_key="order.ready:1")
    db.session.commit()
    again = notify(buyer, "order.ready", {"ref": "VGK-1", "point": "Akwa", "code": "482913"}, dedup_key="order.ready:1")
    assert again == []
    db.session.commit()
    assert len(fakes["sms"].sent) == 1
    assert len(inbox.page_for(buyer)[0]) == 1


def test_amounts_and_unknown_events(app, fakes):
    seller = f.user()
    notify(seller, "payout.sent", {"amount": 25000, "phone": "+237670000111"})
    db.session.commit()
    assert "25 000 FCFA" in fakes["sms"].sent[0].text
    with pytest.raises(ValueError):
        notify(seller, "order.teleported", {})


def test_non_urgent_messages_wait_for_the_end_of_quiet_hours(app, fakes):
    person = f.user()
    db.session.add(NotificationSettings(user_id=person.id, quiet_start=21 * 60, quiet_end=7 * 60))
    late = datetime(2026, 6, 1, 21, 30)  # 22:30 in Douala
    row = notify(person, "alert.price_drop", {"title": "Vélo", "amount": 20000}, at=late)[-1]
    urgent = notify(person, "order.ready", {"ref": "VGK-9", "point": "Akwa", "code": "482913"}, at=late)[-1]
    db.session.commit()
    assert (row.channel, row.status, row.due_at) == ("sms", "deferred", datetime(2026, 6, 2, 6, 0))  # 07:00 Douala
    assert urgent.status == "sent"
    assert [m.text for m in fakes["sms"].sent if "Vélo" in m.text] == []


def test_whatsapp_is_used_only_for_people_who_chose_it(app, monkeypatch):
    channels = install_channels(app, monkeypatch, "sms", "email", "whatsapp")
    chat = {"name": "Aïcha", "title": "Vélo", "conversation": "c1", "link": "/messages/c1"}
    silent, willing = f.user(phone="+237690000101"), f.user(phone="+237690000102")
    preferences.choose(willing, "chat", ["whatsapp", "sms"])
    notify(silent, "chat.message", chat, at=datetime(2026, 6, 1, 10, 0))  # daytime in Douala
    notify(willing, "chat.message", chat, at=datetime(2026, 6, 1, 10, 0))
    db.session.commit()
    assert [m.to for m in channels["whatsapp"].sent] == ["+237690000102"]
    assert [m.to for m in channels["sms"].sent] == ["+237690000101"]


def test_a_code_is_kept_sealed_only_until_it_has_left(app, fakes):
    person = f.user(phone="+237690000103")
    [row] = notify(person, "security.code", {"code": "482913", "minutes": 10})
    assert "482913" not in row.context  # sealed before anything is stored
    db.session.commit()
    [sms] = fakes["sms"].sent
    assert "482913" in sms.text and "10 minutes" in sms.text
    db.session.refresh(row)
    assert row.status == "sent" and "482913" not in row.context and "__sealed__" not in row.context
