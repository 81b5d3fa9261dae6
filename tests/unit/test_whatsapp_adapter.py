"""The WhatsApp Cloud API adapter against a loopback fake of its HTTP API, the outbox adapter, the choice
of adapter, and the webhook helpers (signature, subscription handshake, parsing)."""
import hashlib
import hmac
import json
import logging
import time
from datetime import datetime

import pytest

from config import ConfigError, ProductionConfig
from tests import factories
from tests.conftest import make_app
from tests.fakes.whatsapp import WhatsAppFake
from tests.servers import free_port
from vgk.integrations.channels import ChannelError, Outgoing, Sent, StatusUpdate
from vgk.integrations.registry import adapters_of
from vgk.integrations.whatsapp import (
    CloudWhatsApp,
    Inbound,
    OutboxWhatsApp,
    handshake,
    parse_webhook,
    verify_signature,
    whatsapp_from_config,
)

NUMBER = "+237690000001"
TEXT = "Votre commande VGK-1042 est prête au point relais Akwa. Code de retrait 482913."


@pytest.fixture(scope="module")
def _running_fake():
    fake = WhatsAppFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def whatsapp_fake(_running_fake):
    _running_fake.reset()
    return _running_fake


def adapter_for(fake, **overrides):
    settings = dict(token=fake.token, phone_number_id=fake.phone_number_id, base_url=fake.url,
                    api_version=fake.version, cost_xaf=30)
    settings.update(overrides)
    return CloudWhatsApp(settings.pop("token"), settings.pop("phone_number_id"), **settings)


def inside_window(**fields):
    return Outgoing(to=NUMBER, text=TEXT, window_open=True, **fields)


def outside_window(**fields):
    values = dict(to=NUMBER, text=TEXT, template="commande_prete", template_params=("VGK-1042", "Akwa"))
    values.update(fields)
    return Outgoing(**values)


# --- sending ------------------------------------------------------------------------------------

def test_inside_the_window_free_text_goes_to_the_documented_endpoint(whatsapp_fake):
    sent = adapter_for(whatsapp_fake).deliver(inside_window())

    assert sent == Sent(reference="wamid.FAKE000001", cost_xaf=30)
    [request] = whatsapp_fake.requests
    assert (request["method"], request["path"]) == ("POST", "/v21.0/106540352242922/messages")
    assert request["bearer"] == "wa-test-token"
    body = request["json"]
    assert (body["messaging_product"], body["to"], body["type"]) == ("whatsapp", "237690000001", "text")
    assert body["text"]["body"] == TEXT
    assert "template" not in body


def test_outside_the_window_the_approved_template_is_sent_in_the_readers_language(whatsapp_fake):
    adapter = adapter_for(whatsapp_fake)
    adapter.deliver(outside_window())
    adapter.deliver(outside_window(language="en"))

    french, english = whatsapp_fake.messages
    assert french["type"] == "template" and "text" not in french
    assert french["template"] == {
        "name": "commande_prete",
        "language": {"code": "fr"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "VGK-1042"},
                                                       {"type": "text", "text": "Akwa"}]}],
    }
    assert english["template"]["language"] == {"code": "en"}


def test_outside_the_window_without_a_template_nothing_is_sent_and_the_next_channel_is_tried(whatsapp_fake):
    with pytest.raises(ChannelError) as caught:
        adapter_for(whatsapp_fake).deliver(Outgoing(to=NUMBER, text=TEXT))
    assert caught.value.retryable is False
    assert whatsapp_fake.requests == []


def test_another_api_version_changes_the_path(whatsapp_fake):
    whatsapp_fake.version = "v22.0"
    try:
        adapter_for(whatsapp_fake, api_version="v22.0").deliver(inside_window())
    finally:
        whatsapp_fake.version = "v21.0"
    assert whatsapp_fake.requests[0]["path"] == "/v22.0/106540352242922/messages"


@pytest.mark.parametrize("status, code", [(429, 130429), (500, None), (503, 131016), (400, 131000)])
def test_rate_limits_and_provider_trouble_are_worth_trying_again(whatsapp_fake, status, code):
    whatsapp_fake.fail_next(status, code)
    with pytest.raises(ChannelError) as caught:
        adapter_for(whatsapp_fake).deliver(inside_window())
    assert caught.value.retryable is True
    assert f"HTTP {status}" in str(caught.value)


@pytest.mark.parametrize("code", [131026, 131047, 132001])
def test_a_refusal_is_final_and_says_why(whatsapp_fake, code):
    whatsapp_fake.fail_next(400, code)
    with pytest.raises(ChannelError) as caught:
        adapter_for(whatsapp_fake).deliver(outside_window())
    assert caught.value.retryable is False
    assert str(code) in str(caught.value)
    assert whatsapp_fake.messages == []


