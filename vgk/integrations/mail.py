"""Sending email. Default: the outbox (a table and the log). Real: SMTP with STARTTLS, SSL or (local relay) none.

SMTP_SECURITY picks the transport: "starttls" (port 587, the default: the connection must be upgraded
or nothing is sent), "ssl" (implicit TLS, port 465) or "none" (a relay on the same host or network).
Certificates are verified. The From header is MAIL_SENDER ("Name <address>" or a bare address).

As a notification channel (`deliver(Outgoing) -> Sent`), a message is multipart/alternative when it has
an HTML part, says its language (Content-Language) and, with an unsubscribe link, carries List-Unsubscribe
and (https links, RFC 8058) List-Unsubscribe-Post: List-Unsubscribe=One-Click. The receipt's reference is
the Message-ID. Failures are MailError (a ChannelError): a 4xx reply, a lost connection or a timeout may
work later (retryable); a 5xx reply (550 no such user, 535 wrong login), a certificate that does not verify
or a message that cannot be built will not.
"""
import logging
import re
import smtplib
import ssl
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Protocol

from vgk.integrations.channels import ChannelError, Outgoing, Sent
from vgk.integrations.outbox import Keeper

log = logging.getLogger(__name__)

SECURITY_MODES = ("starttls", "ssl", "none")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_LINK = re.compile(r"https?://[^\s<>,\"]+")
# Headers the adapter writes itself: Outgoing.headers may not replace them.
_OWN_HEADERS = frozenset(name.lower() for name in (
    "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "Content-Language", "List-Unsubscribe",
    "List-Unsubscribe-Post", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Sender", "Reply-To",
))


class MailSender(Protocol):
    """What services call: send one plain-text email, get the server's message id back."""

    name: str

    def send(self, to: str, subject: str, body: str) -> str: ...


class MailError(ChannelError):
    """The mail server did not accept the message (the body never appears in this error)."""


def mask_email(address: object) -> str:
    """'amina@example.cm' -> 'a***@example.cm' for logs."""
    local, _, domain = str(address or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class OutboxMail:
    """Keeps emails in the outbox instead of sending them (development, tests, demo): each one goes to
    `keep` (the application stores it in the outbox table) and its recipient and subject to the log.
    Only the text part and the subject are kept."""

    name = "outbox"

    def __init__(self, keep: Keeper | None = None) -> None:
        self.keep = keep

    def send(self, to: str, subject: str, body: str) -> str:
        return self.deliver(Outgoing(to=to, text=body, subject=subject)).reference

    def deliver(self, message: Outgoing) -> Sent:
        if self.keep is not None:
            self.keep("EMAIL", message.to, message.text, message.subject)
        log.info("email to %s kept in the outbox: %s", mask_email(message.to), message.subject)
        return Sent(reference="outbox")


def _add_headers(email: EmailMessage, message: Outgoing) -> None:
    """Language, unsubscribe and extra headers; ValueError for a value that cannot go in a header."""
    language = message.language or "fr"
    if not _LANGUAGE.fullmatch(language):
        raise ValueError("not a language tag")
    email["Content-Language"] = language
    if message.unsubscribe_url:
        if not _LINK.fullmatch(message.unsubscribe_url):
            raise ValueError("the unsubscribe link is not an http(s) URL")
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        if message.unsubscribe_url.startswith("https://"):  # RFC 8058: one-click only over HTTPS
            email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in message.headers.items():
        if name.lower() in _OWN_HEADERS:
            raise ValueError("an extra header would replace one the adapter writes")
        email[name] = value


def _cte(text: str) -> str | None:
    # Quoted-printable keeps accented French text safe on servers without 8BITMIME.
    return None if text.isascii() else "quoted-printable"


def _classify(error: Exception) -> MailError:
    """The MailError for an SMTP or network failure: retryable for 4xx replies, lost connections, timeouts."""
    name = error.__class__.__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        retryable = bool(codes) and all(400 <= code < 500 for code in codes)
        return MailError(f"SMTP server refused the recipient ({', '.join(map(str, codes))})", retryable=retryable)
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        return MailError(f"SMTP delivery failed: {name} ({code})", retryable=400 <= code < 500)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return MailError(f"SMTP delivery failed: {name}", retryable=True)
    if isinstance(error, (ssl.SSLCertVerificationError, smtplib.SMTPException)):
        # A certificate that does not verify, STARTTLS not offered: settings to fix, not a passing failure.
        return MailError(f"SMTP delivery failed: {name}")
    return MailError(f"SMTP delivery failed: {name}", retryable=True)  # refused, reset, timed out


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

    def _message(self, message: Outgoing) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False, usegmt=True)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or None
        email["Message-ID"] = make_msgid(domain=domain)
        email.set_content(message.text, cte=_cte(message.text))
        if message.html:
            email.add_alternative(message.html, subtype="html", cte=_cte(message.html))
        _add_headers(email, message)  # after the content: setting it drops every Content-* header
        return email

    def send(self, to: str, subject: str, body: str) -> str:
        return self.deliver(Outgoing(to=to, text=body, subject=subject)).reference

    def deliver(self, message: Outgoing) -> Sent:
        try:
            Address(addr_spec=message.to)
            email = self._message(message)
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
                refused = client.send_message(email)
        except (smtplib.SMTPException, OSError) as error:
            raise _classify(error) from error
        if refused:
            raise MailError("SMTP server refused the recipient")
        return Sent(reference=str(email["Message-ID"]))


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
