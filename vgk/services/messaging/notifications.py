"""Messages to people, the old way: new code calls the notification engine (vgk.services.notifications.notify).
send_sms/send_email and their deliver_* jobs remain only for the commerce callers still moving onto the engine
(tests/unit/test_notify_only_engine.py lists them); latest_outbox serves the development outbox page.

The job functions log every outcome with the recipient masked and never the text (it often holds a
one-time code). A failure is logged, then raised again so the queue records it (RQ's failed jobs; the
inline runner logs it and lets the request go on).
"""
import logging
import traceback
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from vgk.extensions import db
from vgk.integrations import registry
from vgk.integrations.mail import MailError, mask_email
from vgk.integrations.sms import SmsError, mask_phone
from vgk.jobs import enqueue
from vgk.models import OutboxMessage

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """An adapter failed with an unexpected error; only its type is kept (its text might quote the message)."""


# A delivery that fails is tried again by the worker (after 10 s, 1 min, 5 min).
DELIVERY_RETRIES = 3


def send_sms(to: str, message: str) -> None:
    enqueue(deliver_sms, to, message, retries=DELIVERY_RETRIES)


def send_email(to: str, subject: str, body: str) -> None:
    enqueue(deliver_email, to, subject, body, retries=DELIVERY_RETRIES)


def _where(error: BaseException) -> str:
    """The frames of our own code (and the last one) of an error's traceback, without any values."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames[:-1] if "/vgk/" in frame.filename.replace("\\", "/")]
    return "".join(traceback.format_list(ours + frames[-1:]))


def _deliver(kind: str, adapter: Any, masked_to: str, send: Callable[[], str],
             known_errors: type[Exception]) -> str:
    try:
        reference = send()
    except known_errors as error:
        # Our adapters' errors are written without the message text.
        log.error("%s to %s via %s failed: %s", kind, masked_to, adapter.name, error)
        raise
    except Exception as error:
        # Anything else (a database error in the outbox, a bug) may quote its parameters, the text
        # included: keep the type and where it happened, drop the words.
        where = _where(error)
        log.error("%s to %s via %s failed: %s\n%s", kind, masked_to, adapter.name, error.__class__.__name__, where)
        raise DeliveryFailed(f"{kind} via {adapter.name} failed: {error.__class__.__name__}") from None
    log.info("%s to %s sent via %s (reference %s)", kind, masked_to, adapter.name, reference)
    return reference


def deliver_sms(to: str, message: str) -> str:
    """Job: hand one SMS to the SMS adapter."""
    adapter = registry.sms()
    return _deliver("SMS", adapter, mask_phone(to), lambda: adapter.send(to, message), SmsError)


def deliver_email(to: str, subject: str, body: str) -> str:
    """Job: hand one email to the mail adapter."""
    adapter = registry.mail()
    return _deliver("email", adapter, mask_email(to), lambda: adapter.send(to, subject, body), MailError)


def latest_outbox(limit: int) -> list[OutboxMessage]:
    """The newest SMS and emails the outbox adapters kept instead of sending (development and tests)."""
    return list(db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ))
