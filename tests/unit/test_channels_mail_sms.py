"""Email and SMS as notification channels: deliver(Outgoing) -> Sent, errors that say whether to try again,
Africa's Talking delivery reports and callback tokens, signed unsubscribe links."""
import logging
import re
import socket

import pytest
from flask import Flask
from itsdangerous import URLSafeSerializer

from tests.fakes.fixtures import africastalking_fake, smtp_fake, smtp_fake_factory  # noqa: F401
from tests.servers import free_port
from vgk.integrations.channels import ChannelError, Outgoing, Sent, StatusUpdate
from vgk.integrations.mail import MailError, OutboxMail, SmtpMail
from vgk.integrations.sms import (
    AfricasTalkingSms,
    OutboxSms,
    SmsError,
    callback_token_ok,
    parse_cost,
    parse_delivery_report,
)
from vgk.services.notifications import unsubscribe

SENDER = "Vidé-Grenier Kamer <no-reply@vgk.cm>"
UNSUBSCRIBE = "https://vgk.cm/notifications/unsubscribe/abc.def"


def smtp_for(fake):
    return SmtpMail(fake.host, fake.port, sender=SENDER, security="none", timeout=5)


def order_mail(**overrides):
    fields = dict(
        to="amina@example.cm", subject="Votre commande est prête", language="fr",
        text="Bonjour Amina,\nvotre commande vous attend au point relais d'Akwa. À bientôt !",
        html="<p>Bonjour Amina,</p><p>votre commande vous attend au point relais d'Akwa. À bientôt !</p>",
        unsubscribe_url=UNSUBSCRIBE,
    )
    fields.update(overrides)
    return Outgoing(**fields)


# --- email ------------------------------------------------------------------------------------

def test_an_email_arrives_with_its_text_and_html_parts(smtp_fake):
    sent = smtp_for(smtp_fake).deliver(order_mail())

    [mail] = smtp_fake.messages
    assert mail.message.get_content_type() == "multipart/alternative"
    assert mail.text == "Bonjour Amina,\nvotre commande vous attend au point relais d'Akwa. À bientôt !\n"
    assert mail.html.strip() == (
        "<p>Bonjour Amina,</p><p>votre commande vous attend au point relais d'Akwa. À bientôt !</p>")
    assert str(mail.message["Subject"]) == "Votre commande est prête"
    assert mail.message["Content-Language"] == "fr"
    assert isinstance(sent, Sent) and sent.reference == mail.message["Message-ID"]
    assert sent.reference.endswith("@vgk.cm>") and sent.cost_xaf == 0


def test_an_email_carries_one_click_unsubscribe_headers(smtp_fake):
    smtp_for(smtp_fake).deliver(order_mail(language="en"))
    [mail] = smtp_fake.messages
    assert mail.message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.message["Content-Language"] == "en"


def test_a_text_only_email_has_no_html_part_nor_unsubscribe_headers(smtp_fake):
    smtp_for(smtp_fake).deliver(order_mail(html="", unsubscribe_url=""))
    [mail] = smtp_fake.messages
    assert mail.message.get_content_type() == "text/plain"
    assert mail.html is None
    assert mail.message["List-Unsubscribe"] is None and mail.message["List-Unsubscribe-Post"] is None


def test_a_plain_http_unsubscribe_link_gets_no_one_click_header(smtp_fake):
    smtp_for(smtp_fake).deliver(order_mail(unsubscribe_url="http://localhost:5000/u/abc"))
    [mail] = smtp_fake.messages
    assert mail.message["List-Unsubscribe"] == "<http://localhost:5000/u/abc>"
    assert mail.message["List-Unsubscribe-Post"] is None  # RFC 8058 wants HTTPS


