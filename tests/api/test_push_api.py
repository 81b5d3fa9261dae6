"""Notifications on the phone from the API: the key to subscribe with, handing a subscription over and
taking it back — every answer checked against the OpenAPI document."""
import base64

from tests import factories as f
from vgk.services.accounts import push_subscriptions

BASE = "client/push_subscriptions/"
KEYS = {"p256dh": base64.urlsafe_b64encode(b"\x04" + bytes(64)).decode().rstrip("="),
        "auth": base64.urlsafe_b64encode(bytes(16)).decode().rstrip("=")}
ENDPOINT = "https://fcm.googleapis.com/fcm/send/phone-1"


def test_the_key_is_null_until_push_is_configured(api, app, monkeypatch):
    me = f.user()
    assert api.get(BASE + "key/", user=me).get_json() == {"success": True, "public_key": None}
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", "BKey")
    assert api.get(BASE + "key/", user=me).get_json()["public_key"] == "BKey"


def test_a_device_subscribes_moves_to_the_last_person_and_unsubscribes(api, app):
    first, second = f.user(), f.user()
    assert api.post(BASE, {"endpoint": ENDPOINT, "keys": KEYS}, user=first).status_code == 201
    assert api.post(BASE, {"endpoint": ENDPOINT, "keys": KEYS}, user=second).status_code == 201
    assert push_subscriptions.subscriptions_of(first.id) == []

    assert api.post(BASE + "remove/", {"endpoint": ENDPOINT}, user=first).get_json()["removed"] is False
    assert api.post(BASE + "remove/", {"endpoint": ENDPOINT}, user=second).get_json()["removed"] is True
    assert push_subscriptions.subscriptions_of(second.id) == []


def test_bad_subscriptions_and_anonymous_callers_are_refused(api, app):
    me = f.user()
    response = api.post(BASE, {"endpoint": ENDPOINT, "keys": {"p256dh": "short", "auth": KEYS["auth"]}}, user=me)
    assert response.status_code == 400
    assert "clés" in response.get_json()["error"]["message"]
    assert api.post(BASE, ["not", "an", "object"], user=me).status_code == 400
    assert api.post(BASE, {"endpoint": ENDPOINT, "keys": KEYS}).status_code == 401
