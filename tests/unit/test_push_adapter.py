"""The Web Push adapter against a loopback push service that checks the VAPID signature and decrypts the
payload as a browser would; the outbox adapter; the choice of adapter."""
import json

import pytest

from tests import factories
from tests.fakes.push import PushServiceFake
from vgk.integrations.channels import ChannelError, Outgoing
from vgk.integrations.push import OutboxPush, WebPush, new_vapid_keys, push_from_config
from vgk.integrations.registry import adapters_of


@pytest.fixture(scope="module")
def push_service():
    fake = PushServiceFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def service(push_service):
    push_service.received.clear()
    push_service.requests.clear()
    push_service.script.clear()
    return push_service


def message(subscription, **overrides):
    fields = dict(to=json.dumps(subscription), text="Votre commande VGK-1234 est prête au point de retrait.",
                  subject="Commande prête", link="https://vgk.cm/compte/commandes/VGK-1234", tag="order-1234")
    fields.update(overrides)
    return Outgoing(**fields)


def adapter(**overrides):
    private, _public = new_vapid_keys()
    return WebPush(private, "mailto:support@vgk.cm", **overrides)


def test_the_browser_decrypts_the_title_body_link_and_tag_sent(service):
    sent = adapter(ttl=3600).deliver(message(service.new_subscription()))

    [got] = service.received
    assert got["data"] == {"title": "Commande prête", "body": "Votre commande VGK-1234 est prête au point de retrait.",
                           "url": "https://vgk.cm/compte/commandes/VGK-1234", "tag": "order-1234"}
    assert got["ttl"] == "3600"
    assert got["urgency"] == "normal"
    assert sent.reference.startswith(f"{service.url}/messages/")


def test_a_subscription_the_service_forgot_is_gone(service):
    service.script.append(410)
    with pytest.raises(ChannelError) as raised:
        adapter().deliver(message(service.new_subscription()))
    assert raised.value.gone and not raised.value.retryable
    assert service.received == []
    assert "Commande" not in str(raised.value)  # the text never appears in the error


def test_an_unknown_endpoint_is_gone_too(service):
    subscription = service.new_subscription()
    subscription["endpoint"] = f"{service.url}/push/unknown"
    with pytest.raises(ChannelError) as raised:
        adapter().deliver(message(subscription))
    assert raised.value.gone


@pytest.mark.parametrize("status", [429, 500])
def test_too_many_requests_and_server_errors_are_worth_a_later_try(service, status):
    service.script.append(status)
    with pytest.raises(ChannelError) as raised:
        adapter().deliver(message(service.new_subscription()))
    assert raised.value.retryable and not raised.value.gone


def test_a_refusal_is_final(service):
    service.script.append(413)  # payload too large
    with pytest.raises(ChannelError) as raised:
        adapter().deliver(message(service.new_subscription()))
    assert not raised.value.retryable and not raised.value.gone


def test_an_unreachable_service_is_worth_a_later_try(service):
    subscription = service.new_subscription()
    subscription["endpoint"] = "http://127.0.0.1:9/push/nobody"  # the discard port: nothing listens
    with pytest.raises(ChannelError) as raised:
        adapter(timeout=(0.5, 0.5)).deliver(message(subscription))
    assert raised.value.retryable


def test_an_unreadable_subscription_is_refused_without_a_request(service):
    with pytest.raises(ChannelError) as raised:
        adapter().deliver(message({"endpoint": service.url + "/push/x"}))
    assert not raised.value.retryable
    assert service.requests == []


def test_a_signature_from_another_key_is_refused_by_the_service(service, monkeypatch):
    push = adapter()
    _other_private, other_public = new_vapid_keys()
    real_sign = push.vapid.sign

    def sign_but_show_another_key(claims):
        token = real_sign(claims)["Authorization"].split(",k=")[0]
        return {"Authorization": f"{token},k={other_public}"}

    monkeypatch.setattr(push.vapid, "sign", sign_but_show_another_key)
    with pytest.raises(ChannelError):
        push.deliver(message(service.new_subscription()))
    assert service.requests[-1]["status"] == 401
    assert service.received == []


def test_the_outbox_keeps_the_message_and_sends_nothing(app):
    subscription = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": {"p256dh": "x", "auth": "y"}}
    sent = adapters_of(app).push.deliver(message(subscription))

    assert sent.reference == "outbox"
    [kept] = factories.outbox()
    assert (kept.channel, kept.recipient, kept.subject) == ("PUSH", subscription["endpoint"], "Commande prête")
    assert kept.body.endswith("https://vgk.cm/compte/commandes/VGK-1234")


def test_a_private_key_chooses_web_push():
    private, public = new_vapid_keys()
    assert isinstance(push_from_config({"VAPID_PRIVATE_KEY": private, "VAPID_SUBJECT": "mailto:a@vgk.cm"}), WebPush)
    assert isinstance(push_from_config({}), OutboxPush)
    assert len(public) == 87 and len(private) == 43  # 65 and 32 bytes, base64url without padding


def test_the_cli_prints_a_fresh_key_pair_that_signs(app, service):
    output = app.test_cli_runner().invoke(args=["vapid-keys"]).output
    private = output.split("VAPID_PRIVATE_KEY=")[1].split()[0]
    public = output.split("VAPID_PUBLIC_KEY=")[1].split()[0]

    WebPush(private, "mailto:support@vgk.cm").deliver(message(service.new_subscription()))
    assert service.requests[-1]["status"] == 201
    assert service.requests[-1]["headers"]["Authorization"].endswith(",k=" + public)


def test_a_long_text_is_cut_to_fit_the_push_service_limit(service):
    adapter().deliver(message(service.new_subscription(), text="é" * 5000))

    body = service.received[-1]["data"]["body"]
    assert body.endswith("…") and len(body) == 600
