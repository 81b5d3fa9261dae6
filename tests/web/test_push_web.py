"""Notifications on this phone, from the account's notifications page: the control appears only with a
VAPID key (hidden until the script finds push support), and the page's script hands subscriptions over
as JSON with the CSRF token."""
import base64
import re

import pytest

from tests import factories as f
from tests.web.test_auth import csrf_token, text
from vgk.services.accounts import push_subscriptions

PAGE = "/compte/notifications"
KEYS = {"p256dh": base64.urlsafe_b64encode(b"\x04" + bytes(64)).decode().rstrip("="),
        "auth": base64.urlsafe_b64encode(bytes(16)).decode().rstrip("=")}
ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/abc"
JSON = {"Accept": "application/json"}


@pytest.fixture
def vapid(app, monkeypatch):
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", "BPublicKeyForTheTest")


def hand_over(client, url, body, token=None):
    return client.post(url, json=body, headers={**JSON, "X-CSRFToken": token or csrf_token(client, PAGE)})


def test_the_control_is_offered_only_when_push_is_configured(client, app, monkeypatch):
    f.sign_in(client, f.user())
    assert "Notifications sur ce téléphone" not in text(client.get(PAGE))

    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", "BPublicKeyForTheTest")
    page = text(client.get(PAGE))
    section = re.search(r'<section class="panel push" id="push" hidden[^>]*data-key="BPublicKeyForTheTest"', page)
    assert section, "hidden until the script finds push support"
    assert "Activer les notifications sur ce téléphone" in page and "js/push." in page


def test_a_person_turns_notifications_on_and_off_on_this_phone(client, app, vapid):
    me = f.user()
    f.sign_in(client, me)

    response = hand_over(client, "/compte/notifications/telephone", {"endpoint": ENDPOINT, "keys": KEYS})
    assert response.status_code == 204
    assert [s.endpoint for s in push_subscriptions.subscriptions_of(me.id)] == [ENDPOINT]

    response = hand_over(client, "/compte/notifications/telephone/retirer", {"endpoint": ENDPOINT})
    assert response.status_code == 204
    assert push_subscriptions.subscriptions_of(me.id) == []


def test_a_bad_subscription_is_a_clear_400(client, app, vapid):
    f.sign_in(client, f.user())
    response = hand_over(client, "/compte/notifications/telephone", {"endpoint": "http://evil.example/x", "keys": KEYS})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "Cet abonnement aux notifications n'a pas d'adresse valable."
    response = hand_over(client, "/compte/notifications/telephone", "x" * 5000)
    assert response.status_code == 400 and response.get_json()["success"] is False


def test_without_the_csrf_token_or_signed_out_nothing_is_kept(client, app, vapid):
    me = f.user()
    response = client.post("/compte/notifications/telephone", json={"endpoint": ENDPOINT, "keys": KEYS},
                           headers=JSON)
    assert response.status_code in (400, 401)
    f.sign_in(client, me)
    response = client.post("/compte/notifications/telephone", json={"endpoint": ENDPOINT, "keys": KEYS},
                           headers={**JSON, "X-CSRFToken": "forged"})
    assert response.status_code == 400
    assert push_subscriptions.subscriptions_of(me.id) == []
