"""Sending SMS. Default: the outbox (a table and the log). Real: Africa's Talking's HTTP API.

Africa's Talking (`POST {base}/version1/messaging`, form fields `username`, `to`, `message`, `bulkSMSMode`
and, when an approved sender id is configured, `from`; header `apiKey`; `Accept: application/json`)
answers `{"SMSMessageData": {"Message", "Recipients": [{"number", "status", "statusCode", "cost",
"messageId"}]}}`. A recipient's statusCode 100 (processed), 101 (sent) or 102 (queued) means the
message was accepted; anything else (403 InvalidPhoneNumber, 405 InsufficientBalance, ...) is a refusal.
Recipients are international numbers: "+" then the country code (+2376XXXXXXXX in Cameroon).
The request is made with `requests` (not the SDK, which hides the HTTP status) so that failures can be
told apart: a network error, a timeout, HTTP 429 or 5xx, or a recipient status 500/501 may work later
(SmsError.retryable); a bad number, a refused sender id, an empty balance or a wrong API key will not.

Delivery reports: Africa's Talking POSTs a form (id, status, phoneNumber, networkCode, failureReason,
retryCount) to the callback URL set in its dashboard. It does not sign them, so that URL carries a secret
token (AFRICASTALKING_CALLBACK_TOKEN) checked with `callback_token_ok`; `parse_delivery_report` reads the form.
"""
import hmac
import logging
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

import requests

from vgk.integrations.channels import ChannelError, Outgoing, Sent, StatusUpdate
from vgk.integrations.outbox import Keeper
from vgk.integrations.phones import compact_number, mask_phone

__all__ = ["AfricasTalkingSms", "OutboxSms", "SmsError", "SmsSender", "callback_token_ok", "international_number",
           "mask_phone", "parse_cost", "parse_delivery_report", "sms_from_config"]

log = logging.getLogger(__name__)

ACCEPTED_STATUS_CODES = {100, 101, 102}
RETRYABLE_STATUS_CODES = {500, 501}  # the provider's InternalServerError, GatewayError for that recipient
INSUFFICIENT_BALANCE = 405
LIVE_BASE_URL = "https://api.africastalking.com"
SANDBOX_BASE_URL = "https://api.sandbox.africastalking.com"
_E164 = re.compile(r"\+[1-9]\d{7,14}")
_COST = re.compile(r"([A-Z]{3})\s*(\d+(?:\.\d+)?)")
# Delivery report statuses: final ones become an update, the others (Sent, Submitted, Buffered) wait.
DELIVERED_STATUSES = {"Success"}
FAILED_STATUSES = {"Rejected", "Failed", "AbsentSubscriber", "Expired"}
PENDING_STATUSES = {"Sent", "Submitted", "Buffered"}


class SmsSender(Protocol):
    """What services call: send one text to one number, get the provider's reference back."""

    name: str

    def send(self, to: str, message: str) -> str: ...


class SmsError(ChannelError):
    """The provider did not accept the message (the text never appears in this error)."""