@pytest.mark.parametrize("overrides", [
    {"unsubscribe_url": "javascript:alert(1)"},
    {"unsubscribe_url": "https://vgk.cm/u/a>, <mailto:x@y.cm"},
    {"language": "fr\nBcc: tout@le-monde.cm"},
    {"headers": {"Bcc": "tout@le-monde.cm"}},
])
def test_a_message_that_cannot_be_built_is_refused_for_good(smtp_fake, overrides):
    with pytest.raises(MailError) as caught:
        smtp_for(smtp_fake).deliver(order_mail(**overrides))
    assert not caught.value.retryable
    assert smtp_fake.messages == []


def test_extra_headers_are_passed_on(smtp_fake):
    smtp_for(smtp_fake).deliver(order_mail(headers={"X-Entity-Ref-ID": "order-42"}))
    assert smtp_fake.messages[0].message["X-Entity-Ref-ID"] == "order-42"


def test_a_temporary_refusal_can_be_tried_again(smtp_fake):
    smtp_fake.data_reply = "451 4.3.0 Try again later"
    with pytest.raises(MailError) as caught:
        smtp_for(smtp_fake).deliver(order_mail())
    assert isinstance(caught.value, ChannelError) and caught.value.retryable
    assert "451" in str(caught.value) and "Akwa" not in str(caught.value)


def test_an_unknown_mailbox_is_refused_for_good(smtp_fake):
    smtp_fake.rcpt_reply = "550 5.1.1 No such user"
    with pytest.raises(MailError) as caught:
        smtp_for(smtp_fake).deliver(order_mail())
    assert not caught.value.retryable
    assert "550" in str(caught.value)
    assert smtp_fake.messages == []


def test_a_server_that_is_down_can_be_tried_again():
    adapter = SmtpMail("127.0.0.1", free_port(), security="none", timeout=2)
    with pytest.raises(MailError) as caught:
        adapter.deliver(order_mail())
    assert caught.value.retryable


def test_a_certificate_that_does_not_verify_is_not_tried_again(smtp_fake_factory):
    fake = smtp_fake_factory("starttls")
    adapter = SmtpMail(fake.host, fake.port, security="starttls", timeout=5)  # system CAs only
    with pytest.raises(MailError, match="SSLCertVerificationError") as caught:
        adapter.deliver(order_mail())
    assert not caught.value.retryable


def test_send_still_sends_plain_text(smtp_fake):
    reference = smtp_for(smtp_fake).send("amina@example.cm", "Bienvenue", "Bienvenue à vous.")
    [mail] = smtp_fake.messages
    assert reference == mail.message["Message-ID"]
    assert mail.message.get_content_type() == "text/plain" and mail.text == "Bienvenue à vous.\n"


def test_the_mail_outbox_keeps_the_text_and_subject(caplog):
    kept = []
    adapter = OutboxMail(lambda channel, to, body, subject="": kept.append((channel, to, body, subject)))
    with caplog.at_level(logging.INFO, logger="vgk.integrations.mail"):
        sent = adapter.deliver(order_mail())
    assert sent == Sent(reference="outbox")
    assert kept == [("EMAIL", "amina@example.cm",
                     "Bonjour Amina,\nvotre commande vous attend au point relais d'Akwa. À bientôt !",
                     "Votre commande est prête")]
    assert "amina@" not in caplog.text


# --- SMS --------------------------------------------------------------------------------------

NUMBER = "+237690000001"
READY = Outgoing(to=NUMBER, text="Votre commande est prête au point relais d'Akwa.")


def at_for(fake, **overrides):
    settings = dict(base_url=fake.url, timeout=(2, 2))
    settings.update(overrides)
    return AfricasTalkingSms(fake.username, fake.api_key, **settings)


def test_an_sms_receipt_has_the_message_id_and_its_cost(africastalking_fake):
    sent = at_for(africastalking_fake).deliver(READY)
    assert sent.reference.startswith("ATXid_") and sent.cost_xaf == 25
    [form] = africastalking_fake.messages
    assert (form["to"], form["message"]) == (NUMBER, "Votre commande est prête au point relais d'Akwa.")


