"""Keeping the browsers' push subscriptions: what a subscription must look like, moving an endpoint to
whoever subscribed last, at most MAX_PER_PERSON each, unsubscribing and forgetting gone ones."""
import base64
import json
from datetime import datetime, timedelta

import pytest

from tests import factories as f
from vgk.errors import Invalid
from vgk.services.accounts import push_subscriptions as push

T0 = datetime(2026, 12, 1, 8, 0)
P256DH = base64.urlsafe_b64encode(b"\x04" + bytes(range(64))).decode().rstrip("=")
AUTH = base64.urlsafe_b64encode(bytes(range(16))).decode().rstrip("=")


def subscription(n=1, **keys):
    return {"endpoint": f"https://fcm.googleapis.com/fcm/send/device-{n}",
            "keys": {"p256dh": P256DH, "auth": AUTH, **keys}}


def endpoints(user):
    return [s.endpoint for s in push.subscriptions_of(user.id)]


def test_a_browser_subscription_is_kept_with_its_keys(app):
    me = f.user()
    kept = push.subscribe(me, json.dumps(subscription()), user_agent="Mozilla/5.0 (Linux; Android 13)", now=T0)

    assert (kept.user_id, kept.p256dh, kept.auth, kept.user_agent) == (me.id, P256DH, AUTH,
                                                                       "Mozilla/5.0 (Linux; Android 13)")
    assert json.loads(push.address(kept)) == subscription()
    assert endpoints(me) == [subscription()["endpoint"]]


@pytest.mark.parametrize("data, says", [
    ("not json", "illisible"),
    ({"endpoint": "http://push.example.com/x", "keys": {"p256dh": P256DH, "auth": AUTH}}, "adresse"),
    ({"endpoint": "javascript:alert(1)", "keys": {"p256dh": P256DH, "auth": AUTH}}, "adresse"),
    ({"endpoint": "https://push.example.com/" + "x" * 1000, "keys": {"p256dh": P256DH, "auth": AUTH}}, "adresse"),
    (subscription(p256dh="not base64url!"), "clés"),
    (subscription(auth=AUTH + "AAAA"), "clés"),  # 19 bytes, not 16
    (subscription(p256dh=AUTH), "clés"),  # too short for a P-256 point
    ({"endpoint": "https://push.example.com/x"}, "clés"),
])
def test_what_is_not_a_subscription_is_refused_with_a_clear_message(app, data, says):
    with pytest.raises(Invalid) as raised:
        push.subscribe(f.user(), data)
    assert says in str(raised.value.message)


def test_plain_http_is_allowed_only_for_the_loopback_test_service(app):
    loopback = {"endpoint": "http://127.0.0.1:8123/push/a", "keys": {"p256dh": P256DH, "auth": AUTH}}
    assert push.subscribe(f.user(), loopback).endpoint == loopback["endpoint"]
    app.config["TESTING"] = False
    try:
        with pytest.raises(Invalid):
            push.subscribe(f.user(), loopback)
    finally:
        app.config["TESTING"] = True


def test_the_same_browser_subscribing_again_belongs_to_the_last_person(app):
    first, second = f.user(), f.user()
    push.subscribe(first, subscription(), now=T0)
    push.subscribe(second, subscription(), now=T0 + timedelta(minutes=5))

    assert endpoints(first) == []
    assert endpoints(second) == [subscription()["endpoint"]]


def test_a_person_keeps_their_ten_latest_browsers(app):
    me = f.user()
    for n in range(push.MAX_PER_PERSON + 2):
        push.subscribe(me, subscription(n), now=T0 + timedelta(days=n))

    kept = endpoints(me)
    assert len(kept) == push.MAX_PER_PERSON
    assert subscription(0)["endpoint"] not in kept and subscription(1)["endpoint"] not in kept
    assert kept[0] == subscription(push.MAX_PER_PERSON + 1)["endpoint"]


def test_unsubscribing_removes_only_ones_own_subscription(app):
    me, other = f.user(), f.user()
    push.subscribe(me, subscription(1))
    push.subscribe(other, subscription(2))

    assert push.unsubscribe(me, subscription(2)["endpoint"]) is False
    assert push.unsubscribe(me, subscription(1)["endpoint"]) is True
    assert endpoints(me) == [] and endpoints(other) == [subscription(2)["endpoint"]]
    assert push.unsubscribe(me, None) is False


def test_a_gone_subscription_is_forgotten(app):
    me = f.user()
    push.subscribe(me, subscription(1), now=T0)
    push.subscribe(me, subscription(2), now=T0 + timedelta(hours=1))

    assert push.forget(subscription(1)["endpoint"]) is True
    assert push.forget(subscription(1)["endpoint"]) is False
    assert endpoints(me) == [subscription(2)["endpoint"]]
