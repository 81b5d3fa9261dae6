"""Sending email. Default: the outbox (a table and the log). Real: SMTP with STARTTLS, SSL or (local relay) none.

SMTP_SECURITY picks the transport: "starttls" (port 587, the default: the connection must be upgraded
or nothing is sent), "ssl" (implicit TLS, port 465) or "none" (a relay on the same host or network).
Certificates are verified. The From header is MAIL_SENDER ("Name <address>" or a bare address).
"""
import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Protocol

from vgk.integrations.outbox import Keeper

log = logging.getLogger(__name__)

SECURITY_MODES = ("starttls", "ssl", "none")


class MailSender(Protocol):
    """What services call: send one plain-text email, get the server's message id back."""

    name: str

    def send(self, to: str, subject: str, body: str) -> str: ...


class MailError(Exception):
    """The mail server did not accept the message (the body never appears in this error)."""


def mask_email(address: object) -> str:
    """'amina@example.cm' -> 'a***@example.cm' for logs."""
    local, _, domain = str(address or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class OutboxMail:
    """Keeps emails in the outbox instead of sending them (development, tests, demo): each one goes to
    `keep` (the application stores it in the outbox table) and its recipient and subject to the log."""

    name = "outbox"

    def __init__(self, keep: Keeper | None = None) -> None:
        self.keep = keep

    def send(self, to: str, subject: str, body: str) -> str:
        if self.keep is not None:
            self.keep("EMAIL", to, body, subject)
        log.info("email to %s kept in the outbox: %s", mask_email(to), subject)
        return "outbox"


class SmtpMail:
    """An SMTP server (SMTP_HOST), reached with the SMTP_SECURITY transport."""

    name = "smtp"

    def __init__(self, host: str, port: int | str, username: str | None = None, password: str | None = None,
                 sender: str = "no-reply@vgk.cm", security: str = "starttls", timeout: float = 10,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        security = (security or "starttls").strip().lower()
        if security not in SECURITY_MODES:
            # A typo must not silently fall back to clear text.
            raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}")
        self.host, self.port = host, int(port)
        self.username, self.password = username, password
        self.sender = sender
        self.security = security
        self.timeout = timeout
        self.ssl_context = ssl_context  # None: the system's trusted certificates

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _message(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(domain=domain)
        # Quoted-printable keeps accented French text safe on servers without 8BITMIME.
        message.set_content(body, cte="quoted-printable" if not body.isascii() else None)
        return message

    def send(self, to: str, subject: str, body: str) -> str:
        try:
            Address(addr_spec=to)
            message = self._message(to, subject, body)
        except (ValueError, IndexError, TypeError) as error:  # a broken address or a header with a line break
            raise MailError(f"the message cannot be built: {error.__class__.__name__}") from None
        try:
            client: smtplib.SMTP
            if self.security == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=self._context())  # raises when the server does not offer it
                if self.username:
                    client.login(self.username, self.password or "")
                refused = client.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"SMTP delivery failed: {error.__class__.__name__}") from error
        if refused:
            raise MailError("SMTP server refused the recipient")
        return str(message["Message-ID"])


def mail_from_config(config: Mapping[str, Any], keep: Keeper | None = None) -> MailSender:
    """SMTP when SMTP_HOST is set, else the outbox handing messages to `keep`."""
    if config.get("SMTP_HOST"):
        return SmtpMail(
            config["SMTP_HOST"],
            config.get("SMTP_PORT", 587),
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            sender=config.get("MAIL_SENDER", "no-reply@vgk.cm"),
            security=config.get("SMTP_SECURITY", "starttls"),
        )
    return OutboxMail(keep)
