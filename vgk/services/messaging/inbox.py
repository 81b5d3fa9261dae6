"""In-app notifications: what happened to a signed-in person (an order moved, an item sold, a listing
approved or refused, a payout decided), listed in their account and in the app, read once opened.

The text is formatted when the notice is created, in the recipient's language: the stored message is
what they read. Never put a secret in it (handover codes travel by SMS only).

Transactions: `notify` only adds the row to the session and never commits. A service that tells
someone about a change it is making calls it before its own commit, so the notice is stored with
the change (both or neither). Code that tells people after its service already committed (the
order messages in vgk.services.commerce.orders.notify) commits the notice itself.
"""
from collections.abc import Collection, Sequence

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

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
KINDS = (ORDER, SALE, SALE_CANCELLED, SALE_REMINDER, LISTING, PAYOUT)

MESSAGE_MAX = 500
LINK_MAX = 255
PER_PAGE = 20
MAX_IDS = 500
MAX_ID = 2**31 - 1  # the largest value of the id column on every database
INVALID_IDS = _l("Liste de notifications invalide.")


def render(user: User | None, message: Message, **values: object) -> str:
    """The message (a lazy French msgid, or text) with its values, in the user's language."""
    with force_locale(getattr(user, "locale", None) or "fr"):
        text = str(message)
        if values:
            text = text % {name: str(value) for name, value in values.items()}
    return text


def notify(user: User | None, kind: str, message: Message, link: str | None = "",
           **values: object) -> Notification | None:
    """Add a notice for `user`; `message` is formatted with `values` in their language. No commit."""
    if user is None:
        return None
    notice = Notification(user_id=user.id, kind=str(kind)[:32],
                          message=render(user, message, **values)[:MESSAGE_MAX],
                          link=(link or "")[:LINK_MAX], created_at=utcnow())
    db.session.add(notice)
    return notice


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
