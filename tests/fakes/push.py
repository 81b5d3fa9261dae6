"""A fake browser push service (RFC 8030 with VAPID, RFC 8292, and aes128gcm, RFC 8291) on 127.0.0.1,
with the browser's side of a subscription.

`new_subscription()` makes what `PushManager.subscribe()` gives a page: a fresh ECDH key pair and auth
secret, and an endpoint `/push/<id>` on this server. A POST to an endpoint is checked like a real push
service does: `Authorization: vapid t=<JWT>,k=<public key>` (the JWT is ES256-signed by k, its `aud` is the
endpoint's origin, it has not expired and names a `sub`), `TTL` present, `Content-Encoding: aes128gcm`;
the body is then DECRYPTED with the subscription's private key and auth secret, as the browser would, and
the JSON found is recorded in `received`. Answers 201 with a `Location`, or what `script` says next
(410, 429, 500...), or 401/400 for a bad signature or a payload that does not decrypt, 413 over 4 KB.
"""
import base64
import json
import secrets
import threading
import time

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer


def b64(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushServiceFake:
    def __init__(self):
        self.subscriptions = {}  # id -> (private key, auth secret)
        self.received = []       # the decrypted JSON payloads accepted, with their headers
        self.requests = []       # every request: path, status answered, headers
        self.script = []         # statuses to answer next, in order (then 201)
        self._lock = threading.Lock()
        self._server = LoopbackServer(self.wsgi)

    @property
    def url(self):
        return self._server.url

    def start(self):
        self._server.start()
        return self

    def stop(self):
        self._server.stop()

    def new_subscription(self):
        """A browser's subscription to this service: the JSON a page hands over."""
        key = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        ident = secrets.token_hex(8)
        self.subscriptions[ident] = (key, auth)
        public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.url}/push/{ident}", "keys": {"p256dh": b64(public), "auth": b64(auth)}}

    # --- the service ---------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        request = Request(environ)
        status, record = self._answer(request)
        with self._lock:
            self.requests.append({"path": request.path, "status": status, "headers": dict(request.headers)})
            if record is not None:
                self.received.append(record)
        headers = {"Location": f"{self.url}/messages/{secrets.token_hex(6)}"} if status == 201 else {}
        return Response(b"", status=status, headers=headers)(environ, start_response)

    def _answer(self, request):
        ident = request.path.removeprefix("/push/")
        if request.method != "POST" or ident not in self.subscriptions:
            return 404, None
        if not self._vapid_ok(request.headers.get("Authorization", "")):
            return 401, None
        if "TTL" not in request.headers or request.headers.get("Content-Encoding") != "aes128gcm":
            return 400, None
        if len(request.get_data()) > 4096:  # what push services take at most
            return 413, None
        key, auth = self.subscriptions[ident]
        try:
            plain = http_ece.decrypt(request.get_data(), private_key=key, auth_secret=auth, version="aes128gcm")
            data = json.loads(plain)
        except Exception:
            return 400, None
        with self._lock:
            scripted = self.script.pop(0) if self.script else 201
        if scripted != 201:
            return scripted, None
        return 201, {"data": data, "ttl": request.headers["TTL"], "urgency": request.headers.get("Urgency")}

    def _vapid_ok(self, header):
        if not header.startswith("vapid "):
            return False
        fields = dict(part.strip().split("=", 1) for part in header[6:].split(",") if "=" in part)
        try:
            token, public = fields["t"], unb64(fields["k"])
            head, body, signature = token.split(".")
            raw = unb64(signature)
            signed = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
            verifier = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
            verifier.verify(signed, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
            claims = json.loads(unb64(body))
        except (KeyError, ValueError, InvalidSignature):
            return False
        return (json.loads(unb64(head)).get("alg") == "ES256" and claims.get("aud") == self.url
                and int(claims.get("exp", 0)) > time.time() and bool(claims.get("sub")))
