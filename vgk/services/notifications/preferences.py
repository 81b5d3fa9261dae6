"""Which channels a person accepts for each category of message: their choice when they made one, the
defaults otherwise. Guests (no account) get transactional messages only, by SMS, and by email when they gave
an address (their order's confirmation, receipt and review link), and security messages (a one-time code or
link sent to the number or address it was asked for) by SMS or email; security messages always accept SMS,
whatever the person chose (a warning about their account must reach them).

`current` and `save` are what the preferences page and the API read and write: the channels of every
category, the quiet hours (Cameroon time) and the language messages are written in (the account's).
`unsubscribe_link`, `by_link` and `stop_by_link` are the one-click unsubscribe of alerts and news: the signed
link names the person and the category (vgk.services.notifications.unsubscribe), no sign-in needed."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import NotificationPreference, NotificationSettings, User
from vgk.services.notifications import unsubscribe
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
from vgk.urls import public_url

# WhatsApp is opt-in (WhatsApp's business policy): nobody gets it until they choose it for a category.
DEFAULT_CHANNELS: dict[str, tuple[str, ...]] = {
    TRANSACTIONAL: (PUSH, SMS, EMAIL), SECURITY: (PUSH, SMS, EMAIL), CHAT: (PUSH, SMS),
    ALERTS: (PUSH, SMS, EMAIL), NEWS: (EMAIL, PUSH),
}
INVALID_CHOICE = _l("Choix de canaux invalide.")
INVALID_TIME = _l("Indiquez une heure comme 21:00.")
INVALID_LANGUAGE = _l("Choisissez le français ou l'anglais.")
LANGUAGES = ("fr", "en")
BY_LINK = (ALERTS, NEWS)  # the categories whose messages carry a one-click unsubscribe link
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


@dataclass
class Choices:
    """Everything a person chooses about their notifications."""

    channels: dict[str, list[str]] = field(default_factory=dict)  # per category, in the engine's order
    quiet_start: str = "21:00"
    quiet_end: str = "07:00"
    language: str = "fr"

    def as_dict(self) -> dict[str, object]:
        return {"channels": self.channels, "quiet_start": self.quiet_start, "quiet_end": self.quiet_end,
                "language": self.language}


def accepted(recipient: Recipient, category: str) -> set[str]:
    """The channels the recipient accepts for the category."""
    if not isinstance(recipient, User):
        return {SMS, EMAIL} if category in (TRANSACTIONAL, SECURITY) else set()
    stored = db.session.get(NotificationPreference, (recipient.id, category))
    chosen = set(stored.channels.split(",")) - {""} if stored else set(DEFAULT_CHANNELS[category])
    if category == SECURITY:
        chosen.add(SMS)
    return chosen


def _checked(category: object, channels: object) -> list[str]:
    """The channels chosen for a category, in the engine's order; Invalid for an unknown one."""
    if isinstance(channels, (str, bytes)) or not isinstance(channels, Iterable):
        raise Invalid(INVALID_CHOICE, {"channels": "invalid"})
    given = list(channels)
    if category not in CATEGORIES or not all(isinstance(channel, str) and channel in CHANNELS for channel in given):
        raise Invalid(INVALID_CHOICE, {"channels": "invalid"})
    wanted = set(given)
    return [channel for channel in CHANNELS if channel in wanted]


def _keep(user: User, category: str, kept: list[str]) -> None:
    row = db.session.get(NotificationPreference, (user.id, category))
    if row is None:
        row = NotificationPreference(user_id=user.id, category=category)
        db.session.add(row)
    row.channels = ",".join(kept)


def choose(user: User, category: object, channels: Iterable[object]) -> list[str]:
    """Keep the user's choice of channels for a category (an empty choice: none of them); commits.
    Returns the channels kept, in the engine's order. Invalid for an unknown category or channel."""
    kept = _checked(category, list(channels))
    _keep(user, str(category), kept)
    db.session.commit()
    return kept


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(value: object, name: str) -> int:
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise Invalid(INVALID_TIME, {name: "invalid"})
    return int(match.group(1)) * 60 + int(match.group(2))


def current(user: User) -> Choices:
    """What the person chose, with the defaults where they chose nothing."""
    from vgk.services.notifications.timing import QUIET_END, QUIET_START  # (timing reads preferences)

    settings = db.session.get(NotificationSettings, user.id)
    start, end = (settings.quiet_start, settings.quiet_end) if settings else (QUIET_START, QUIET_END)
    channels = {category: [channel for channel in CHANNELS if channel in accepted(user, category)]
                for category in CATEGORIES}
    return Choices(channels, _clock(start), _clock(end), user.locale if user.locale in LANGUAGES else "fr")


def save(user: User, *, channels: Mapping[object, object] | None = None, quiet_start: object = None,
         quiet_end: object = None, language: object = None) -> Choices:
    """Keep what the person chose: channels per category (categories not given stay as they are; SMS
    stays on for security), quiet hours ("HH:MM", both or neither) and language. Everything is checked
    before anything is written: Invalid (naming the field) and nothing changed, or all of it and a commit."""
    given = channels or {}
    if not isinstance(given, Mapping):
        raise Invalid(INVALID_CHOICE, {"channels": "invalid"})
    kept = {str(category): _checked(category, chosen) for category, chosen in given.items()}
    quiet = None
    if quiet_start is not None or quiet_end is not None:
        quiet = _minutes(quiet_start, "quiet_start"), _minutes(quiet_end, "quiet_end")
    if language is not None and language not in LANGUAGES:
        raise Invalid(INVALID_LANGUAGE, {"language": "invalid"})
    for category, chosen in kept.items():
        _keep(user, category, chosen)
    if quiet is not None:
        settings = db.session.get(NotificationSettings, user.id)
        if settings is None:
            settings = NotificationSettings(user_id=user.id)
            db.session.add(settings)
        settings.quiet_start, settings.quiet_end = quiet
    if language is not None:
        user.locale = str(language)
    db.session.commit()
    return current(user)


# --- one-click unsubscribe ----------------------------------------------------------------------------------

def unsubscribe_link(user_id: int | None, category: str) -> str:
    """The absolute signed link that stops `category` for the person ("" for other categories, for guests,
    or without PUBLIC_URL: a link that leads nowhere is worse than none)."""
    if user_id is None or category not in BY_LINK:
        return ""
    try:
        return public_url("unsubscribe.page", token=unsubscribe.make_token(user_id, category))
    except RuntimeError:
        return ""


def by_link(token: str) -> tuple[User, str] | None:
    """The person and category an unsubscribe link names, or None for a link that is not ours (or not
    valid any more: an account gone, a category without links)."""
    found = unsubscribe.read_token(token)
    if found is None or found[1] not in BY_LINK:
        return None
    user = db.session.get(User, found[0])
    return (user, found[1]) if user is not None else None


def stop_by_link(token: str) -> tuple[User, str] | None:
    """Turn off every channel of the link's category for its person (commits); None for a bad link."""
    found = by_link(token)
    if found is not None:
        choose(found[0], found[1], [])
    return found
