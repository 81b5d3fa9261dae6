"""Providers' callbacks: forged ones change nothing (a missing secret refuses them all), real ones move the
delivery log forward, and a person writing to us on WhatsApp opens their 24-hour window."""
import hashlib
import hmac
import json
import time

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.models import NotificationDelivery, WhatsAppContact
from vgk.services.notifications import notify, preferences

TOKEN, SECRET, VERIFY = "at-callback-7f3a", "app-secret-91", "verify-me-42"


@pytest.fixture
def fakes(app, monkeypatch):
    app.config.update(AFRICASTALKING_CALLBACK_TOKEN=TOKEN, WHATSAPP_APP_SECRET=SECRET, WHATSAPP_VERIFY_TOKEN=VERIFY)
    return install_channels(app, monkeypatch, "sms", "email", "whatsapp")


def _row(channel):
    return db.session.scalar(select(NotificationDelivery).where(NotificationDelivery.channel == channel))


def _sms_sent():
    notify(f.user(), "order.ready", {"ref": "VGK-7", "point": "Akwa", "code": "204518"})
    db.session.commit()
    row = _row("sms")
    assert (row.status, row.reference) == ("sent", "sms-1")
    return row


def _whatsapp_person():
    person = f.user()
    preferences.choose(person, "transactional", ["whatsapp", "sms"])
    return person


def _signed(client, payload, secret=SECRET):
    raw = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post("/hooks/whatsapp", data=raw, content_type="application/json",
                       headers={"X-Hub-Signature-256": signature})


def _change(**value):
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": value}]}]}


def test_a_delivery_report_moves_the_sms_to_delivered(client, fakes):
    row = _sms_sent()
    response = client.post(f"/hooks/sms/{TOKEN}", data={"id": "sms-1", "status": "Success"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    db.session.refresh(row)
    assert row.status == "delivered"


def test_forged_or_malformed_sms_reports_change_nothing(client, app, fakes):
    row = _sms_sent()
    assert client.post("/hooks/sms/guessed", data={"id": "sms-1", "status": "Success"}).status_code == 403
    assert client.post(f"/hooks/sms/{TOKEN}", data={"status": "Success"}).status_code == 400
    app.config["AFRICASTALKING_CALLBACK_TOKEN"] = ""  # not configured: closed, even to an empty-looking guess
    assert client.post(f"/hooks/sms/{TOKEN}", data={"id": "sms-1", "status": "Success"}).status_code == 403
    db.session.refresh(row)
    assert row.status == "sent"


def test_the_whatsapp_handshake(client, app, fakes):
    ok = client.get("/hooks/whatsapp", query_string={"hub.mode": "subscribe", "hub.verify_token": VERIFY,
                                                      "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.get_data(as_text=True), ok.mimetype) == (200, "1158201444", "text/plain")
    assert client.get("/hooks/whatsapp", query_string={"hub.mode": "subscribe", "hub.verify_token": "no",
                                                        "hub.challenge": "1"}).status_code == 403
    app.config["WHATSAPP_VERIFY_TOKEN"] = None
    assert client.get("/hooks/whatsapp", query_string={"hub.mode": "subscribe", "hub.verify_token": "",
                                                        "hub.challenge": "1"}).status_code == 403


def test_a_read_status_moves_the_message_to_read(client, fakes):
    notify(_whatsapp_person(), "order.paid", {"ref": "VGK-8"})
    db.session.commit()
    response = _signed(client, _change(statuses=[{"id": "whatsapp-1", "status": "read", "timestamp": "1700000000",
                                                  "recipient_id": "237690112233"}]))
    assert response.status_code == 200
    assert _row("whatsapp").status == "read"


def test_forged_whatsapp_calls_change_nothing(client, app, fakes):
    notify(_whatsapp_person(), "order.paid", {"ref": "VGK-9"})
    db.session.commit()
    read = _change(statuses=[{"id": "whatsapp-1", "status": "read"}])
    assert _signed(client, read, secret="someone-else").status_code == 403
    assert client.post("/hooks/whatsapp", json=read).status_code == 403  # unsigned
    app.config["WHATSAPP_APP_SECRET"] = None  # no secret configured: everything refused
    assert _signed(client, read, secret="").status_code == 403
    app.config["WHATSAPP_APP_SECRET"] = SECRET
    raw = b"not json"
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert client.post("/hooks/whatsapp", data=raw, headers={"X-Hub-Signature-256": signature}).status_code == 400
    assert _row("whatsapp").status == "sent"


def test_a_message_from_the_person_opens_the_window_for_free_text(client, fakes):
    person = _whatsapp_person()
    notify(person, "order.paid", {"ref": "VGK-10"})
    db.session.commit()
    assert fakes["whatsapp"].sent[-1].window_open is False  # never wrote to us: a template
    number = person.phone.lstrip("+")
    response = _signed(client, _change(messages=[{"from": number, "id": "wamid.1", "timestamp": str(int(time.time())),
                                                  "type": "text", "text": {"body": "Bonjour"}}]))
    assert response.status_code == 200
    assert db.session.scalar(select(WhatsAppContact.phone)) is not None
    notify(person, "order.paid", {"ref": "VGK-11"})
    db.session.commit()
    assert fakes["whatsapp"].sent[-1].window_open is True
