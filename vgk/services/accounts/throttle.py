"""Sign-in throttling without lockout (NIST SP 800-63B, 5.2.2): wrong passwords are counted per
account and per source address over a sliding window.

- A source that failed SIGN_IN_FAILURES_PER_SOURCE times on one account is refused for that account
  (even with the right password) until its failures leave the window: the guesser is stopped.
- An account that failed SIGN_IN_FAILURES_PER_ACCOUNT times, from any sources, is never locked: the
  right password still works, from another source, but the sign-in then owes a code sent to the
  account's verified phone or email (see signin.owe_second_factor).
"""
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from vgk.errors import RateLimited
from vgk.extensions import db
from vgk.models import SignInFailure, User
from vgk.models.base import utcnow


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def _window_start(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(seconds=_setting("SIGN_IN_FAILURE_WINDOW_SECONDS", 900))


def _source(ip: str | None) -> str:
    return (ip or "")[:45]


PASSWORD, CODE = "password", "code"


def _count(user: User, ip: str | None = None, now: datetime | None = None, kind: str = PASSWORD) -> int:
    stmt = select(func.count()).select_from(SignInFailure).where(
        SignInFailure.user_id == user.id, SignInFailure.kind == kind, SignInFailure.created_at > _window_start(now)
    )
    if ip is not None:
        stmt = stmt.where(SignInFailure.ip == _source(ip))
    return db.session.scalar(stmt) or 0


def check_source(user: User, ip: str | None, now: datetime | None = None) -> None:
    """Refuse this source for this account after too many recent failures from it."""
    if _count(user, ip, now) >= _setting("SIGN_IN_FAILURES_PER_SOURCE", 5):
        raise RateLimited(_l("Trop d'essais infructueux depuis cette connexion. Réessayez plus tard "
                             "ou réinitialisez votre mot de passe par SMS."))


def record_failure(user: User, ip: str | None, now: datetime | None = None, kind: str = PASSWORD) -> None:
    """A wrong password (or, with kind=CODE, a wrong sign-in code) on the account, from this source."""
    now = now or utcnow()
    # Failures older than the window no longer count: drop this account's, so the table stays small.
    db.session.execute(delete(SignInFailure).where(SignInFailure.user_id == user.id,
                                                   SignInFailure.created_at <= _window_start(now)))
    db.session.add(SignInFailure(user_id=user.id, ip=_source(ip), kind=kind, created_at=now))
    db.session.commit()


def forget_source(user: User, ip: str | None) -> None:
    """The right password from this source: its own earlier typos no longer count."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.user_id == user.id, SignInFailure.kind == PASSWORD,
                                                   SignInFailure.ip == _source(ip)))
    db.session.commit()


def under_attack(user: User, now: datetime | None = None) -> bool:
    """Many recent failures on the account from anywhere: a sign-in owes an extra check."""
    return _count(user, None, now) >= _setting("SIGN_IN_FAILURES_PER_ACCOUNT", 5)


def check_codes(user: User, now: datetime | None = None) -> None:
    """Someone who has the password may open sign-in after sign-in, each with its few code tries:
    past SECOND_FACTOR_FAILURES_PER_ACCOUNT wrong codes within the window the code step is refused for
    the account (NIST SP 800-63B 5.2.2 caps failed attempts per account), until they leave the window
    or the owner signs in. Well above what a person mistyping reaches."""
    if _count(user, None, now, kind=CODE) >= _setting("SECOND_FACTOR_FAILURES_PER_ACCOUNT", 50):
        raise RateLimited(_l("Trop de codes erronés pour ce compte. Réessayez plus tard ou "
                             "réinitialisez votre mot de passe."))


def forget_codes(user: User) -> None:
    """The owner finished a sign-in: the wrong codes before it no longer count."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.user_id == user.id, SignInFailure.kind == CODE))
