"""Messages to people. Services call these; delivery happens in a job through the configured adapter."""
import logging

from flask import current_app

from vgk.jobs import enqueue

log = logging.getLogger(__name__)


def send_sms(to, message):
    enqueue(deliver_sms, to, message)


def send_email(to, subject, body):
    enqueue(deliver_email, to, subject, body)


def deliver_sms(to, message):
    """Job: hand one SMS to the SMS adapter."""
    reference = current_app.extensions["vgk.sms"].send(to, message)
    log.info("SMS delivered to %s via %s", to, current_app.extensions["vgk.sms"].name)
    return reference


def deliver_email(to, subject, body):
    """Job: hand one email to the mail adapter."""
    reference = current_app.extensions["vgk.mail"].send(to, subject, body)
    log.info("email delivered to %s via %s", to, current_app.extensions["vgk.mail"].name)
    return reference
