"""The deliver job: one send per message, retries, moving down the fallback list, no double send after a crash."""
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.integrations.channels import ChannelError
from vgk.models import NotificationDelivery
from vgk.services.notifications import addresses, notify, preferences
from vgk.services.notifications.delivery import deliver, sweep

DAY = datetime(2026, 6, 1, 10, 0)  # 11:00 in Douala: outside quiet hours
CHAT = {"name": "Aïcha", "title": "Vélo rouge", "conversation": "c1", "link": "/messages/c1"}

def _opted_in(**fields):
    """A person who chose WhatsApp (opt-in) besides the default channels."""
    person = f.user(**fields)
    for category in ("transactional", "chat", "alerts"):
        preferences.choose(person, category, ["push", "whatsapp", "sms", "email"])
    return person



@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    """The jobs' clock at 11:00 in Douala tomorrow (after every message the tests write, whatever the hour they
    run): a message moving down the list is not held by quiet hours."""
    from vgk.models.base import utcnow
    from vgk.services.notifications import delivery

    eleven = (utcnow() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(delivery, "utcnow", lambda: eleven)


@pytest.fixture
def fakes(app, monkeypatch):
    return install_channels(app, monkeypatch, "sms", "email", "whatsapp", "push")


def _rows():
    """The messages sent through adapters (not the in-app notices)."""
    return list(db.session.scalars(select(NotificationDelivery).where(NotificationDelivery.channel != "inapp")
                                   .order_by(NotificationDelivery.id)))


def test_a_retryable_refusal_is_tried_again_then_the_next_channel_takes_it(app, fakes, caplog):
    fakes["whatsapp"].errors = [ChannelError("timeout", retryable=True) for _ in range(3)]
    person = _opted_in(phone="+237690001234")
    notify(person, "chat.message", CHAT, at=DAY)
    db.session.commit()  # first try, inline: refused, back in the queue
    whatsapp = _rows()[-1]
    assert (whatsapp.channel, whatsapp.status, whatsapp.attempts) == ("whatsapp", "queued", 1)
    with pytest.raises(ChannelError):
        deliver(whatsapp.id)  # what RQ's retry runs
    assert fakes["sms"].sent == []
    assert deliver(whatsapp.id) == "failed"  # third and last try
    db.session.refresh(whatsapp)
    assert (whatsapp.status, whatsapp.attempts, whatsapp.error) == ("failed", 3, "timeout")
    [sms] = fakes["sms"].sent
    assert sms.to == "+237690001234" and "Aïcha" in sms.text
    assert [(row.channel, row.status) for row in _rows()] == [
        ("push", "skipped"), ("whatsapp", "failed"), ("sms", "sent")]
    assert "Vélo rouge" not in caplog.text


def test_a_gone_push_subscription_is_forgotten_and_the_message_moves_on(app, fakes, monkeypatch):
    forgotten = []
    monkeypatch.setitem(addresses._BOOKS, "push", lambda user: "subscription-1")
    monkeypatch.setitem(addresses._FORGET, "push", forgotten.append)
    fakes["push"].errors = [ChannelError("gone", gone=True)]
    notify(_opted_in(), "chat.message", CHAT, at=DAY)
    db.session.commit()
    assert forgotten == ["subscription-1"]
    assert [(row.channel, row.status) for row in _rows()] == [("push", "failed"), ("whatsapp", "sent")]
    [whatsapp] = fakes["whatsapp"].sent
    assert (whatsapp.template, whatsapp.template_params) == ("chat_message", ("Aïcha", "Vélo rouge"))
    assert whatsapp.tag == "chat.message:c1"


def test_a_message_is_sent_once_however_many_jobs_run_it(app, fakes):
    notify(_opted_in(), "order.ready", {"ref": "VGK-1", "point": "Akwa", "code": "482913"})
    db.session.commit()
    sms = _rows()[-1]
    assert deliver(sms.id) == "skipped"
    assert deliver(sms.id) == "skipped"
    assert len(fakes["sms"].sent) == 1
    db.session.refresh(sms)
    assert (sms.status, sms.reference, sms.cost_xaf, sms.attempts) == ("sent", "sms-1", 25, 1)


def test_a_message_stuck_while_sending_is_never_sent_again(app, fakes, caplog):
    caplog.set_level(logging.ERROR)
    fakes["sms"].errors = [ChannelError("will not happen")]
    notify(_opted_in(), "order.ready", {"ref": "VGK-1", "point": "Akwa", "code": "482913"})
    row = _rows()[-1]
    row.status, row.claimed_at = "sending", datetime(2026, 6, 1, 10, 0)  # a worker died mid-send
    db.session.commit()
    assert deliver(row.id) == "skipped"
    assert sweep(now=datetime(2026, 6, 1, 10, 5)) == 0
    db.session.refresh(row)
    assert row.status == "sending"  # too early to tell
    sweep(now=datetime(2026, 6, 1, 10, 0) + timedelta(minutes=16))
    db.session.refresh(row)
    assert (row.status, row.error) == ("failed", "outcome unknown")
    assert fakes["sms"].sent == [] and len(_rows()) == 1  # the stuck SMS: no fallback, no resend


def test_the_sweep_sends_deferred_messages_once_due(app, fakes):
    person = _opted_in()
    late = datetime(2026, 6, 1, 21, 30)
    row = notify(person, "alert.price_drop", {"title": "Vélo", "amount": 20000}, at=late)[-1]
    db.session.commit()
    assert row.channel == "whatsapp" and fakes["whatsapp"].sent == []
    assert sweep(now=datetime(2026, 6, 2, 5, 59)) == 0
    assert sweep(now=datetime(2026, 6, 2, 6, 0)) == 1
    db.session.refresh(row)
    assert row.status == "sent" and len(fakes["whatsapp"].sent) == 1


def test_a_channel_without_adapter_moves_down_the_list(app, monkeypatch):
    channels = install_channels(app, monkeypatch, "sms")  # the SMS adapter is a fake; email has no deliver()
    from vgk.integrations.registry import adapters_of

    monkeypatch.setattr(adapters_of(app), "mail", object())
    notify(_opted_in(), "security.password_changed", {})
    db.session.commit()
    assert [(row.channel, row.status, row.error) for row in _rows()] == [
        ("email", "failed", "no email adapter"), ("sms", "sent", None)]
    assert len(channels["sms"].sent) == 1


def test_a_queue_that_is_down_does_not_break_the_callers_commit(app, fakes, monkeypatch, caplog):
    from vgk.services.notifications import engine

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(engine, "enqueue", down)
    notify(_opted_in(), "order.ready", {"ref": "VGK-3", "point": "Akwa", "code": "482913"})
    db.session.commit()
    assert "could not enqueue notification" in caplog.text
    row = _rows()[-1]
    assert (row.channel, row.status) == ("sms", "queued") and fakes["sms"].sent == []
    monkeypatch.undo()
    install_channels(app, monkeypatch, "sms")
    assert sweep() == 1
    db.session.refresh(row)
    assert row.status == "sent"


def test_push_goes_to_the_persons_subscription_and_a_gone_one_is_deleted(app, fakes):
    import base64
    import json

    from vgk.services.accounts import push_subscriptions

    def b64(raw):
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    person = _opted_in(phone="+237690001299")
    push_subscriptions.subscribe(person, {"endpoint": "https://push.example.org/send/abc",
                                          "keys": {"p256dh": b64(b"\x04" + bytes(range(64))), "auth": b64(bytes(16))}})
    fakes["push"].errors = [ChannelError("gone", gone=True)]
    notify(person, "chat.message", CHAT, at=DAY)
    db.session.commit()
    push_row = _rows()[0]
    assert json.loads(push_row.address)["endpoint"] == "https://push.example.org/send/abc"
    assert push_subscriptions.subscriptions_of(person.id) == []
    assert [(row.channel, row.status) for row in _rows()] == [("push", "failed"), ("whatsapp", "sent")]