def international_number(raw: object) -> str:
    """The number as Africa's Talking wants it (+<country><number>), or SmsError."""
    number = compact_number(raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    if not _E164.fullmatch(number):
        raise SmsError(f"recipient {mask_phone(raw)} is not an international number (+<country code><number>)")
    return number


def parse_cost(cost: object) -> int:
    """A recipient's cost ("XAF 25.0000") in whole francs; another currency or anything else: 0, logged."""
    match = _COST.fullmatch(str(cost or "").strip())
    if match and match.group(1) == "XAF":
        try:
            return int(Decimal(match.group(2)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            pass
    log.warning("Africa's Talking cost %r is not in XAF: counted as 0", str(cost)[:40])
    return 0


class OutboxSms:
    """Keeps messages in the outbox instead of sending them (development, tests, demo): each one goes to
    `keep` (the application stores it in the outbox table) and its recipient to the log."""

    name = "outbox"

    def __init__(self, keep: Keeper | None = None) -> None:
        self.keep = keep

    def send(self, to: str, message: str) -> str:
        return self.deliver(Outgoing(to=to, text=message)).reference

    def deliver(self, message: Outgoing) -> Sent:
        if self.keep is not None:
            self.keep("SMS", message.to, message.text)
        log.info("SMS to %s kept in the outbox (%d characters)", mask_phone(message.to), len(message.text))
        return Sent(reference="outbox")


def _status_code(recipient: Mapping[str, Any]) -> int:
    try:
        return int(recipient.get("statusCode", 0))
    except (TypeError, ValueError):
        return 0


def _refusal(recipient: Mapping[str, Any]) -> SmsError:
    """The SmsError for a recipient Africa's Talking did not accept."""
    code = _status_code(recipient)
    reason = f"Africa's Talking refused the message: {str(recipient.get('status'))[:60]} ({code})"
    if code == INSUFFICIENT_BALANCE:
        log.error("Africa's Talking account has no credit left: top it up, no SMS goes out until then")
    return SmsError(reason, retryable=code in RETRYABLE_STATUS_CODES)


def _answer(response: requests.Response) -> dict[str, Any]:
    """The SMSMessageData of a 2xx answer, or SmsError (retryable for HTTP 429 and 5xx)."""
    status = response.status_code
    if not 200 <= status < 300:
        retryable = status == 429 or status >= 500
        if not retryable:
            log.error("Africa's Talking answered HTTP %d: check the account settings", status)
        raise SmsError(f"Africa's Talking answered HTTP {status}: {response.text[:200]}", retryable=retryable)
    # An answer we cannot read after a 2xx: the message may well have gone, so it is not tried again
    # (an SMS paid twice, or a second channel, is worse than one the delivery report may still confirm).
    try:
        body = response.json()
    except ValueError:
        raise SmsError("Africa's Talking returned an answer that is not JSON") from None
    data = body.get("SMSMessageData") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise SmsError("Africa's Talking returned an unexpected answer")
    return data


class AfricasTalkingSms:
    """Africa's Talking SMS API."""

    name = "africastalking"

    def __init__(self, username: str, api_key: str, sender_id: str | None = None, base_url: str | None = None,
                 timeout: tuple[float, float] = (3.05, 10)) -> None:
        self.username, self.api_key = username, api_key
        # The sandbox account has its own host; base_url points elsewhere (a regional proxy, the test fake).
        base = base_url or (SANDBOX_BASE_URL if username == "sandbox" else LIVE_BASE_URL)
        self.url = base.rstrip("/") + "/version1/messaging"
        # Only an approved sender id (alphanumeric, at most 11 characters) or short code may go in `from`;
        # without one the account's default sender is used.
        self.sender_id = (sender_id or "").strip() or None
        self.timeout = timeout  # (connect, read) seconds

    def send(self, to: str, message: str) -> str:
        return self.deliver(Outgoing(to=to, text=message)).reference

    def deliver(self, message: Outgoing) -> Sent:
        number = international_number(message.to)
        form = {"username": self.username, "to": number, "message": message.text, "bulkSMSMode": "1"}
        if self.sender_id:
            form["from"] = self.sender_id
        headers = {"apiKey": self.api_key, "Accept": "application/json"}
        try:
            response = requests.post(self.url, data=form, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:  # connection refused or reset, timeouts
            raise SmsError(f"Africa's Talking request failed: {error.__class__.__name__}",
                           retryable=True) from error
        data = _answer(response)
        recipients = [r for r in data.get("Recipients") or [] if isinstance(r, dict)]
        for recipient in recipients:
            if _status_code(recipient) in ACCEPTED_STATUS_CODES:
                return Sent(reference=str(recipient.get("messageId") or ""),
                            cost_xaf=parse_cost(recipient.get("cost")))
        if recipients:
            raise _refusal(recipients[0])
        raise SmsError(f"Africa's Talking refused the message: {str(data.get('Message'))[:200]}")


def parse_delivery_report(form: Mapping[str, str]) -> list[StatusUpdate]:
    """What one Africa's Talking delivery report says: delivered, failed (with the reason) or, while the
    message is still on its way (Sent, Submitted, Buffered), nothing. ValueError without a message id."""
    reference = (form.get("id") or "").strip()
    if not reference:
        raise ValueError("the delivery report has no message id")
    status = (form.get("status") or "").strip()
    if status in DELIVERED_STATUSES:
        return [StatusUpdate(reference=reference, status="delivered")]
    if status in FAILED_STATUSES:
        reason = (form.get("failureReason") or "").strip() or status
        return [StatusUpdate(reference=reference, status="failed", reason=reason[:200])]
    if status not in PENDING_STATUSES:
        log.warning("Africa's Talking delivery report with an unknown status %r ignored", status[:40])
    return []


def callback_token_ok(given: str, configured: str) -> bool:
    """Whether a delivery callback's URL token is the configured one (constant time). Without a configured
    token every callback is refused: an unsigned endpoint must not be left open by omission."""
    if not configured or not given:
        return False
    return hmac.compare_digest(given.encode(), configured.encode())


def sms_from_config(config: Mapping[str, Any], keep: Keeper | None = None) -> SmsSender:
    """Africa's Talking when AFRICASTALKING_API_KEY is set, else the outbox handing messages to `keep`."""
    if config.get("AFRICASTALKING_API_KEY"):
        return AfricasTalkingSms(
            config["AFRICASTALKING_USERNAME"],
            config["AFRICASTALKING_API_KEY"],
            sender_id=config.get("AFRICASTALKING_SENDER_ID"),
            base_url=config.get("AFRICASTALKING_BASE_URL"),
        )
    return OutboxSms(keep)
