"""A/B variants: a stable choice per person and event, split by the configured weights, and figures from
the delivery log."""
from datetime import datetime

import pytest

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.models import NotificationDelivery
from vgk.services.notifications import experiments, notify

SPLIT = {"alert.price_drop": {"a": 70, "b": 30}}


@pytest.fixture
def fakes(app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_EXPERIMENTS", SPLIT)
    return install_channels(app, monkeypatch, "sms", "email")


def test_a_thousand_people_are_split_by_the_weights_and_each_always_gets_the_same_variant(app, fakes):
    people = [f"user:{n}" for n in range(1, 1001)]
    chosen = [experiments.choose("alert.price_drop", person) for person in people]
    assert abs(chosen.count("a") / 1000 - 0.70) <= 0.03 and abs(chosen.count("b") / 1000 - 0.30) <= 0.03
    assert chosen == [experiments.choose("alert.price_drop", person) for person in people]
    assert experiments.choose("alert.saved_search", "user:1") is None  # no experiment on that event


def test_the_row_records_the_variant_and_the_variant_has_its_own_words(app, fakes):
    people = [f.user(phone=f"+2376900000{n:02d}") for n in range(12)]
    for person in people:
        notify(person, "alert.price_drop", {"title": "Vélo", "amount": 20000}, at=datetime(2026, 6, 1, 9, 0))
    db.session.commit()
    rows = db.session.query(NotificationDelivery).filter_by(channel="sms").all()
    assert {row.variant for row in rows} == {"a", "b"}
    texts = {message.to: message.text for message in fakes["sms"].sent}
    for row in rows:
        expected = ("VGK : Bonne affaire : « Vélo » ne coûte plus que 20 000 FCFA." if row.variant == "b"
                    else "VGK : « Vélo » passe à 20 000 FCFA.")  # variant a has no file: the usual words
        assert texts[row.address].startswith(expected + " Stop : http://localhost/desabonnement/")


def _seed():
    """A known log: variant a 4 sent (1 delivered, 1 read), 1 failed; variant b 2 sent (1 read), 1 skipped."""
    statuses = {"a": ["sent", "delivered", "read", "sent", "failed"], "b": ["read", "digested", "skipped"]}
    for variant, names in statuses.items():
        for n, status in enumerate(names):
            db.session.add(NotificationDelivery(
                recipient=f"user:{variant}{n}", event="alert.price_drop", category="alerts", channel="sms",
                status=status, variant=variant, cost_xaf=25 if status not in ("failed", "skipped") else 0))
    db.session.add(NotificationDelivery(recipient="user:x", event="alert.price_drop", category="alerts",
                                        channel="sms", status="sent", cost_xaf=25))  # not in the experiment
    db.session.commit()


def test_figures_count_the_delivery_log_per_variant(app, fakes):
    _seed()
    a, b = experiments.figures("alert.price_drop")
    assert (a.variant, a.sent, a.delivered, a.read, a.failed, a.cost_xaf) == ("a", 4, 2, 1, 1, 100)
    assert (b.variant, b.sent, b.delivered, b.read, b.failed, b.cost_xaf) == ("b", 2, 1, 1, 0, 50)
    assert round(a.share(a.delivered)) == 50
