"""The in-app channel, live: once the transaction that wrote an in-app notice commits, the person's open
pages and apps hear a "notification" event in their room ("user:<id>", see
vgk.services.conversations.live) with the notice's text in THEIR language (vgk.services.messaging.inbox
keeps keys and params; the text is rendered for the reader here, not for whoever caused the event), its
link and their new count of unread notices, so the header's badge moves without a reload.

Nothing is published on rollback. Without a publisher (no Socket.IO) nothing is published and the next page
shows the notice, as it always does. The count is read after the commit, in a fresh session: a commit's
hooks may not run SQL in the session that just committed.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from vgk.extensions import db
from vgk.models import Notification, User
from vgk.services.conversations import live
from vgk.services.messaging import inbox

EVENT = "notification"
_PENDING, _HOOKED = "vgk.notifications.live", "vgk.notifications.live_hooked"
log = logging.getLogger(__name__)


def announce(user: User, notice: Notification | None) -> None:
    """Publish `notice` to `user`'s room once the current session commits (never on rollback)."""
    if notice is None or live.publisher() is None:
        return
    with force_locale(getattr(user, "locale", None) or inbox.SOURCE_LANGUAGE):
        text = inbox.text(notice)
    session = db.session()
    session.info.setdefault(_PENDING, []).append((user.id, {"text": text, "link": notice.link or ""}))
    if not session.info.get(_HOOKED):
        sa_event.listen(session, "after_commit", _after_commit)
        sa_event.listen(session, "after_rollback", _after_rollback)
        session.info[_HOOKED] = True


def _after_commit(session: Session) -> None:
    pending: list[tuple[int, dict[str, Any]]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    try:
        with current_app.app_context():  # a fresh session: this one may not run SQL inside its commit
            try:
                counts = {user_id: inbox.unread_count(db.session.get(User, user_id))
                          for user_id in {user_id for user_id, _ in pending}}
            finally:
                db.session.remove()
    except Exception:  # the change is committed: a failure here must not look like the caller's failure
        log.warning("could not count the unread notices to publish", exc_info=True)
        return
    for user_id, data in pending:
        live.publish(EVENT, live.user_room(user_id), {**data, "unread": counts[user_id]})


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
