"""Digests: waiting messages of one person on one channel due at the same time leave as one message."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.models import NotificationDelivery
from vgk.services.notifications import notify
from vgk.services.notifications.delivery import sweep

EVENING = datetime(2026, 6, 1, 18, 0)  # 19:00 in Douala, after the default active hour (18:00)
NEXT_SLOT = datetime(2026, 6, 2, 17, 0)  # 18:00 in Douala the next day


@pytest.fixture
def fakes(app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_SMART_TIMING", True)
    monkeypatch.setitem(app.config, "NOTIFY_DIGEST_LINES", 10)
    return install_channels(app, monkeypatch, "sms", "email")


def _statuses():
    return dict(db.session.execute(select(NotificationDelivery.status, func.count())
                                   .where(NotificationDelivery.channel == "sms")
                                   .group_by(NotificationDelivery.status)).all())


def test_a_burst_of_fifty_alerts_in_one_evening_leaves_as_one_sms(app, fakes):
    person = f.user(phone="+237690001122")
    for n in range(50):
        notify(person, "alert.price_drop", {"title": f"Article {n + 1}", "amount": 10000 + n},
               at=EVENING + timedelta(minutes=4 * n))
    db.session.commit()
    assert _statuses() == {"deferred": 50}  # the limit (3 SMS a week) counts the coming digest as one
    assert sweep(now=NEXT_SLOT - timedelta(minutes=1)) == 0
    sweep(now=NEXT_SLOT)
    [sms] = fakes["sms"].sent
    lines = sms.text.splitlines()
    assert lines[0] == "VGK : 50 nouvelles pour vous :"
    assert lines[1] == "- « Article 1 » passe à 10 000 FCFA."
    assert [line for line in lines if line.startswith("- ")] == [
        f"- « Article {n} » passe à {format(9999 + n, ',').replace(',', ' ')} FCFA." for n in range(1, 11)]
    assert "et 40 autres" in lines
    assert _statuses() == {"digested": 50, "sent": 1}
    digest = db.session.scalar(select(NotificationDelivery).where(NotificationDelivery.event == "digest"))
    assert digest.cost_xaf == 25 and digest.reference == "sms-1"
    assert db.session.scalar(select(func.count()).where(NotificationDelivery.digest_id == digest.id)) == 50
    sweep(now=NEXT_SLOT + timedelta(hours=1))
    assert len(fakes["sms"].sent) == 1  # nothing is sent twice


def test_a_lone_waiting_message_leaves_as_itself_and_other_people_are_not_mixed_in(app, fakes):
    alone, other = f.user(phone="+237690001122", locale="en"), f.user(phone="+237690003344")
    notify(alone, "alert.price_drop", {"title": "Bike", "amount": 20000}, at=EVENING)
    for title in ("Vélo", "Radio"):
        notify(other, "alert.price_drop", {"title": title, "amount": 5000}, at=EVENING)
    db.session.commit()
    sweep(now=NEXT_SLOT)
    texts = sorted((message.to, message.text) for message in fakes["sms"].sent)
    stop = " Stop : http://localhost/desabonnement/"
    assert [(to, text.partition(stop)[0].partition(" Stop: ")[0]) for to, text in texts] == [
        ("+237690001122", "VGK : “Bike” is now 20 000 FCFA."),
        ("+237690003344", "VGK : 2 nouvelles pour vous :\n- « Vélo » passe à 5 000 FCFA.\n"
                          "- « Radio » passe à 5 000 FCFA.\nhttp://localhost/compte/notifications")]
    assert " Stop: http://localhost/desabonnement/" in texts[0][1] and stop in texts[1][1]  # alerts can be stopped
