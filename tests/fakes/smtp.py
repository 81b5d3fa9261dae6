"""A fake SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

Modes: "none" (plain SMTP), "starttls" (offers STARTTLS and refuses mail before it) and "ssl"
(implicit TLS), the last two with a throwaway self-signed certificate for 127.0.0.1 made with
`cryptography`; `client_context()` trusts exactly that certificate. With `credentials`, AUTH
LOGIN/PLAIN is offered and required.

Scripted refusals: set `rcpt_reply` (e.g. "550 5.1.1 No such user") to answer RCPT TO with it, or
`data_reply` (e.g. "451 4.3.0 Try again later") to answer the end of DATA with it; nothing is kept then.
"""
import datetime
import ipaddress
import ssl
import tempfile
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.servers import free_port


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list
    data: bytes
    tls: bool
    login: str | None = None
    message: object = field(init=False)

    def __post_init__(self):
        self.message = message_from_bytes(self.data, policy=policy.default)

    @property
    def text(self):
        """The plain text part (the whole body of a single-part message)."""
        return self.message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

    @property
    def html(self):
        """The HTML part, or None."""
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content().replace("\r\n", "\n") if part is not None else None


def self_signed_certificate(directory):
    """Write cert.pem and key.pem for 127.0.0.1 / localhost into directory; return their paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = Path(directory) / "cert.pem", Path(directory) / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


class _Handler:
    def __init__(self, fake):
        self.fake = fake

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.fake.rcpt_reply:
            return self.fake.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fake.data_reply:
            return self.fake.data_reply
        self.fake.messages.append(ReceivedMail(
            mail_from=envelope.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            data=envelope.original_content or envelope.content,
            tls=server.transport.get_extra_info("ssl_object") is not None,  # STARTTLS or implicit TLS
            login=session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
        ))
        return "250 Message accepted for delivery"


class SmtpFake:
    def __init__(self, security="none", credentials=None):
        assert security in ("none", "starttls", "ssl")
        self.security = security
        self.credentials = credentials  # (username, password) or None
        self.messages = []
        self.rcpt_reply = None  # e.g. "550 5.1.1 No such user": RCPT TO is refused with it
        self.data_reply = None  # e.g. "451 4.3.0 Try again later": the message is refused with it
        self.host = "127.0.0.1"
        self.port = None
        self._controller = None
        self._tmp = None
        self.cert_path = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.credentials is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == tuple(self.credentials)
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def start(self):
        kwargs = {}
        server_context = None
        if self.security != "none":
            self._tmp = tempfile.TemporaryDirectory(prefix="vgk-smtp-")
            self.cert_path, key_path = self_signed_certificate(self._tmp.name)
            server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server_context.load_cert_chain(self.cert_path, key_path)
        if self.security == "starttls":
            kwargs.update(tls_context=server_context, require_starttls=True)
        if self.credentials:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=self.security != "none")
        self.port = free_port()
        self._controller = Controller(
            _Handler(self), hostname=self.host, port=self.port,
            ssl_context=server_context if self.security == "ssl" else None,
            server_hostname="fake-smtp.test", **kwargs,
        )
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def client_context(self):
        """An SSL context that trusts this fake's certificate (and nothing else)."""
        return ssl.create_default_context(cafile=self.cert_path)
