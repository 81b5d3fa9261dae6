"""Limits: how many messages of a category one person gets on one channel within a window."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.models import NotificationDelivery
from vgk.services.notifications import notify

NOON = datetime(2026, 6, 1, 11, 0)  # 12:00 in Douala: outside quiet hours


@pytest.fixture
def fakes(app, monkeypatch):
    return install_channels(app, monkeypatch, "sms", "email")


def _count(status):
    return db.session.scalar(select(func.count()).select_from(NotificationDelivery)
                             .where(NotificationDelivery.status == status, NotificationDelivery.channel == "sms"))


def test_a_burst_of_chat_messages_sends_the_configured_number_of_sms(app, fakes):
    assert app.config["NOTIFY_LIMITS"]["chat"]["sms"] == (1, 3600)
    person = f.user()
    for n in range(50):
        notify(person, "chat.message", {"name": "Aïcha", "title": "Vélo", "conversation": "c1"},
               at=NOON + timedelta(seconds=n))
        db.session.commit()
    assert len(fakes["sms"].sent) == 1
    assert (_count("sent"), _count("suppressed")) == (1, 49)
    notify(person, "chat.message", {"name": "Paul", "title": "Table", "conversation": "c2"}, at=NOON)
    notify(person, "chat.message", {"name": "Aïcha", "title": "Vélo", "conversation": "c1"},
           at=NOON + timedelta(hours=1, seconds=1))
    db.session.commit()
    assert len(fakes["sms"].sent) == 3  # another conversation, and the same one an hour later


def test_alerts_are_limited_per_week_and_orders_are_not(app, fakes):
    person = f.user()
    for day in range(4):
        notify(person, "alert.price_drop", {"title": f"Article {day}", "amount": 1000}, at=NOON + timedelta(days=day))
        notify(person, "order.ready", {"ref": f"VGK-{day}", "point": "Akwa", "code": "482913"},
               at=NOON + timedelta(days=day))
    db.session.commit()
    texts = [message.text for message in fakes["sms"].sent]
    assert sum("Article" in text for text in texts) == 3
    assert sum("VGK-" in text for text in texts) == 4
    notify(person, "alert.price_drop", {"title": "Article 8", "amount": 1000}, at=NOON + timedelta(days=8))
    db.session.commit()
    assert "Article 8" in fakes["sms"].sent[-1].text
