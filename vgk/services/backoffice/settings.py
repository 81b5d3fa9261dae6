"""Settings the administration changes without a deployment: the commission taken on each sale, the
words that flag a listing as a prohibited item, and the hold times (an unpaid reservation, a cash order
waiting for its item, the seller's drop-off reminder).

The configuration (config.py, from the environment) gives the defaults; a value saved by an admin is
stored in the `settings` table and wins. Every reader asks this module (`commission_percent()`,
`banned_words()`…): the saved values are read with one SELECT per request and kept in the request's
database session (`Session.info`, discarded with the session at the end of the request), so no process
ever keeps a stale copy. Each change is validated as a whole (nothing saved when a value is wrong) and
audited as settings.update with the values before and after.
"""
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vgk.errors import Conflict, Invalid
from vgk.extensions import db
from vgk.models import User
from vgk.models.settings import Setting
from vgk.services.backoffice import audit
from vgk.text import Message, normalize

_CACHE = "vgk.settings"
_SAVED = select(Setting.key, Setting.value)
MAX_WORDS = 300
MAX_WORD_LENGTH = 60


@dataclass(frozen=True)
class Number:
    """A whole number setting between `low` and `high`, defaulting to the configuration's `config_key`."""

    config_key: str
    low: int
    high: int
    error: Message


COMMISSION = "commission_percent"
RESERVATION = "reservation_minutes"
CASH_HOLD = "cash_hold_hours"
REMINDER = "drop_off_reminder_hours"
BANNED_WORDS = "banned_words"

NUMBERS: dict[str, Number] = {
    COMMISSION: Number("COMMISSION_PERCENT", 0, 50, _l("La commission doit être un nombre entier de 0 à 50 %.")),
    RESERVATION: Number("RESERVATION_MINUTES", 5, 1440,
                        _l("La réservation doit durer de 5 à 1440 minutes (nombre entier).")),
    CASH_HOLD: Number("CASH_HOLD_HOURS", 1, 336, _l("Le délai de dépôt doit être de 1 à 336 heures (nombre entier).")),
    REMINDER: Number("DROP_OFF_REMINDER_HOURS", 1, 336,
                     _l("Le rappel doit partir de 1 à 336 heures avant l'échéance (nombre entier).")),
}
KEYS = (*NUMBERS, BANNED_WORDS)
CHANGED_MEANWHILE = _l("Les réglages viennent d'être modifiés par ailleurs : vérifiez-les et recommencez.")


# --- reading -------------------------------------------------------------------------------------

def _saved() -> dict[str, Any]:
    """The values saved by admins (decoded), read once per request's database session."""
    info = db.session.info
    if _CACHE not in info:
        saved: dict[str, Any] = {}
        for key, value in db.session.execute(_SAVED):  # plain rows: this runs in most requests
            try:
                saved[key] = json.loads(value)
            except ValueError:
                continue
        info[_CACHE] = saved
    cached: dict[str, Any] = info[_CACHE]
    return cached


def forget() -> None:
    """Drop the copy read by this session: its next reading sees the database (for a session that lives
    longer than a request, such as a command's or a test's)."""
    db.session.info.pop(_CACHE, None)


def _default(key: str) -> Any:
    if key == BANNED_WORDS:
        return list(current_app.config.get("BANNED_WORDS", ()))
    return int(current_app.config[NUMBERS[key].config_key])


def effective() -> dict[str, Any]:
    """Every setting's value in force: the saved one, else the configuration's default."""
    saved = _saved()
    return {key: saved[key] if key in saved else _default(key) for key in KEYS}


def value(key: str) -> Any:
    saved = _saved()
    return saved[key] if key in saved else _default(key)


def commission_percent() -> int:
    return int(value(COMMISSION))


def reservation_minutes() -> int:
    return int(value(RESERVATION))


def cash_hold_hours() -> int:
    return int(value(CASH_HOLD))


def drop_off_reminder_hours() -> int:
    return int(value(REMINDER))


def banned_words() -> tuple[str, ...]:
    return tuple(value(BANNED_WORDS))


# --- validating ----------------------------------------------------------------------------------

def _number(raw: object, rule: Number) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = raw
    else:
        text = str(raw if raw is not None else "").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            return None
        number = int(text)
    return number if rule.low <= number <= rule.high else None


def parse_words(raw: object) -> list[str] | None:
    """Banned words from a list or a text (one per line or comma separated): trimmed, lower-cased and
    accent-free as moderation compares them, without duplicates, in the order given; None when too many
    or too long."""
    if isinstance(raw, list | tuple):
        pieces = [piece for piece in raw if isinstance(piece, str)]
        if len(pieces) != len(raw):
            return None
    elif isinstance(raw, str):
        pieces = raw.replace("\n", ",").split(",")
    else:
        return None
    words: list[str] = []
    for piece in pieces:
        word = normalize(piece)
        if len(word) > MAX_WORD_LENGTH:
            return None
        if word and word not in words:
            words.append(word)
    return words if len(words) <= MAX_WORDS else None


def validate(values: Mapping[str, object]) -> dict[str, Any]:
    """The new values of the settings present in `values`, typed; Invalid (with a message per wrong field)
    when any is wrong or when the reminder would not come before the drop-off deadline."""
    errors: dict[str, Message] = {}
    clean: dict[str, Any] = {}
    for key, rule in NUMBERS.items():
        if key in values:
            number = _number(values[key], rule)
            if number is None:
                errors[key] = rule.error
            else:
                clean[key] = number
    if BANNED_WORDS in values:
        words = parse_words(values[BANNED_WORDS])
        if words is None:
            errors[BANNED_WORDS] = _l("Mots interdits : au plus %(count)d mots de %(length)d caractères au plus.",
                                      count=MAX_WORDS, length=MAX_WORD_LENGTH)
        else:
            clean[BANNED_WORDS] = words
    if not errors and (REMINDER in clean or CASH_HOLD in clean):
        if clean.get(REMINDER, value(REMINDER)) >= clean.get(CASH_HOLD, value(CASH_HOLD)):
            errors[REMINDER] = _l("Le rappel doit partir avant l'échéance du dépôt (moins d'heures que le délai).")
    if errors:
        raise Invalid(_l("Vérifiez les réglages : rien n'a été enregistré."), errors)
    return clean


# --- changing ------------------------------------------------------------------------------------

def update(admin: User, values: Mapping[str, object], ip: str = "") -> dict[str, Any]:
    """Validate and save the settings given in `values` (the others stay as they are), audited as
    settings.update with only the values that changed; answers every setting's value in force."""
    clean = validate(values)
    current = effective()
    changed = {key: new for key, new in clean.items() if new != current[key]}
    if changed:
        rows = {row.key: row for row in db.session.scalars(select(Setting).where(Setting.key.in_(list(changed))))}
        try:
            with db.session.no_autoflush:  # nothing written before the commit, where a clash shows
                for key, new in changed.items():
                    row = rows.get(key) or Setting(key=key)
                    row.value = json.dumps(new, ensure_ascii=False)
                    db.session.add(row)
                audit.record(admin, "settings.update", "settings", "", {key: current[key] for key in changed},
                             changed, ip)
            db.session.commit()
        except IntegrityError:  # another admin saved the same setting for the first time meanwhile
            db.session.rollback()
            forget()
            raise Conflict(CHANGED_MEANWHILE) from None
        db.session.info[_CACHE] = {**_saved(), **changed}
    return effective()
