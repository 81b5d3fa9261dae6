"""Providers' delivery callbacks move messages forward, never backwards; a failure moves down the list."""
import pytest
from sqlalchemy import select

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.integrations.channels import StatusUpdate
from vgk.models import NotificationDelivery
from vgk.services.notifications import notify, preferences, status


def _opted_in(**fields):
    """A person who chose WhatsApp (opt-in) besides the default channels."""
    person = f.user(**fields)
    for category in ("transactional", "chat", "alerts"):
        preferences.choose(person, category, ["push", "whatsapp", "sms", "email"])
    return person



@pytest.fixture
def fakes(app, monkeypatch):
    return install_channels(app, monkeypatch, "sms", "email", "whatsapp")


def _by_reference(reference):
    return db.session.scalar(select(NotificationDelivery).where(NotificationDelivery.reference == reference))


def test_callbacks_move_messages_forward_only(app, fakes):
    person = _opted_in()
    for n in range(2):
        notify(person, "order.paid", {"ref": f"VGK-{n}"})
    db.session.commit()
    assert [m.to for m in fakes["whatsapp"].sent] == [person.phone, person.phone]
    changed = status.record("whatsapp", [
        StatusUpdate("whatsapp-1", "read", cost_xaf=30),
        StatusUpdate("whatsapp-1", "delivered"),      # late, older news: ignored
        StatusUpdate("whatsapp-2", "delivered"),
        StatusUpdate("whatsapp-9", "delivered"),      # not ours
        StatusUpdate("sms-1", "delivered"),           # another channel's reference
    ])
    assert changed == 2
    first, second = _by_reference("whatsapp-1"), _by_reference("whatsapp-2")
    assert (first.status, first.cost_xaf) == ("read", 30) and first.delivered_at is not None
    assert second.status == "delivered"
    assert status.record("whatsapp", [StatusUpdate("whatsapp-2", "failed", reason="expired")]) == 0
    assert _by_reference("whatsapp-2").status == "delivered"


def test_a_failure_reported_later_moves_the_message_to_the_next_channel(app, fakes):
    person = _opted_in()
    notify(person, "order.paid", {"ref": "VGK-5"})
    db.session.commit()
    assert status.record("whatsapp", [StatusUpdate("whatsapp-1", "failed", reason="not on WhatsApp")]) == 1
    row = _by_reference("whatsapp-1")
    assert (row.status, row.error) == ("failed", "not on WhatsApp")
    [sms] = fakes["sms"].sent
    assert "VGK-5" in sms.text
