"""Which channels a person accepts for each category of message: their choice when they made one, the
defaults otherwise. Guests (no account) get transactional messages by SMS only, and security messages (a
one-time code or link sent to the number or address it was asked for) by SMS or email; security messages
always accept SMS, whatever the person chose (a warning about their account must reach them)."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import NotificationPreference, User
from vgk.services.notifications.addresses import Recipient
from vgk.services.notifications.events import (
    ALERTS,
    CATEGORIES,
    CHANNELS,
    CHAT,
    EMAIL,
    NEWS,
    PUSH,
    SECURITY,
    SMS,
    TRANSACTIONAL,
)

# WhatsApp is opt-in (WhatsApp's business policy): nobody gets it until they choose it for a category.
DEFAULT_CHANNELS: dict[str, tuple[str, ...]] = {
    TRANSACTIONAL: (PUSH, SMS, EMAIL), SECURITY: (PUSH, SMS, EMAIL), CHAT: (PUSH, SMS),
    ALERTS: (PUSH, SMS, EMAIL), NEWS: (EMAIL, PUSH),
}
INVALID_CHOICE = _l("Choix de canaux invalide.")


def accepted(recipient: Recipient, category: str) -> set[str]:
    """The channels the recipient accepts for the category."""
    if not isinstance(recipient, User):
        return {SMS} if category == TRANSACTIONAL else {SMS, EMAIL} if category == SECURITY else set()
    stored = db.session.get(NotificationPreference, (recipient.id, category))
    chosen = set(stored.channels.split(",")) - {""} if stored else set(DEFAULT_CHANNELS[category])
    if category == SECURITY:
        chosen.add(SMS)
    return chosen


def choose(user: User, category: object, channels: Iterable[object]) -> list[str]:
    """Keep the user's choice of channels for a category (an empty choice: none of them); commits.
    Returns the channels kept, in the engine's order. Invalid for an unknown category or channel."""
    wanted = {str(channel) for channel in channels}
    if category not in CATEGORIES or not wanted <= set(CHANNELS):
        raise Invalid(INVALID_CHOICE, {"channels": "invalid"})
    kept = [channel for channel in CHANNELS if channel in wanted]
    row = db.session.get(NotificationPreference, (user.id, str(category)))
    if row is None:
        row = NotificationPreference(user_id=user.id, category=str(category))
        db.session.add(row)
    row.channels = ",".join(kept)
    db.session.commit()
    return kept
