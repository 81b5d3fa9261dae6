"""Sending SMS. Default: the outbox (a table and the log). Real: Africa's Talking through its SDK."""
import logging

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider did not accept the message."""


class OutboxSms:
    """Keeps messages in the outbox table instead of sending them (development, tests, demo)."""

    name = "outbox"

    def send(self, to, message):
        from vgk.extensions import db
        from vgk.models import OutboxMessage

        db.session.add(OutboxMessage(channel="SMS", recipient=to, body=message))
        db.session.commit()
        log.info("SMS to %s kept in the outbox (%d characters)", to, len(message))
        return "outbox"


class AfricasTalkingSms:
    """Africa's Talking SMS API through the official `africastalking` SDK."""

    name = "africastalking"

    def __init__(self, username, api_key, sender_id=None, base_url=None):
        import africastalking

        self.service = africastalking.SMSService(username, api_key)
        if base_url:
            # The SDK hard-codes its hosts; point it at another base (a regional proxy, a test double).
            self.service._baseUrl = base_url.rstrip("/") + "/version1"
        self.sender_id = sender_id or None

    def send(self, to, message):
        try:
            response = self.service.send(message, [to], sender_id=self.sender_id)
        except Exception as error:  # network errors, HTTP errors, SDK validation
            raise SmsError(f"Africa's Talking request failed: {error.__class__.__name__}") from error
        if not isinstance(response, dict):
            raise SmsError("Africa's Talking returned an unexpected answer")
        recipients = response.get("SMSMessageData", {}).get("Recipients", [])
        accepted = [r for r in recipients if int(r.get("statusCode", 0)) in (100, 101, 102)]
        if not accepted:
            status = recipients[0].get("status") if recipients else response.get("SMSMessageData", {}).get("Message")
            raise SmsError(f"Africa's Talking refused the message: {status}")
        return accepted[0].get("messageId", "")


def sms_from_config(config):
    if config.get("AFRICASTALKING_API_KEY"):
        return AfricasTalkingSms(
            config["AFRICASTALKING_USERNAME"],
            config["AFRICASTALKING_API_KEY"],
            sender_id=config.get("AFRICASTALKING_SENDER_ID"),
            base_url=config.get("AFRICASTALKING_BASE_URL"),
        )
    return OutboxSms()