def test_a_cost_in_another_currency_counts_as_nothing_and_is_logged(africastalking_fake, caplog):
    africastalking_fake.cost = "KES 0.8000"
    with caplog.at_level(logging.WARNING, logger="vgk.integrations.sms"):
        sent = at_for(africastalking_fake).deliver(READY)
    assert sent.reference.startswith("ATXid_") and sent.cost_xaf == 0
    assert "KES 0.8000" in caplog.text


@pytest.mark.parametrize(("cost", "francs"), [
    ("XAF 25.0000", 25), ("XAF 12.5000", 13), ("XAF 0", 0), ("USD 0.0400", 0), ("", 0), ("gratuit", 0), (None, 0)])
def test_parse_cost(cost, francs):
    assert parse_cost(cost) == francs


@pytest.mark.parametrize("status", [500, 502, 429])
def test_a_busy_or_broken_provider_can_be_tried_again(africastalking_fake, status):
    africastalking_fake.http_status = status
    with pytest.raises(SmsError) as caught:
        at_for(africastalking_fake).deliver(READY)
    assert isinstance(caught.value, ChannelError) and caught.value.retryable
    assert str(status) in str(caught.value)


def test_a_wrong_api_key_is_not_tried_again(africastalking_fake):
    adapter = AfricasTalkingSms(africastalking_fake.username, "wrong", base_url=africastalking_fake.url)
    with pytest.raises(SmsError) as caught:
        adapter.deliver(READY)
    assert not caught.value.retryable and "401" in str(caught.value)


def test_an_accepted_request_with_an_unreadable_answer_is_not_sent_twice(africastalking_fake):
    africastalking_fake.raw_body = "<html>Service Unavailable</html>"
    with pytest.raises(SmsError, match="not JSON") as caught:
        at_for(africastalking_fake).deliver(READY)
    assert not caught.value.retryable


def test_a_provider_that_is_down_can_be_tried_again():
    adapter = AfricasTalkingSms("vgk", "key", base_url=f"http://127.0.0.1:{free_port()}", timeout=(2, 2))
    with pytest.raises(SmsError) as caught:
        adapter.deliver(READY)
    assert caught.value.retryable


def test_a_provider_that_never_answers_times_out_and_can_be_tried_again():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never answers
        port = silent.getsockname()[1]
        adapter = AfricasTalkingSms("vgk", "key", base_url=f"http://127.0.0.1:{port}", timeout=(1, 0.5))
        with pytest.raises(SmsError, match="Timeout") as caught:
            adapter.deliver(READY)
    assert caught.value.retryable


def test_an_invalid_number_is_not_tried_again(africastalking_fake):
    with pytest.raises(SmsError, match="InvalidPhoneNumber") as caught:
        at_for(africastalking_fake).deliver(Outgoing(to="+237123456789", text="Bonjour"))
    assert not caught.value.retryable


def test_an_empty_balance_is_not_tried_again_and_the_operator_is_told(africastalking_fake, caplog):
    africastalking_fake.refusal = (405, "InsufficientBalance")
    with caplog.at_level(logging.ERROR, logger="vgk.integrations.sms"):
        with pytest.raises(SmsError, match="InsufficientBalance") as caught:
            at_for(africastalking_fake).deliver(READY)
    assert not caught.value.retryable
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "credit" in record.getMessage()


def test_a_gateway_error_for_the_recipient_can_be_tried_again(africastalking_fake):
    africastalking_fake.refusal = (501, "GatewayError")
    with pytest.raises(SmsError) as caught:
        at_for(africastalking_fake).deliver(READY)
    assert caught.value.retryable


def test_send_still_returns_the_reference(africastalking_fake):
    assert at_for(africastalking_fake).send(NUMBER, "Bonjour").startswith("ATXid_")


def test_the_sms_outbox_keeps_the_text():
    kept = []
    sent = OutboxSms(lambda *args: kept.append(args)).deliver(READY)
    assert sent == Sent(reference="outbox")
    assert kept == [("SMS", NUMBER, "Votre commande est prête au point relais d'Akwa.")]


