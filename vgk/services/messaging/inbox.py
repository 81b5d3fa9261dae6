"""In-app notifications: what happened to a signed-in person (an order moved, an item sold, a listing
approved or refused, a payout decided), listed in their account and in the app, read once opened.

A notice is shown in the reader's language of the moment (the page's, or the API request's: see
vgk.select_locale), not the one they had when it was written. `notify` keeps:

- `message_key`: the message's French msgid (the `_l(...)` it is given), and `message_params`: its
  %(name)s values as a JSON object. A value is stored as one of:
    "text"                          plain text, the same in every language (a reference, a title, a
                                    phone, an amount already written as "25 000 FCFA");
    ["text", "<French msgid>"]      a word or phrase, translated when shown (what an `_l(...)` value
                                    becomes, e.g. the handover code's "envoyé par SMS");
    ["label", "<table>", "<code>"]  a coded word (a status, a payment method...), shown with
                                    vgk.labels.label(code, table): pass `inbox.label(table, code)`.
- `message`: the text formatted in the recipient's language when the notice was written. It is the
  fallback, shown when there is no key (notices written before keys were kept, a plain-text message),
  when the key has left the catalogue (a msgid removed later) or when the parameters no longer fit it.

Never put a secret in a notice, in its text or its parameters (handover codes travel by SMS only).

Transactions: `notify` only adds the row to the session and never commits. A service that tells
someone about a change it is making calls it before its own commit, so the notice is stored with
the change (both or neither). Code that tells people after its service already committed (the
order messages in vgk.services.commerce.orders.tell, through the notification engine) commits the notice itself.
"""
import json
from collections.abc import Collection, Sequence

from flask_babel import force_locale, get_locale, get_translations
from flask_babel import gettext as _gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, update

from vgk import labels
from vgk.database import rows_changed
from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import Notification, User
from vgk.models.base import utcnow
from vgk.services.paging import paginate
from vgk.text import Message

ORDER = "order"                    # the buyer's order moved
SALE = "sale"                      # a seller's item was bought: bring it to the pickup point
SALE_CANCELLED = "sale_cancelled"  # ... and that order was cancelled after all
SALE_REMINDER = "sale_reminder"    # ... and the drop-off deadline is near
LISTING = "listing"                # a listing was approved or refused
PAYOUT = "payout"                  # a payout was sent, failed or was refused
MESSAGE = "message"                # a message waits in a conversation
ALERT = "alert"                    # a saved search found new listings, a favourite's price dropped
KINDS = (ORDER, SALE, SALE_CANCELLED, SALE_REMINDER, LISTING, PAYOUT, MESSAGE, ALERT)

MESSAGE_MAX = 500
PARAM_MAX = 500
SOURCE_LANGUAGE = "fr"  # msgids are French: in French a key is its own text
TEXT, LABEL = "text", "label"  # the tags of a stored word (see the module's docstring)
LINK_MAX = 255
PER_PAGE = 20
MAX_IDS = 500
MAX_ID = 2**31 - 1  # the largest value of the id column on every database
INVALID_IDS = _l("Liste de notifications invalide.")


def label(table: str, code: object) -> list[str]:
    """A parameter that is a coded word (`table` of vgk.labels, e.g. "order_status"), kept as its code
    and shown in the reader's words."""
    if table not in labels.TABLES:
        raise ValueError(f"no label table {table!r}")
    return [LABEL, table, str(code)]


def _msgid(message: object) -> str | None:
    """The French msgid of a lazy `_l("...")`, None for anything else (plain text, a formatted lazy string)."""
    if not isinstance(message, LazyString):
        return None
    args: tuple[object, ...] = getattr(message, "_args", ())
    kwargs: dict[str, object] = getattr(message, "_kwargs", {})
    if getattr(message, "_func", None) is not _gettext or len(args) != 1 or kwargs or not isinstance(args[0], str):
        return None
    return str(args[0])


