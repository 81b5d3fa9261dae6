"""Sign-in sessions: one row per signed-in browser or app, listed and revocable by their owner."""
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from vgk.extensions import db
from vgk.models import AuthSession, User, UserStatus
from vgk.models.base import utcnow

TOUCH_EVERY = timedelta(minutes=5)


def start(user, ip="", user_agent="", method="password"):
    """Open a new session for the user and attach it to the user object."""
    auth_session = AuthSession(
        public_id=secrets.token_urlsafe(32),
        user=user,
        ip=(ip or "")[:45],
        user_agent=(user_agent or "")[:255],
        method=method,
    )
    user.last_login_at = utcnow()
    db.session.add(auth_session)
    db.session.commit()
    user.auth_session = auth_session
    return auth_session


def load(public_id):
    """The user of a live session, or None (revoked, unknown, or account no longer active)."""
    if not public_id or len(public_id) > 64:
        return None
    auth_session = db.session.scalar(select(AuthSession).where(AuthSession.public_id == public_id))
    if auth_session is None or auth_session.revoked_at is not None:
        return None
    user = auth_session.user
    if user.status != UserStatus.ACTIVE:
        return None
    now = utcnow()
    if now - auth_session.last_seen_at > TOUCH_EVERY:
        auth_session.last_seen_at = now
        db.session.commit()
    user.auth_session = auth_session
    return user


def live_sessions(user):
    return db.session.scalars(
        select(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .order_by(AuthSession.last_seen_at.desc())
    ).all()


def revoke(user, public_id):
    """End one of the user's own sessions; someone else's session id does nothing."""
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.public_id == public_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()


def revoke_all(user, keep=None):
    """Sign the user out everywhere (but in `keep`, the current session, when given)."""
    stmt = update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep.id)
    db.session.execute(stmt.values(revoked_at=utcnow()))
    db.session.commit()


def end(user):
    if user.auth_session is not None:
        user.auth_session.revoked_at = utcnow()
        db.session.commit()


def find_user(public_id):
    return db.session.scalar(select(User).where(User.public_id == public_id))
