"""The outbox: SMS and emails that the local adapters keep instead of sending (development, tests, the
demo), read on the development outbox page."""
from sqlalchemy import select

from vgk.extensions import db
from vgk.models import OutboxMessage


def keep(channel: str, recipient: str, body: str, subject: str = "") -> None:
    """Store one message (channel "SMS" or "EMAIL") in the outbox."""
    db.session.add(OutboxMessage(channel=channel, recipient=recipient, subject=subject, body=body))
    db.session.commit()


def latest(limit: int) -> list[OutboxMessage]:
    """The newest messages the outbox adapters kept instead of sending (development and tests)."""
    return list(db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ))
