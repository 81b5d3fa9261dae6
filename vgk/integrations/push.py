"""Web Push: a notification shown by the browser or phone a person allowed. Default: the outbox. Real: the
browser's push service (the subscription's `endpoint`) through pywebpush, signed with our VAPID key.

The push service (RFC 8030, with VAPID, RFC 8292, and aes128gcm encryption, RFC 8291) takes a POST of the
encrypted payload with the headers `TTL`, `Urgency`, `Content-Encoding: aes128gcm` and
`Authorization: vapid t=<JWT>,k=<public key>` and answers 201 Created (`Location`: the message). 404 and
410 mean the subscription is gone (forget it); 429 and 5xx are worth a later try; any other 4xx is not.
The payload is the JSON {"title", "body", "url", "tag"} that static/sw.js shows.
"""
import base64
import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from vgk.integrations.channels import ChannelError, Outgoing, Sent
from vgk.integrations.outbox import Keeper

__all__ = ["OutboxPush", "WebPush", "new_vapid_keys", "push_from_config"]

log = logging.getLogger(__name__)

GONE = {404, 410}
DAY = 24 * 60 * 60
MAX_TITLE, MAX_TEXT, MAX_LINK = 120, 600, 1000  # characters; at most ~3.5 KB of UTF-8 JSON


def _subscription(to: str) -> dict[str, Any]:
    """The subscription JSON of Outgoing.to, or a ChannelError that no retry will fix."""
    try:
        data = json.loads(to)
    except ValueError:
        data = None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict) or not data.get("endpoint") or not keys.get("p256dh") or not keys.get("auth"):
        raise ChannelError("the push subscription is not readable")
    return data


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.hostname}"


def payload(message: Outgoing) -> str:
    """What the service worker receives (and shows). Push services take at most 4 KB once encrypted: the
    text is cut (a notification shows a few lines anyway; the link opens the whole)."""
    body = message.text if len(message.text) <= MAX_TEXT else message.text[:MAX_TEXT - 1] + "…"
    return json.dumps({"title": message.subject[:MAX_TITLE], "body": body, "url": message.link[:MAX_LINK],
                       "tag": message.tag[:64]}, ensure_ascii=False)


class OutboxPush:
    """Keeps push messages in the outbox (channel "PUSH") instead of sending them."""

    name = "outbox"

    def __init__(self, keep: Keeper | None = None) -> None:
        self.keep = keep

    def deliver(self, message: Outgoing) -> Sent:
        endpoint = str(_subscription(message.to)["endpoint"])
        if self.keep is not None:
            body = message.text + (f"\n{message.link}" if message.link else "")
            self.keep("PUSH", endpoint[:255], body, message.subject)
        log.info("push to %s kept in the outbox (%d characters)", _origin(endpoint), len(message.text))
        return Sent(reference="outbox")


class WebPush:
    """The subscription's push service, with VAPID (`vapid_private_key`: base64url, raw 32 bytes or DER)."""

    name = "webpush"

    def __init__(self, vapid_private_key: str, vapid_subject: str, *, ttl: int = DAY, urgency: str = "normal",
                 timeout: tuple[float, float] = (3.05, 10)) -> None:
        if not vapid_subject.startswith(("mailto:", "https://")):
            raise ValueError("VAPID_SUBJECT is a mailto: or https: URL")
        from py_vapid import Vapid

        self.vapid = Vapid.from_string(private_key=vapid_private_key)
        self.subject = vapid_subject
        self.ttl = ttl
        self.urgency = urgency
        self.timeout = timeout  # (connect, read) seconds

    def deliver(self, message: Outgoing) -> Sent:
        from pywebpush import WebPushException, webpush

        subscription = _subscription(message.to)
        origin = _origin(str(subscription["endpoint"]))
        try:
            response = webpush(subscription, payload(message), vapid_private_key=self.vapid,
                               vapid_claims={"sub": self.subject}, ttl=self.ttl,
                               headers={"Urgency": self.urgency}, timeout=self.timeout)
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else 0
            raise ChannelError(f"the push service {origin} answered {status}", gone=status in GONE,
                               retryable=status == 429 or status >= 500) from None
        except Exception as error:  # network errors, timeouts; encryption refused a bad key
            retryable = not isinstance(error, (ValueError, TypeError))
            raise ChannelError(f"push to {origin} failed: {error.__class__.__name__}", retryable=retryable) from None
        return Sent(reference=getattr(response, "headers", {}).get("Location", "") or "")


def new_vapid_keys() -> tuple[str, str]:
    """A fresh VAPID key pair: (private key, public key), base64url as VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY
    (the public key is the browser's applicationServerKey)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return _b64(private), _b64(public)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def push_from_config(config: Mapping[str, Any], keep: Keeper | None = None) -> "OutboxPush | WebPush":
    """WebPush when VAPID_PRIVATE_KEY is set, the outbox otherwise."""
    if config.get("VAPID_PRIVATE_KEY"):
        return WebPush(config["VAPID_PRIVATE_KEY"], config.get("VAPID_SUBJECT") or "mailto:contact@vgk.cm",
                       ttl=int(config.get("PUSH_TTL_SECONDS") or DAY))
    return OutboxPush(keep=keep)
