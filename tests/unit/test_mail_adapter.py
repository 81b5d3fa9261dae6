"""The SMTP adapter against a loopback aiosmtpd server (plain, STARTTLS, SSL), and the outbox."""
import pytest

from tests import factories
from tests.conftest import make_app, migrate
from tests.fakes.fixtures import smtp_fake, smtp_fake_factory  # noqa: F401
from tests.servers import free_port
from vgk.extensions import db
from vgk.integrations.mail import MailError, OutboxMail, SmtpMail, mail_from_config, mask_email
from vgk.integrations.registry import adapters_of
from vgk.services.notifications import Guest, notify

SENDER = "Vidé-Grenier Kamer <no-reply@vgk.cm>"


def smtp_for(fake, **overrides):
    settings = dict(sender=SENDER, security=fake.security, timeout=5)
    if fake.security != "none":
        settings["ssl_context"] = fake.client_context()
    settings.update(overrides)
    return SmtpMail(fake.host, fake.port, **settings)


def test_a_message_is_delivered_over_plain_smtp(smtp_fake):
    message_id = smtp_for(smtp_fake).send(
        "amina@example.cm", "Votre commande été expédiée", "Bonjour Amina,\nà bientôt.")

    [mail] = smtp_fake.messages
    assert mail.mail_from == "no-reply@vgk.cm"
    assert mail.rcpt_tos == ["amina@example.cm"]
    assert not mail.tls
    assert str(mail.message["From"]) == SENDER
    assert str(mail.message["Subject"]) == "Votre commande été expédiée"
    assert mail.message["Message-ID"] == message_id and message_id.endswith("@vgk.cm>")
    assert mail.message["Date"]
    assert mail.text == "Bonjour Amina,\nà bientôt.\n"


def test_a_bare_sender_address_works_too(smtp_fake):
    smtp_for(smtp_fake, sender="ventes@vgk.cm").send("amina@example.cm", "Bonjour", "Texte")
    assert smtp_fake.messages[0].mail_from == "ventes@vgk.cm"


def test_starttls_upgrades_the_connection_before_sending(smtp_fake_factory):
    fake = smtp_fake_factory("starttls")
    smtp_for(fake).send("amina@example.cm", "Sujet", "Texte")
    [mail] = fake.messages
    assert mail.tls


def test_starttls_with_login(smtp_fake_factory):
    fake = smtp_fake_factory("starttls", credentials=("vgk", "s3cret"))
    smtp_for(fake, username="vgk", password="s3cret").send("amina@example.cm", "Sujet", "Texte")
    assert fake.messages[0].login == "vgk"


def test_a_wrong_password_is_a_mail_error(smtp_fake_factory):
    fake = smtp_fake_factory("starttls", credentials=("vgk", "s3cret"))
    with pytest.raises(MailError, match="SMTPAuthenticationError"):
        smtp_for(fake, username="vgk", password="wrong").send("amina@example.cm", "Sujet", "Texte")
    assert fake.messages == []


def test_an_untrusted_certificate_is_refused(smtp_fake_factory):
    fake = smtp_fake_factory("starttls")
    with pytest.raises(MailError, match="SSLCertVerificationError"):
        smtp_for(fake, ssl_context=None).send("amina@example.cm", "Sujet", "Texte")  # system CAs only
    assert fake.messages == []


def test_starttls_never_falls_back_to_clear_text(smtp_fake):
    with pytest.raises(MailError, match="SMTPNotSupportedError"):
        smtp_for(smtp_fake, security="starttls").send("amina@example.cm", "Sujet", "Texte")
    assert smtp_fake.messages == []


def test_implicit_tls(smtp_fake_factory):
    fake = smtp_fake_factory("ssl")
    smtp_for(fake).send("amina@example.cm", "Sujet", "Texte")
    assert fake.messages[0].tls


def test_an_unknown_security_mode_is_a_configuration_error():
    with pytest.raises(ValueError, match="SMTP_SECURITY"):
        SmtpMail("127.0.0.1", 25, security="tls-please")


def test_a_server_that_is_down_is_a_mail_error():
    with pytest.raises(MailError, match="ConnectionRefusedError"):
        SmtpMail("127.0.0.1", free_port(), security="none", timeout=2).send("amina@example.cm", "Sujet", "Texte")


def test_a_header_with_a_line_break_is_refused(smtp_fake):
    with pytest.raises(MailError):
        smtp_for(smtp_fake).send("amina@example.cm", "Sujet\nBcc: tout@le-monde.cm", "Texte")
    with pytest.raises(MailError):
        smtp_for(smtp_fake).send("amina@example.cm\nBcc: tout@le-monde.cm", "Sujet", "Texte")
    assert smtp_fake.messages == []


def test_mask_email():
    assert mask_email("amina@example.cm") == "a***@example.cm"


def test_smtp_is_chosen_from_configuration():
    adapter = mail_from_config({"SMTP_HOST": "smtp.example.cm", "SMTP_PORT": 465, "SMTP_SECURITY": "ssl",
                                "MAIL_SENDER": SENDER})
    assert isinstance(adapter, SmtpMail) and adapter.port == 465 and adapter.security == "ssl"
    assert adapter.sender == SENDER
    assert isinstance(mail_from_config({"SMTP_HOST": None}), OutboxMail)


def test_the_app_sends_email_through_smtp_when_configured(smtp_fake, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'mail.sqlite3'}", media_root, SMTP_HOST=smtp_fake.host,
                   SMTP_PORT=smtp_fake.port, SMTP_SECURITY="none", MAIL_SENDER=SENDER)
    migrate(app)
    with app.app_context():
        assert isinstance(adapters_of(app).mail, SmtpMail)
        notify(Guest(email="amina@example.cm"), "security.code", {"code": "482913", "minutes": 10})
        db.session.commit()
    [mail] = smtp_fake.messages
    assert str(mail.message["Subject"]) == "Votre code de vérification"


def test_the_outbox_keeps_email_without_configuration(app):
    assert isinstance(adapters_of(app).mail, OutboxMail)
    notify(Guest(email="amina@example.cm"), "security.code", {"code": "482913", "minutes": 10})
    db.session.commit()
    [message] = factories.outbox("amina@example.cm")
    assert (message.channel, message.subject) == ("EMAIL", "Votre code de vérification")
    assert "482913" in message.body