def test_a_wrong_token_is_a_final_refusal(whatsapp_fake):
    with pytest.raises(ChannelError, match="190") as caught:
        adapter_for(whatsapp_fake, token="expired").deliver(inside_window())
    assert caught.value.retryable is False
    assert whatsapp_fake.requests[0]["bearer"] == "expired"


def test_a_provider_that_is_down_is_retried_later_and_fails_quickly():
    adapter = CloudWhatsApp("token", "123", base_url=f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(ChannelError, match="ConnectionError") as caught:
        adapter.deliver(inside_window())
    assert caught.value.retryable is True
    assert time.monotonic() - started < 3


def test_a_slow_provider_times_out_and_is_retried_later(whatsapp_fake):
    whatsapp_fake.delay = 1.5
    with pytest.raises(ChannelError, match="Timeout") as caught:
        adapter_for(whatsapp_fake, timeout=(1, 0.3)).deliver(inside_window())
    assert caught.value.retryable is True


def test_a_number_that_is_not_international_is_refused_before_any_request(whatsapp_fake):
    with pytest.raises(ChannelError) as caught:
        adapter_for(whatsapp_fake).deliver(Outgoing(to="690000001", text=TEXT, window_open=True))
    assert caught.value.retryable is False
    assert whatsapp_fake.requests == []


def test_neither_the_text_nor_the_full_number_reaches_errors_or_logs(whatsapp_fake, caplog):
    caplog.set_level(logging.DEBUG, logger="vgk.integrations.whatsapp")
    adapter = adapter_for(whatsapp_fake)
    adapter.deliver(inside_window())
    whatsapp_fake.fail_next(400, 131026)
    with pytest.raises(ChannelError) as caught:
        adapter.deliver(inside_window())
    written = caplog.text + str(caught.value)
    assert "***001" in caplog.text
    assert "482913" not in written and "690000001" not in written


# --- the outbox and the choice of adapter --------------------------------------------------------

def test_the_outbox_keeps_the_message_and_refuses_like_the_api_outside_the_window():
    kept = []
    adapter = OutboxWhatsApp(lambda *message: kept.append(message))

    assert adapter.deliver(inside_window()) == Sent(reference="outbox")
    adapter.deliver(outside_window())
    with pytest.raises(ChannelError):
        adapter.deliver(Outgoing(to=NUMBER, text=TEXT))
    assert kept == [("WHATSAPP", NUMBER, TEXT, ""), ("WHATSAPP", NUMBER, TEXT, "template commande_prete")]


def test_the_real_adapter_needs_both_the_token_and_the_phone_number_id():
    assert isinstance(whatsapp_from_config({"WHATSAPP_TOKEN": "t"}), OutboxWhatsApp)
    assert isinstance(whatsapp_from_config({"WHATSAPP_PHONE_NUMBER_ID": "1"}), OutboxWhatsApp)
    adapter = whatsapp_from_config({"WHATSAPP_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1",
                                    "WHATSAPP_API_VERSION": "v22.0", "WHATSAPP_COST_XAF": 35})
    assert isinstance(adapter, CloudWhatsApp)
    assert adapter.url == "https://graph.facebook.com/v22.0/1/messages"
    assert adapter.cost_xaf == 35


def test_the_app_sends_through_the_cloud_api_when_configured(whatsapp_fake, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'wa.sqlite3'}", media_root,
                   WHATSAPP_TOKEN=whatsapp_fake.token, WHATSAPP_PHONE_NUMBER_ID=whatsapp_fake.phone_number_id,
                   WHATSAPP_BASE_URL=whatsapp_fake.url)
    channel = adapters_of(app).whatsapp
    assert isinstance(channel, CloudWhatsApp)
    channel.deliver(inside_window())
    assert whatsapp_fake.messages[0]["text"]["body"] == TEXT


def test_without_configuration_whatsapp_messages_go_to_the_outbox(app, whatsapp_fake):
    adapters_of(app).whatsapp.deliver(inside_window())
    [message] = factories.outbox(NUMBER)
    assert (message.channel, message.body) == ("WHATSAPP", TEXT)
    assert whatsapp_fake.requests == []


def _production(**values):
    config = {"SECRET_KEY": "k9#Lr2@vQ8!mZ4$wX7^pT1&nB5*cY3(hJ6)", "PUBLIC_URL": "https://vgk.cm",
              "CAMPAY_USERNAME": "vgk-app"}
    config.update(values)
    return config


def test_production_refuses_a_whatsapp_token_without_the_app_secret():
    with pytest.raises(ConfigError, match="WHATSAPP_APP_SECRET"):
        ProductionConfig.check(_production(WHATSAPP_TOKEN="EAAG-token"))
    ProductionConfig.check(_production(WHATSAPP_TOKEN="EAAG-token", WHATSAPP_APP_SECRET="app-secret"))
    ProductionConfig.check(_production())  # no WhatsApp at all: nothing to check


