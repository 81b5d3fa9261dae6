"""Tracked links: a message in an experiment carries /n/<token>; following it counts its first click once and
leads to the page it named on this site, never elsewhere; a link that is not ours leads home."""
from datetime import datetime

import pytest

from tests import factories as f
from tests.fakes.channels import install_channels
from tests.unit.test_notify_experiments import SPLIT
from vgk.extensions import db
from vgk.models import NotificationDelivery
from vgk.services.notifications import clicks, notify

AT = datetime(2026, 6, 1, 9, 0)


def _row(**values):
    row = NotificationDelivery(recipient="user:1", event="alert.price_drop", category="alerts", channel="sms",
                               status="sent", variant="b", **values)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "evil", "",
                                    None, "/ok\nLocation: x"])
def test_only_a_path_on_this_site_is_tracked(app, target):
    assert clicks.safe_path(target) is None and clicks.tracked_path(1, target) is None
    with pytest.raises(ValueError):
        clicks.make_token(1, target)


def test_a_click_is_counted_once_and_leads_to_the_page(app, client):
    row = _row()
    path = clicks.tracked_path(row.id, "/annonces/abc?x=1")
    first = client.get(path)
    assert first.status_code == 302 and first.headers["Location"] == "/annonces/abc?x=1"
    db.session.expire_all()
    clicked = db.session.get(NotificationDelivery, row.id).clicked_at
    assert clicked is not None
    assert client.get(path).headers["Location"] == "/annonces/abc?x=1"
    db.session.expire_all()
    assert db.session.get(NotificationDelivery, row.id).clicked_at == clicked  # the first click stays


def test_a_link_that_is_not_ours_leads_home_and_counts_nothing(app, client):
    row = _row()
    token = clicks.make_token(row.id, "/annonces/abc")
    for bad in (token[:-2] + "xx", "nimportequoi", clicks.make_token(row.id, "/a").replace(".", "")):
        response = client.get(f"/n/{bad}")
        assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.expire_all()
    assert db.session.get(NotificationDelivery, row.id).clicked_at is None
    assert clicks.follow(token, at=AT) == "/annonces/abc"
    assert db.session.get(NotificationDelivery, row.id).clicked_at == AT


def test_only_messages_in_an_experiment_carry_a_tracked_link(app, monkeypatch):
    fakes = install_channels(app, monkeypatch, "sms")
    before = f.user(phone="+237690000001")
    notify(before, "alert.price_drop", {"title": "Vélo", "amount": 20000, "link": "/annonces/velo"}, at=AT)
    db.session.commit()
    monkeypatch.setitem(app.config, "NOTIFY_EXPERIMENTS", SPLIT)
    during = f.user(phone="+237690000002")
    notify(during, "alert.price_drop", {"title": "Vélo", "amount": 20000, "link": "/annonces/velo"}, at=AT)
    db.session.commit()
    plain, tracked = fakes["sms"].sent
    assert "http://localhost/annonces/velo" in plain.text and "/n/" not in plain.text
    assert "/annonces/velo" not in tracked.text and "http://localhost/n/" in tracked.link
    row = db.session.query(NotificationDelivery).filter_by(user_id=during.id, channel="sms").one()
    assert clicks.read_token(tracked.link.rsplit("/", 1)[1]) == (row.id, "/annonces/velo")
