"""Sign-in sessions: one row per signed-in browser or app, listed and revocable by their owner."""
import secrets
from collections.abc import Sequence
from datetime import timedelta
from functools import cache

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import joinedload

from vgk.extensions import db
from vgk.models import AuthSession, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.notifications import notify, timing

TOUCH_EVERY = timedelta(minutes=5)
# Ways in that do not prove who is at the keyboard: a shared tablet unlocked with a short PIN.
WEAK_METHODS = ("pin",)


def device_label(user_agent: str | None) -> str:
    """'Chrome · Android' from a user-agent string: enough to recognise one's own phone ("" for none)."""
    ua = user_agent or ""
    browsers = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Opera Mini", "Opera Mini"), ("Firefox/", "Firefox"),
                ("SamsungBrowser/", "Samsung Internet"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
    systems = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
               ("Mac OS X", "Mac"), ("Linux", "Linux"))
    browser = next((name for mark, name in browsers if mark in ua), None)
    system = next((name for mark, name in systems if mark in ua), None)
    label = " · ".join(part for part in (browser, system) if part)
    return label or ua[:60]


def new_device(user: User, user_agent: str) -> str | None:
    """The label of the browser or app signing in when none of the account's earlier sessions (revoked
    ones included) had it; None when it is known, cannot be told, or this is the account's first sign-in."""
    label = device_label(user_agent)
    earlier = set(db.session.scalars(select(AuthSession.user_agent).where(AuthSession.user_id == user.id)
                                     .distinct().limit(500)))
    if not label or not earlier:
        return None
    return None if label in {device_label(agent) for agent in earlier} else label


def start(user: User, ip: str = "", user_agent: str = "", method: str = "password") -> AuthSession:
    """Open a new session for the user and attach it to the user object. A full sign-in counts as
    a recent authentication; a PIN unlock does not. A full sign-in from a browser or app the account
    never used tells its owner (security.new_signin), in case it was not them."""
    now = utcnow()
    device = None if method in WEAK_METHODS or user.id is None else new_device(user, user_agent)
    if device is not None:
        notify(user, "security.new_signin", {"device": device, "link": "/compte/sessions"}, at=now)
    auth_session = AuthSession(
        public_id=secrets.token_urlsafe(32),
        user=user,
        ip=(ip or "")[:45],
        user_agent=(user_agent or "")[:255],
        method=method,
        reauthenticated_at=None if method in WEAK_METHODS else now,
    )
    user.last_login_at = now
    db.session.add(auth_session)
    db.session.commit()
    user.auth_session = auth_session
    return auth_session


@cache
def _load_statement() -> Select:
    """Built once: it runs at every signed-in request and socket event."""
    return (select(AuthSession).options(joinedload(AuthSession.user))
            .where(AuthSession.public_id == bindparam("public_id")))


def load(public_id: str | None) -> User | None:
    """The user of a live session, or None (revoked, unknown, or account no longer active)."""
    if not public_id or len(public_id) > 64:
        return None
    auth_session = db.session.scalar(_load_statement(), {"public_id": public_id})
    if auth_session is None or auth_session.revoked_at is not None:
        return None
    user = auth_session.user
    if user.status != UserStatus.ACTIVE:
        return None
    now = utcnow()
    if now - auth_session.last_seen_at > TOUCH_EVERY:
        auth_session.last_seen_at = now
        timing.record_activity(user.id, now)  # the hour people use the app: when their alerts go
        db.session.commit()
    user.auth_session = auth_session
    return user


def mark_reauthenticated(user: User) -> None:
    """The person just proved who they are again (password or second factor) in this session."""
    if user.auth_session is not None:
        user.auth_session.reauthenticated_at = utcnow()
        db.session.commit()


def reauthenticated_within(user: User, max_age: timedelta) -> bool:
    """Whether this session's person proved who they are less than `max_age` ago."""
    auth_session = user.auth_session
    if auth_session is None or auth_session.reauthenticated_at is None:
        return False
    return utcnow() - auth_session.reauthenticated_at <= max_age


def live_sessions(user: User) -> Sequence[AuthSession]:
    """The user's sessions still open, most recently seen first."""
    return db.session.scalars(
        select(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .order_by(AuthSession.last_seen_at.desc())
    ).all()


def revoke(user: User, public_id: str) -> None:
    """End one of the user's own sessions; someone else's session id does nothing."""
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.public_id == public_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()


def revoke_all(user: User, keep: AuthSession | None = None) -> None:
    """Sign the user out everywhere (but in `keep`, the current session, when given)."""
    stmt = update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep.id)
    db.session.execute(stmt.values(revoked_at=utcnow()))
    db.session.commit()


def end(user: User) -> None:
    """Sign out of this session (the one attached to the user object)."""
    if user.auth_session is not None:
        user.auth_session.revoked_at = utcnow()
        db.session.commit()


def find_user(public_id: str) -> User | None:
    """The account with this public id, whatever its state, or None."""
    return db.session.scalar(select(User).where(User.public_id == public_id))
