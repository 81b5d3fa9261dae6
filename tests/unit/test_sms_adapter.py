"""The Africa's Talking adapter against a loopback fake of its HTTP API, and the choice of adapter."""
import re
import time

import pytest

from tests import factories
from tests.conftest import make_app, migrate
from tests.fakes.fixtures import africastalking_fake  # noqa: F401
from tests.servers import free_port
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.integrations.sms import AfricasTalkingSms, OutboxSms, SmsError, international_number, mask_phone
from vgk.services.accounts import signup
from vgk.services.notifications import Guest, notify

NUMBER = "+237690000001"


def adapter_for(fake, **overrides):
    settings = dict(username=fake.username, api_key=fake.api_key, base_url=fake.url)
    settings.update(overrides)
    return AfricasTalkingSms(settings.pop("username"), settings.pop("api_key"), **settings)


def test_a_message_reaches_africas_talking_as_documented(africastalking_fake):
    reference = adapter_for(africastalking_fake, sender_id="VGK").send(NUMBER, "Bonjour de Douala, été 2026")

    assert reference.startswith("ATXid_")
    [request] = africastalking_fake.requests
    assert (request["method"], request["path"]) == ("POST", "/version1/messaging")
    assert request["headers"]["Apikey"] == africastalking_fake.api_key
    assert request["headers"]["Accept"] == "application/json"
    assert request["form"]["username"] == africastalking_fake.username
    assert request["form"]["to"] == NUMBER
    assert request["form"]["message"] == "Bonjour de Douala, été 2026"
    assert request["form"]["from"] == "VGK"


def test_without_a_sender_id_the_account_default_is_used(africastalking_fake):
    adapter_for(africastalking_fake, sender_id="  ").send(NUMBER, "Bonjour")
    assert "from" not in africastalking_fake.requests[0]["form"]


def test_spaces_in_an_international_number_are_removed(africastalking_fake):
    adapter_for(africastalking_fake).send("+237 6 90 00 00 01", "Bonjour")
    assert africastalking_fake.requests[0]["form"]["to"] == NUMBER
    assert international_number("00237690000001") == NUMBER


def test_a_json_answer_with_a_charset_is_still_understood(africastalking_fake):
    africastalking_fake.content_type = "application/json; charset=utf-8"  # the SDK then hands back text
    assert adapter_for(africastalking_fake).send(NUMBER, "Bonjour").startswith("ATXid_")


def test_a_number_the_provider_rejects_is_an_sms_error(africastalking_fake):
    with pytest.raises(SmsError, match="InvalidPhoneNumber"):
        adapter_for(africastalking_fake).send("+237123456789", "Bonjour")
    assert len(africastalking_fake.requests) == 1  # it was asked, and said no


def test_a_number_without_country_code_is_refused_before_any_request(africastalking_fake):
    with pytest.raises(SmsError, match="international") as caught:
        adapter_for(africastalking_fake).send("690000001", "Bonjour")
    assert africastalking_fake.requests == []
    assert "690000001" not in str(caught.value)  # the number is masked in the error too


def test_a_sender_id_the_account_does_not_own_is_an_sms_error(africastalking_fake):
    africastalking_fake.sender_ids = {"VGK"}
    with pytest.raises(SmsError, match="InvalidSenderId"):
        adapter_for(africastalking_fake, sender_id="PIRATE").send(NUMBER, "Bonjour")


def test_a_wrong_api_key_is_an_sms_error(africastalking_fake):
    with pytest.raises(SmsError, match="authentication is invalid"):
        adapter_for(africastalking_fake, api_key="not-the-key").send(NUMBER, "Bonjour")
    assert africastalking_fake.messages == []


def test_a_wrong_username_is_an_sms_error(africastalking_fake):
    with pytest.raises(SmsError):
        adapter_for(africastalking_fake, username="someone-else").send(NUMBER, "Bonjour")


def test_a_provider_that_is_down_fails_quickly():
    adapter = AfricasTalkingSms("vgk", "key", base_url=f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(SmsError, match="ConnectionError"):
        adapter.send(NUMBER, "Bonjour")
    assert time.monotonic() - started < 3


def test_the_error_never_carries_the_message_text(africastalking_fake):
    with pytest.raises(SmsError) as caught:
        adapter_for(africastalking_fake, api_key="wrong").send(NUMBER, "Votre code est 482913")
    assert "482913" not in str(caught.value)


def test_mask_phone_keeps_the_last_three_digits():
    assert mask_phone("+237690000123") == "***123"
    assert mask_phone("") == "***"


# --- through the application ------------------------------------------------------------------

def test_the_app_uses_africas_talking_when_configured(africastalking_fake, tmp_path, media_root):
    app = make_app(
        f"sqlite:///{tmp_path / 'sms.sqlite3'}", media_root,
        AFRICASTALKING_USERNAME=africastalking_fake.username,
        AFRICASTALKING_API_KEY=africastalking_fake.api_key,
        AFRICASTALKING_BASE_URL=africastalking_fake.url,
        AFRICASTALKING_SENDER_ID="VGK",
    )
    migrate(app)
    with app.app_context():
        assert isinstance(adapters_of(app).sms, AfricasTalkingSms)
        notify(Guest(phone=NUMBER), "security.code", {"code": "482913", "minutes": 10})
        db.session.commit()
        assert africastalking_fake.messages[-1]["message"].startswith("VGK : Votre code de vérification : 482913.")

        # A real service end to end: sign-up sends the verification code through Africa's Talking.
        user = signup.register(name="Amina Njoya", phone="6 77 00 00 42", password="mangue-douce-7")
        sent = africastalking_fake.messages[-1]
        assert sent["to"] == "+237677000042" and sent["from"] == "VGK"
        assert re.search(r"\b\d{6}\b", sent["message"])
        assert factories.outbox() == []  # nothing went to the local outbox
        assert user.public_id


def test_without_configuration_messages_go_to_the_outbox(app, africastalking_fake):
    assert isinstance(adapters_of(app).sms, OutboxSms)
    notify(Guest(phone=NUMBER), "security.code", {"code": "482913", "minutes": 10})
    db.session.commit()
    [message] = factories.outbox(NUMBER)
    assert message.channel == "SMS" and message.body.startswith("VGK : Votre code de vérification : 482913.")
    assert africastalking_fake.requests == []