# --- webhooks -------------------------------------------------------------------------------------

SECRET = "whatsapp-app-secret"


def signed(body):
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def test_only_a_body_signed_with_the_app_secret_is_accepted():
    body = json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()
    assert verify_signature(body, signed(body), SECRET)
    assert verify_signature(body, signed(body).upper().replace("SHA256=", "sha256="), SECRET)
    assert not verify_signature(body + b" ", signed(body), SECRET)  # the body was changed
    assert not verify_signature(body, signed(body), "another-secret")
    assert not verify_signature(body, signed(body)[len("sha256="):], SECRET)  # no "sha256=" prefix
    assert not verify_signature(body, None, SECRET)
    assert not verify_signature(body, "sha256=é" + "0" * 63, SECRET)
    assert not verify_signature(body, signed(body), "")  # no secret configured: nothing is trusted


def test_the_subscription_handshake_echoes_the_challenge_only_for_our_token():
    asked = {"hub.mode": "subscribe", "hub.verify_token": "our-token", "hub.challenge": "1158201444"}
    assert handshake(asked, "our-token") == "1158201444"
    assert handshake({**asked, "hub.verify_token": "guess"}, "our-token") is None
    assert handshake({**asked, "hub.mode": "unsubscribe"}, "our-token") is None
    assert handshake(asked, "") is None  # no verify token configured
    assert handshake({"hub.mode": "subscribe", "hub.challenge": "1"}, "our-token") is None


def _webhook(value):
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA-ID", "changes": [{"field": "messages", "value": value}]}]}


def test_statuses_and_replies_are_read_from_a_webhook():
    payload = _webhook({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "237650000000", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Amina"}, "wa_id": "237690000001"}],
        "messages": [{"from": "237690000001", "id": "wamid.IN1", "timestamp": "1764691200", "type": "text",
                      "text": {"body": "Merci, je passe demain"}}],
        "statuses": [
            {"id": "wamid.A", "status": "sent", "timestamp": "1764691100", "recipient_id": "237690000001",
             "pricing": {"billable": True, "pricing_model": "CBP", "category": "utility"}},
            {"id": "wamid.A", "status": "delivered", "timestamp": "1764691110", "recipient_id": "237690000001"},
            {"id": "wamid.B", "status": "read", "timestamp": "1764691120", "recipient_id": "237690000002",
             "pricing": {"billable": False, "category": "service"}},
            {"id": "wamid.C", "status": "failed", "timestamp": "1764691130", "recipient_id": "237690000003",
             "errors": [{"code": 131026, "title": "Message undeliverable"}]},
        ],
    })
    statuses, inbound = parse_webhook(payload, cost_xaf=30)

    assert statuses == [
        StatusUpdate(reference="wamid.A", status="sent", cost_xaf=30),
        StatusUpdate(reference="wamid.A", status="delivered"),
        StatusUpdate(reference="wamid.B", status="read", cost_xaf=0),
        StatusUpdate(reference="wamid.C", status="failed", reason="Message undeliverable"),
    ]
    assert inbound == [Inbound(phone="+237690000001", at=datetime(2025, 12, 2, 16, 0), reference="wamid.IN1")]


@pytest.mark.parametrize("payload", [
    {}, {"entry": None}, {"entry": "x"}, {"entry": [None, 3, {"changes": "x"}]},
    {"entry": [{"changes": [{"value": None}, {"value": []}]}]},
    _webhook({"statuses": [None, {"id": 5, "status": "read"}, {"id": "wamid.X", "status": "deleted"},
                           {"status": "read"}, {"id": "", "status": "read"}]}),
    _webhook({"messages": [None, {"from": 237690000001, "timestamp": "1"}, {"from": "+237690000001"},
                           {"from": "237690000001", "timestamp": "soon"},
                           {"from": "237690000001", "timestamp": True},
                           {"from": "237690000001", "timestamp": "9" * 400},
                           {"from": "abc", "timestamp": "1764691200"}]}),
])
def test_hostile_webhooks_yield_nothing(payload):
    assert parse_webhook(payload) == ([], [])


@pytest.mark.parametrize("payload", [None, [], "text", 42])
def test_a_body_that_is_not_an_object_is_a_value_error(payload):
    with pytest.raises(ValueError):
        parse_webhook(payload)


def test_a_failed_status_with_odd_errors_still_counts_as_failed():
    statuses, _ = parse_webhook(_webhook({"statuses": [
        {"id": "wamid.D", "status": "failed", "errors": "boom"},
        {"id": "wamid.E", "status": "failed", "errors": [{"code": 131047}]},
    ]}))
    assert [(s.status, s.reason) for s in statuses] == [("failed", "failed"), ("failed", "131047")]