def _param(value: object) -> str | list[str]:
    """A value as it is stored (see the module's docstring)."""
    key = _msgid(value)
    if key is not None:
        return [TEXT, key]
    if isinstance(value, list) and len(value) == 3 and value[0] == LABEL:
        return [str(part) for part in value]
    return str(value)[:PARAM_MAX]


def _word(stored: object) -> str:
    """A stored value as the reader reads it."""
    if isinstance(stored, list) and len(stored) == 2 and stored[0] == TEXT:
        return str(_gettext(str(stored[1])))
    if isinstance(stored, list) and len(stored) == 3 and stored[0] == LABEL and stored[1] in labels.TABLES:
        return labels.label(stored[2], str(stored[1]))
    return str(stored)


def _format(text: str, params: dict[str, object]) -> str:
    return text % {name: _word(value) for name, value in params.items()} if params else text


def render(user: User | None, message: Message, **values: object) -> str:
    """The message (a lazy French msgid, or text) with its values, in the user's language."""
    with force_locale(getattr(user, "locale", None) or SOURCE_LANGUAGE):
        return _format(str(message), {name: _param(value) for name, value in values.items()})


def notify(user: User | None, kind: str, message: Message, link: str | None = "",
           **values: object) -> Notification | None:
    """Add a notice for `user`: `message` (an `_l(...)` msgid, or plain text) with its `values`, kept to be
    shown in the reader's language, and written in the user's language as the fallback. No commit."""
    if user is None:
        return None
    key = _msgid(message)
    params = {name: _param(value) for name, value in values.items()}
    notice = Notification(user_id=user.id, kind=str(kind)[:32],
                          message=render(user, message, **values)[:MESSAGE_MAX],
                          message_key=key, message_params=json.dumps(params, ensure_ascii=False) if key else None,
                          link=(link or "")[:LINK_MAX], created_at=utcnow())
    db.session.add(notice)
    return notice


def text(notice: Notification) -> str:
    """The notice in the reader's current language; its stored message when it has no key, when the
    catalogue no longer knows the key, or when the parameters no longer fit it."""
    key = notice.message_key
    if not key:
        return notice.message
    translated = str(get_translations().gettext(key))
    language = getattr(get_locale(), "language", SOURCE_LANGUAGE)
    if translated == key and language != SOURCE_LANGUAGE:
        return notice.message
    try:
        params = json.loads(notice.message_params or "{}")
        return _format(translated, params if isinstance(params, dict) else {})
    except (ValueError, TypeError, KeyError):
        return notice.message


def already_told(user_id: int, kind: str, link: str) -> bool:
    """Whether the user already has a notice of this kind with this link (to tell people once)."""
    return db.session.scalar(
        select(Notification.id).where(Notification.user_id == user_id, Notification.kind == kind,
                                      Notification.link == link).limit(1)
    ) is not None


def page_for(user: User, page: int = 1, per_page: int = PER_PAGE) -> tuple[Sequence[Notification], int]:
    """One page of the user's notices, newest first, and how many they have in all."""
    found = paginate(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page, per_page,
    )
    return found.items, found.total


def unread_count(user: User | None) -> int:
    if user is None or not getattr(user, "is_authenticated", True):
        return 0
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def _ids(ids: object) -> set[int]:
    if not isinstance(ids, (list, tuple, set)) or len(ids) > MAX_IDS:
        raise Invalid(INVALID_IDS, {"ids": "invalid"})
    clean: set[int] = set()
    for value in ids:
        if isinstance(value, bool):
            raise Invalid(INVALID_IDS, {"ids": "invalid"})
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            raise Invalid(INVALID_IDS, {"ids": "invalid"}) from None
        if 1 <= number <= MAX_ID:  # anything else names no notice (and would overflow the column)
            clean.add(number)
    return clean


def mark_read(user: User, ids: Collection[object] | None = None) -> int:
    """Mark the user's notices read (all of them when `ids` is None); others' ids are ignored.
    Returns how many were newly marked."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        clean = _ids(ids)
        if not clean:
            return 0
        stmt = stmt.where(Notification.id.in_(clean))
    result = db.session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return rows_changed(result)
