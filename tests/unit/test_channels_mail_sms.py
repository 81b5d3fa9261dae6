"""Email and SMS as notification channels: deliver(Outgoing) -> Sent, errors that say whether to try again,
Africa's Talking delivery reports and callback tokens, signed unsubscribe links."""
import logging

import pytest

from tests.fakes.fixtures import africastalking_fake, smtp_fake, smtp_fake_factory  # noqa: F401
from tests.servers import free_port
from vgk.integrations.channels import ChannelError, Outgoing, Sent
from vgk.integrations.mail import MailError, OutboxMail, SmtpMail

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
