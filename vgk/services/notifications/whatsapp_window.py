"""The WhatsApp 24-hour window: free text may go to a number only within 24 hours of its last message to
us; outside it, only approved templates. Each message people send us (the webhook's inbound messages)
is recorded here, one row per number keeping the latest time."""
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from vgk.extensions import db
from vgk.integrations.phones import compact_number
from vgk.models import WhatsAppContact

WINDOW = timedelta(hours=24)


def _utc(moment: datetime) -> datetime:
    """Naive UTC, as the database keeps times (an aware time is converted first)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _number(phone: str) -> str:
    number = compact_number(phone)
    if not number or len(number) > 20:
        raise ValueError("not a phone number")
    return number


def record_inbound(phone: str, at: datetime) -> None:
    """`phone` wrote to us at `at`: its window runs 24 hours from then. Safe when two webhook calls race
    (one row per number, by its unique constraint) and when they arrive out of order (the latest time stays)."""
    number, moment = _number(phone), _utc(at)
    dialect = db.session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert: Any = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = insert(WhatsAppContact).values(phone=number, last_inbound_at=moment)
        statement = statement.on_conflict_do_update(
            index_elements=[WhatsAppContact.phone],
            set_={"last_inbound_at": statement.excluded.last_inbound_at},
            where=WhatsAppContact.last_inbound_at < statement.excluded.last_inbound_at,
        )
        db.session.execute(statement)
    else:  # other databases: read then write (no concurrent webhook calls expected there)
        contact = db.session.scalar(select(WhatsAppContact).where(WhatsAppContact.phone == number))
        if contact is None:
            db.session.add(WhatsAppContact(phone=number, last_inbound_at=moment))
        elif contact.last_inbound_at < moment:
            contact.last_inbound_at = moment
    db.session.commit()


def last_inbound(phone: str) -> datetime | None:
    """When `phone` last wrote to us (naive UTC), or None if it never did."""
    number = compact_number(phone)
    return db.session.scalar(select(WhatsAppContact.last_inbound_at).where(WhatsAppContact.phone == number))


def window_open(phone: str, now: datetime) -> bool:
    """Whether `phone` wrote to us within the 24 hours before `now` (free text allowed)."""
    last = last_inbound(phone)
    return last is not None and last > _utc(now) - WINDOW
