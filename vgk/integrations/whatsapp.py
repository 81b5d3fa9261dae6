"""Sending WhatsApp messages. Default: the outbox (a table and the log). Real: the WhatsApp Business Cloud API.

The Cloud API (`POST {base}/{version}/{phone-number-id}/messages`, header `Authorization: Bearer <token>`)
takes `{"messaging_product": "whatsapp", "to": "<digits>", "type": "text", "text": {"body": ...}}` while
the person's 24-hour customer-service window is open (they wrote to us within the last 24 hours), else
only an approved template: `"type": "template", "template": {"name", "language": {"code": "fr"},
"components": [{"type": "body", "parameters": [{"type": "text", "text": ...}]}]}`. It answers 200 with
`{"messages": [{"id": "wamid..."}]}`, or an HTTP error with `{"error": {"code", "message", ...}}`
(131026: not a WhatsApp number, 131047: window closed, 132001: template missing; 429/5xx: try later).

Its webhooks (statuses of the messages it took, and messages people send us) carry
`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`: `verify_signature`,
`handshake` (the GET subscription check) and `parse_webhook` are all the webhook route needs.
Neither the text of a message nor a full phone number ever reaches the log or an error.
"""
import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from vgk.integrations.channels import ChannelError, Outgoing, Sent, StatusUpdate
from vgk.integrations.outbox import Keeper
from vgk.integrations.phones import compact_number, mask_phone

__all__ = ["CloudWhatsApp", "Inbound", "OutboxWhatsApp", "handshake", "parse_webhook", "verify_signature",
           "whatsapp_from_config"]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"
# Error codes that mean "later": rate limits and the platform's own trouble; any other refusal is final.
RETRYABLE_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056})
STATUSES = frozenset({"sent", "delivered", "read", "failed"})
_DIGITS = re.compile(r"[1-9][0-9]{7,14}")


@dataclass(frozen=True)
class Inbound:
    """Someone wrote to us on WhatsApp: their number (+<country><number>) and when (naive UTC), which opens
    their 24-hour window."""

    phone: str
    at: datetime
    reference: str = ""  # WhatsApp's id of the message


def whatsapp_number(raw: object) -> str:
    """The recipient as the Cloud API wants it (country code and number, digits only), or ChannelError."""
    number = compact_number(raw)
    prefix = "+" if number.startswith("+") else "00" if number.startswith("00") else ""
    number = number[len(prefix):]
    if not prefix or not _DIGITS.fullmatch(number):
        raise ChannelError(f"recipient {mask_phone(raw)} is not an international number")
    return number


class OutboxWhatsApp:
    """Keeps WhatsApp messages in the outbox instead of sending them (development, tests, demo). Like the
    real API it refuses free text outside the 24-hour window when no template is given, so the engine's
    fallback to the next channel can be tried locally."""

    name = "outbox"

    def __init__(self, keep: Keeper | None = None) -> None:
        self.keep = keep

    def deliver(self, message: Outgoing) -> Sent:
        if not message.window_open and not message.template:
            raise ChannelError("outside the 24-hour window a WhatsApp message needs an approved template")
        subject = "" if message.window_open else f"template {message.template}"
        if self.keep is not None:
            self.keep("WHATSAPP", message.to, message.text, subject)
        log.info("WhatsApp to %s kept in the outbox (%s)", mask_phone(message.to), subject or "free text")
        return Sent(reference="outbox")


