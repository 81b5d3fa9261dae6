"""Sending SMS. Default: the outbox (a table and the log). Real: Africa's Talking through its SDK.

Africa's Talking (`POST {base}/version1/messaging`, form fields `username`, `to`, `message` and,
when an approved sender id is configured, `from`; header `apiKey`; `Accept: application/json`)
answers `{"SMSMessageData": {"Message", "Recipients": [{"number", "status", "statusCode", "cost",
"messageId"}]}}`. A recipient's statusCode 100 (processed), 101 (sent) or 102 (queued) means the
message was accepted; anything else (403 InvalidPhoneNumber, 405 InsufficientBalance, ...) is a refusal.
Recipients are international numbers: "+" then the country code (+2376XXXXXXXX in Cameroon).
"""
import json
import logging
import re
from collections.abc import Mapping
from typing import Any, Protocol

from vgk.integrations.outbox import Keeper
from vgk.integrations.phones import compact_number, mask_phone

__all__ = ["AfricasTalkingSms", "OutboxSms", "SmsError", "SmsSender", "international_number", "mask_phone",
           "sms_from_config"]

log = logging.getLogger(__name__)

ACCEPTED_STATUS_CODES = {100, 101, 102}
_E164 = re.compile(r"\+[1-9]\d{7,14}")


class SmsSender(Protocol):
    """What services call: send one text to one number, get the provider's reference back."""

    name: str

    def send(self, to: str, message: str) -> str: ...


class SmsError(Exception):
    """The provider did not accept the message (the text never appears in this error)."""


def international_number(raw: object) -> str:
    """The number as Africa's Talking wants it (+<country><number>), or SmsError."""
    number = compact_number(raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    if not _E164.fullmatch(number):
        raise SmsError(f"recipient {mask_phone(raw)} is not an international number (+<country code><number>)")
    return number


class OutboxSms:
    """Keeps messages in the outbox instead of sending them (development, tests, demo): each one goes to
    `keep` (the application stores it in the outbox table) and its recipient to the log."""

    name = "outbox"

    def __init__(self, keep: Keeper | None = None) -> None:
        self.keep = keep

    def send(self, to: str, message: str) -> str:
        if self.keep is not None:
            self.keep("SMS", to, message)
        log.info("SMS to %s kept in the outbox (%d characters)", mask_phone(to), len(message))
        return "outbox"


class AfricasTalkingSms:
    """Africa's Talking SMS API through the official `africastalking` SDK."""

    name = "africastalking"

    def __init__(self, username: str, api_key: str, sender_id: str | None = None, base_url: str | None = None,
                 timeout: tuple[float, float] = (3.05, 10)) -> None:
        import africastalking

        self.service = africastalking.SMSService(username, api_key)
        if base_url:
            # The SDK hard-codes its hosts (live or sandbox, by username); point it at another base
            # (a regional proxy, the test fake). Paths stay the SDK's: {base}/version1/messaging.
            self.service._baseUrl = base_url.rstrip("/") + "/version1"
        # Only an approved sender id (alphanumeric, at most 11 characters) or short code may go in `from`;
        # without one the account's default sender is used.
        self.sender_id = (sender_id or "").strip() or None
        self.timeout = timeout  # (connect, read) seconds

    def send(self, to: str, message: str) -> str:
        from africastalking.Service import AfricasTalkingException

        number = international_number(to)
        try:
            response = self.service.send(message, [number], sender_id=self.sender_id, timeout=self.timeout)
        except AfricasTalkingException as error:  # an HTTP error status; the text is the provider's
            raise SmsError(f"Africa's Talking answered with an error: {str(error)[:200]}") from error
        except Exception as error:  # network errors, timeouts, SDK validation
            raise SmsError(f"Africa's Talking request failed: {error.__class__.__name__}") from error
        if isinstance(response, (str, bytes)):
            # The SDK decodes JSON only for an exact "application/json" content type.
            try:
                response = json.loads(response)
            except ValueError:
                raise SmsError("Africa's Talking returned an answer that is not JSON") from None
        data = response.get("SMSMessageData") if isinstance(response, dict) else None
        if not isinstance(data, dict):
            raise SmsError("Africa's Talking returned an unexpected answer")
        recipients = data.get("Recipients") or []
        for recipient in recipients:
            try:
                status_code = int(recipient.get("statusCode", 0))
            except (TypeError, ValueError):
                status_code = 0
            if status_code in ACCEPTED_STATUS_CODES:
                return recipient.get("messageId") or ""
        if recipients:
            first = recipients[0]
            raise SmsError(
                f"Africa's Talking refused the message: {first.get('status')} ({first.get('statusCode')})"
            )
        raise SmsError(f"Africa's Talking refused the message: {str(data.get('Message'))[:200]}")


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
