"""A/B variants: a stable choice per person and event, split by the configured weights, and figures from
the delivery log."""
from datetime import datetime, timedelta

import pytest

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.errors import Conflict, Invalid
from vgk.extensions import db
from vgk.models import AuditEntry, NotificationDelivery, NotificationExperiment, Order, Role
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


# --- stored experiments, conversions and the verdict ---------------------------------------------------------

START = datetime(2026, 6, 1, 8, 0)


def test_the_verdict_on_known_numbers():
    assert round(experiments.z_score(100, 1000, 130, 1000), 2) == 2.10
    assert experiments.verdict([("a", 100, 1000), ("b", 130, 1000)]) == "B fait mieux que A (confiance 95 %)"
    assert experiments.verdict([("a", 100, 1000), ("b", 150, 1000)]) == "B fait mieux que A (confiance 99 %)"
    assert experiments.verdict([("a", 10, 1000), ("b", 12, 1000)]) == "Pas encore de différence nette."
    assert experiments.verdict([("a", 160, 1000), ("b", 100, 1000), ("c", 150, 1000)]) == (
        "Pas encore de différence nette.")  # a beats b, not c
    assert experiments.verdict([("a", 40, 99), ("b", 0, 500)]).startswith("Pas assez d’envois pour conclure")


def test_an_admin_runs_one_experiment_per_event_and_people_follow_its_weights(app, fakes):
    admin = f.user(Role.ADMIN)
    with pytest.raises(Invalid) as refused:
        experiments.start(admin, "alert.price_drop", {"a": "0", "b": ""})
    assert "weight_a" in refused.value.fields
    with pytest.raises(Invalid):
        experiments.start(admin, "alert.price_drop", {"a": "dix", "b": "5"})
    with pytest.raises(Invalid):
        experiments.start(admin, "order.paid", {"a": "50", "b": "50"})  # no variant words
    assert experiments.variant_files() == {"alert.price_drop": ["a", "b"]}
    stored = experiments.start(admin, "alert.price_drop", {"a": "0", "b": "1"}, at=START)
    assert [experiments.choose("alert.price_drop", f"user:{n}") for n in range(20)] == ["b"] * 20
    with pytest.raises(Conflict):
        experiments.start(admin, "alert.price_drop", {"a": "1", "b": "1"})
    experiments.change(admin, stored, {"a": "1", "b": "3"})
    experiments.stop(admin, stored, at=START + timedelta(days=1))
    chosen = [experiments.choose("alert.price_drop", f"user:{n}") for n in range(200)]
    assert set(chosen) == {"a", "b"}  # back to the configuration's 70/30
    actions = [entry.action for entry in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["experiment.start", "experiment.update", "experiment.stop"]
    assert db.session.get(NotificationExperiment, stored.id).stopped_at == START + timedelta(days=1)


def test_new_weights_are_checked_too_and_a_stopped_experiment_stays_stopped(app, fakes):
    admin = f.user(Role.ADMIN)
    stored = experiments.start(admin, "alert.price_drop", {"a": "1", "b": "1"}, at=START)
    with pytest.raises(Invalid):
        experiments.change(admin, stored, {"a": "0", "b": "0"})
    with pytest.raises(Invalid):
        experiments.change(admin, stored, {"a": "1", "b": "2000"})
    experiments.stop(admin, stored, at=START)
    with pytest.raises(Conflict):
        experiments.stop(admin, stored)


def _order(buyer, paid_at, n):
    db.session.add(Order(reference=f"VGK-T{n:03d}", buyer_id=buyer.id, customer_name="Aïcha",
                         customer_phone="+237670000111", payment_method="CASH",
                         status="PAID" if paid_at else "PENDING_PAYMENT", subtotal=1000, total=1000, paid_at=paid_at))


def seed_outcomes():
    """A known log of a stored experiment: variant a 4 sent, 1 clicked, 1 converted; variant b 3 sent, 2 clicked,
    2 converted; one message before the experiment started. Orders: paid 2 h after (counts), paid 25 h after,
    paid before the message, not paid (none count)."""
    admin = f.user(Role.ADMIN)
    experiment = experiments.start(admin, "alert.price_drop", {"a": "1", "b": "1"}, at=START)
    people = [f.user() for _ in range(8)]
    plan = [("a", True, 2), ("a", False, 25), ("a", False, -1), ("a", False, None),
            ("b", True, 2), ("b", True, 23), ("b", False, None)]
    for n, (variant, clicked, paid_after) in enumerate(plan):
        sent = START + timedelta(hours=1 + n)
        db.session.add(NotificationDelivery(
            user_id=people[n].id, recipient=f"user:{people[n].id}", event="alert.price_drop", category="alerts",
            channel="sms", status="delivered", variant=variant, cost_xaf=25, created_at=sent, sent_at=sent,
            clicked_at=sent + timedelta(minutes=5) if clicked else None))
        _order(people[n], sent + timedelta(hours=paid_after) if paid_after is not None else None, n)
    sent = START + timedelta(hours=1)  # converted without a click, in variant a
    db.session.add(NotificationDelivery(
        user_id=people[7].id, recipient=f"user:{people[7].id}", event="alert.price_drop", category="alerts",
        channel="sms", status="sent", variant="a", cost_xaf=25, created_at=sent, sent_at=sent))
    _order(people[7], sent + timedelta(minutes=30), 7)
    db.session.add(NotificationDelivery(
        user_id=people[0].id, recipient=f"user:{people[0].id}", event="alert.price_drop", category="alerts",
        channel="sms", status="sent", variant="a", created_at=START - timedelta(days=2),
        sent_at=START - timedelta(days=2)))  # before the experiment: not counted
    db.session.commit()
    return experiment


def test_figures_count_clicks_and_orders_paid_within_a_day(app, fakes):
    experiment = seed_outcomes()
    a, b = experiments.figures("alert.price_drop", experiment.started_at, None, ("a", "b"))
    assert (a.variant, a.sent, a.clicked, a.converted, a.cost_xaf) == ("a", 5, 1, 2, 125)
    assert (b.variant, b.sent, b.clicked, b.converted, b.cost_xaf) == ("b", 3, 2, 2, 75)
