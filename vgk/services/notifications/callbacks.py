"""Providers' callbacks, checked before anything is believed: Africa's Talking's SMS delivery reports (a
secret token in the URL) and WhatsApp Cloud's webhook (the subscription handshake, then calls signed with
the app secret). Without the secret configured every call is refused: an endpoint is never left open by
omission. What they report goes to `status.record` (the delivery log) and `whatsapp_window` (who wrote)."""
from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import current_app

from vgk.inputs import loads
from vgk.integrations import sms, whatsapp
from vgk.services.notifications import status, whatsapp_window
from vgk.services.notifications.events import SMS, WHATSAPP

OK, REFUSED, MALFORMED = "ok", "refused", "malformed"
log = logging.getLogger(__name__)


def _setting(name: str) -> str:
    return str(current_app.config.get(name) or "")


def sms_report(token: str, form: Mapping[str, str]) -> str:
    """One Africa's Talking delivery report, posted to the URL carrying `token`: OK, REFUSED or MALFORMED."""
    if not sms.callback_token_ok(token, _setting("AFRICASTALKING_CALLBACK_TOKEN")):
        return REFUSED
    try:
        updates = sms.parse_delivery_report(form)
    except ValueError:
        return MALFORMED
    if updates:
        status.record(SMS, updates)
    return OK


def whatsapp_challenge(args: Mapping[str, str]) -> str | None:
    """The challenge to echo to WhatsApp's subscription check, or None (refused)."""
    return whatsapp.handshake(args, _setting("WHATSAPP_VERIFY_TOKEN"))


def whatsapp_webhook(raw_body: bytes, signature: str | None) -> str:
    """One WhatsApp webhook call: statuses of our messages and messages people sent us."""
    if not whatsapp.verify_signature(raw_body, signature, _setting("WHATSAPP_APP_SECRET")):
        return REFUSED
    try:
        statuses, inbound = whatsapp.parse_webhook(loads(raw_body),
                                                   cost_xaf=int(current_app.config.get("WHATSAPP_COST_XAF") or 0))
    except ValueError:
        return MALFORMED
    if statuses:
        status.record(WHATSAPP, statuses)
    for message in inbound:
        try:
            whatsapp_window.record_inbound(message.phone, message.at)
        except ValueError:  # a number we cannot keep: nothing to open
            log.info("WhatsApp message from an unusable number ignored")
    return OK