# --- delivery reports -------------------------------------------------------------------------

def report(**fields):
    form = {"id": "ATXid_42", "status": "Success", "phoneNumber": NUMBER, "networkCode": "62402",
            "failureReason": "", "retryCount": "0"}
    form.update(fields)
    return form


def test_a_delivered_report():
    assert parse_delivery_report(report()) == [StatusUpdate(reference="ATXid_42", status="delivered")]


@pytest.mark.parametrize("status", ["Rejected", "Failed"])
def test_a_failed_report_keeps_the_reason(status):
    assert parse_delivery_report(report(status=status, failureReason="UserDoesNotExist")) == [
        StatusUpdate(reference="ATXid_42", status="failed", reason="UserDoesNotExist")]


@pytest.mark.parametrize("status", ["Sent", "Buffered", "Submitted"])
def test_a_report_of_a_message_still_on_its_way_changes_nothing(status):
    assert parse_delivery_report(report(status=status)) == []


def test_a_report_without_an_id_is_refused():
    with pytest.raises(ValueError):
        parse_delivery_report(report(id=""))
    with pytest.raises(ValueError):
        parse_delivery_report({"status": "Success"})


def test_the_callback_token_must_match_and_be_configured():
    assert callback_token_ok("s3cret-token", "s3cret-token")
    assert not callback_token_ok("s3cret-tokeN", "s3cret-token")
    assert not callback_token_ok("", "s3cret-token")
    assert not callback_token_ok("", "")  # nothing configured: refused, even for an empty token
    assert not callback_token_ok("anything", "")


# --- unsubscribe links ------------------------------------------------------------------------

@pytest.fixture
def keyed_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "k" * 48
    with app.app_context():
        yield app


def test_an_unsubscribe_token_names_its_person_and_category(keyed_app):
    token = unsubscribe.make_token(42, "order_updates")
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token)  # safe in a URL path as it is
    assert unsubscribe.read_token(token) == (42, "order_updates")
    assert unsubscribe.read_token(unsubscribe.make_token(7, "digest")) == (7, "digest")


def test_a_tampered_token_is_refused(keyed_app):
    token = unsubscribe.make_token(42, "order_updates")
    forged = URLSafeSerializer(keyed_app.config["SECRET_KEY"], salt=unsubscribe.SALT).dumps([43, "order_updates"])
    payload, signature = token.rsplit(".", 1)
    assert unsubscribe.read_token(forged.rsplit(".", 1)[0] + "." + signature) is None  # someone else's id
    assert unsubscribe.read_token(payload + "." + signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")) is None
    assert unsubscribe.read_token(payload) is None
    assert unsubscribe.read_token("") is None
    assert unsubscribe.read_token("pas-un-jeton") is None


def test_a_value_signed_for_something_else_is_refused(keyed_app):
    other_salt = URLSafeSerializer(keyed_app.config["SECRET_KEY"], salt="itsdangerous").dumps([42, "order_updates"])
    assert unsubscribe.read_token(other_salt) is None
    other_key = URLSafeSerializer("x" * 48, salt=unsubscribe.SALT).dumps([42, "order_updates"])
    assert unsubscribe.read_token(other_key) is None
    wrong_shape = URLSafeSerializer(keyed_app.config["SECRET_KEY"], salt=unsubscribe.SALT).dumps({"user": 42})
    assert unsubscribe.read_token(wrong_shape) is None


def test_links_sent_before_a_key_rotation_still_work(keyed_app):
    token = unsubscribe.make_token(42, "order_updates")
    keyed_app.config.update(SECRET_KEY="n" * 48, SECRET_KEY_FALLBACKS=["k" * 48])
    assert unsubscribe.read_token(token) == (42, "order_updates")
    keyed_app.config["SECRET_KEY_FALLBACKS"] = []
    assert unsubscribe.read_token(token) is None
