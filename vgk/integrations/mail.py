"""Sending email. Default: the outbox (a table and the log). Real: SMTP with STARTTLS or SSL."""
import logging
import smtplib
import ssl
from email.message import EmailMessage

log = logging.getLogger(__name__)


class MailError(Exception):
    """The mail server did not accept the message."""


class OutboxMail:
    name = "outbox"

    def send(self, to, subject, body):
        from vgk.extensions import db
        from vgk.models import OutboxMessage

        db.session.add(OutboxMessage(channel="EMAIL", recipient=to, subject=subject, body=body))
        db.session.commit()
        log.info("email to %s kept in the outbox: %s", to, subject)
        return "outbox"


class SmtpMail:
    name = "smtp"

    def __init__(self, host, port, username=None, password=None, sender="no-reply@vgk.cm",
                 security="starttls", timeout=10):
        self.host, self.port = host, int(port)
        self.username, self.password = username, password
        self.sender = sender
        self.security = security  # starttls | ssl | none
        self.timeout = timeout

    def send(self, to, subject, body):
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            if self.security == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password or "")
                refused = client.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"SMTP delivery failed: {error.__class__.__name__}") from error
        if refused:
            raise MailError("SMTP server refused the recipient")
        return message["Message-ID"] or "smtp"


def mail_from_config(config):
    if config.get("SMTP_HOST"):
        return SmtpMail(
            config["SMTP_HOST"],
            config.get("SMTP_PORT", 587),
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            sender=config.get("MAIL_SENDER", "no-reply@vgk.cm"),
            security=config.get("SMTP_SECURITY", "starttls"),
        )
    return OutboxMail()