class CloudWhatsApp:
    """The WhatsApp Business Cloud API of one business phone number, through `requests`."""

    name = "whatsapp"

    def __init__(self, token: str, phone_number_id: str, base_url: str | None = None,
                 api_version: str | None = None, cost_xaf: int = 0,
                 timeout: tuple[float, float] = (3.05, 10)) -> None:
        self.token = token
        self.phone_number_id = str(phone_number_id).strip()
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.api_version = (api_version or DEFAULT_API_VERSION).strip("/")
        self.cost_xaf = cost_xaf  # what one message (its conversation) costs, for the delivery log
        self.timeout = timeout  # (connect, read) seconds
        self.session = requests.Session()

    @property
    def url(self) -> str:
        return f"{self.base_url}/{self.api_version}/{self.phone_number_id}/messages"

    def payload(self, message: Outgoing) -> dict[str, Any]:
        """The request body: free text inside the window, the approved template outside it."""
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual",
                                "to": whatsapp_number(message.to)}
        if message.window_open:
            body.update(type="text", text={"preview_url": bool(message.link), "body": message.text})
            return body
        if not message.template:
            raise ChannelError("outside the 24-hour window a WhatsApp message needs an approved template")
        template: dict[str, Any] = {"name": message.template, "language": {"code": message.language or "fr"}}
        if message.template_params:
            template["components"] = [{"type": "body", "parameters": [
                {"type": "text", "text": str(value)} for value in message.template_params]}]
        body.update(type="template", template=template)
        return body

    def deliver(self, message: Outgoing) -> Sent:
        payload = self.payload(message)
        masked = mask_phone(message.to)
        try:
            response = self.session.post(self.url, json=payload, timeout=self.timeout,
                                         headers={"Authorization": f"Bearer {self.token}"})
        except requests.RequestException as error:  # timeouts, refused connections
            log.warning("WhatsApp to %s not sent: %s", masked, error.__class__.__name__)
            raise ChannelError(f"WhatsApp request failed: {error.__class__.__name__}", retryable=True) from None
        if response.status_code == 200:
            reference = _message_id(_json(response))
            if not reference:
                raise ChannelError("WhatsApp accepted the request but returned no message id")
            log.info("WhatsApp %s to %s accepted", payload["type"], masked)
            return Sent(reference=reference, cost_xaf=self.cost_xaf)
        code, title = _error_of(_json(response))
        retryable = response.status_code == 429 or response.status_code >= 500 or code in RETRYABLE_CODES
        log.warning("WhatsApp to %s refused: HTTP %s, error %s", masked, response.status_code, code)
        raise ChannelError(f"WhatsApp refused the message: HTTP {response.status_code}, error {code} {title}",
                           retryable=retryable)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _message_id(answer: Any) -> str:
    messages = answer.get("messages") if isinstance(answer, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        reference = messages[0].get("id")
        if isinstance(reference, str):
            return reference
    return ""


def _error_of(answer: Any) -> tuple[int | None, str]:
    """The provider's error code and short title (never the message we sent)."""
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        return None, ""
    code = error.get("code")
    title = error.get("error_user_title") or error.get("message") or ""
    return (code if isinstance(code, int) and not isinstance(code, bool) else None), str(title)[:120]


# --- webhooks -------------------------------------------------------------------------------------------

def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether X-Hub-Signature-256 is the HMAC-SHA256 of the raw body with the app secret."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    given = header[len("sha256="):].strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected.encode(), given)


def handshake(args: Mapping[str, str], verify_token: str) -> str | None:
    """The GET subscription check: hub.challenge to echo when hub.mode is "subscribe" and hub.verify_token
    is ours, else None (the route answers 403)."""
    token = args.get("hub.verify_token") or ""
    if not verify_token or args.get("hub.mode") != "subscribe":
        return None
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        return None
    challenge = args.get("hub.challenge")
    return challenge if challenge else None


def parse_webhook(payload: Any, cost_xaf: int = 0) -> tuple[list[StatusUpdate], list[Inbound]]:
    """The statuses of our messages and the messages people sent us in one webhook call. Anything that
    does not have the documented shape is skipped; a body that is not a JSON object is a ValueError.
    Statuses are "sent", "delivered", "read" or "failed" (with the first error's title as reason); a
    status with pricing carries the cost: `cost_xaf` when billable, else 0."""
    if not isinstance(payload, dict):
        raise ValueError("a WhatsApp webhook body is a JSON object")
    statuses: list[StatusUpdate] = []
    inbound: list[Inbound] = []
    for value in _values(payload):
        statuses.extend(update for item in _list(value.get("statuses"))
                        if (update := _status(item, cost_xaf)) is not None)
        inbound.extend(message for item in _list(value.get("messages"))
                       if (message := _inbound(item)) is not None)
    return statuses, inbound


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _values(payload: dict[str, Any]) -> list[dict[str, Any]]:
    values = []
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes")):
            if isinstance(change.get("value"), dict):
                values.append(change["value"])
    return values


def _status(item: dict[str, Any], cost_xaf: int) -> StatusUpdate | None:
    reference, status = item.get("id"), item.get("status")
    if not isinstance(reference, str) or not reference or status not in STATUSES:
        return None
    reason = ""
    if status == "failed":
        errors = _list(item.get("errors"))
        first = errors[0] if errors else {}
        reason = str(first.get("title") or first.get("message") or first.get("code") or "failed")[:200]
    cost = None
    pricing = item.get("pricing")
    if isinstance(pricing, dict) and "billable" in pricing:
        cost = cost_xaf if pricing.get("billable") is True else 0
    return StatusUpdate(reference=reference, status=str(status), reason=reason, cost_xaf=cost)


def _inbound(item: dict[str, Any]) -> Inbound | None:
    sender, stamp = item.get("from"), item.get("timestamp")
    if not isinstance(sender, str) or not _DIGITS.fullmatch(sender):
        return None
    if not isinstance(stamp, (str, int)) or isinstance(stamp, bool) or not re.fullmatch(r"[0-9]{1,12}", str(stamp)):
        return None
    try:
        at = datetime.fromtimestamp(int(stamp), UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None
    reference = item.get("id")
    return Inbound(phone="+" + sender, at=at, reference=reference if isinstance(reference, str) else "")


def whatsapp_from_config(config: Mapping[str, Any], keep: Keeper | None = None) -> CloudWhatsApp | OutboxWhatsApp:
    """The Cloud API when WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID are set, else the outbox."""
    if config.get("WHATSAPP_TOKEN") and config.get("WHATSAPP_PHONE_NUMBER_ID"):
        return CloudWhatsApp(
            config["WHATSAPP_TOKEN"],
            config["WHATSAPP_PHONE_NUMBER_ID"],
            base_url=config.get("WHATSAPP_BASE_URL"),
            api_version=config.get("WHATSAPP_API_VERSION"),
            cost_xaf=int(config.get("WHATSAPP_COST_XAF") or 0),
        )
    return OutboxWhatsApp(keep)
