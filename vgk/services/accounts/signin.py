"""Signing in, and proving who one is again before a sensitive change.

Every way in (web or app, password or Google) checks a first factor, then asks
owe_second_factor() whether a code is owed before opening the session with sign_in().
A second factor is a code sent by SMS or email, the authenticator app (TOTP) or a recovery code.
"""
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from vgk.errors import Forbidden, Invalid, RateLimited
from vgk.extensions import db
from vgk.models import AuthSession, CodePurpose, RecoveryCode, SignInChallenge, TwoFactor, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts import otp, sessions, throttle
from vgk.services.accounts.people import find_by_identifier, keyed

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
SECOND_FACTOR_WINDOW = timedelta(minutes=10)
SIGN_IN_CODE_TRIES = 5
_DUMMY_HASH = generate_password_hash("timing-equaliser")


class ReauthRequired(Forbidden):
    """A sensitive change asked in a session whose person has not proved who they are lately."""

    code = "reauth_required"


# --- the first factor ---------------------------------------------------------------------------

def _check_not_locked(user: User, now: datetime) -> None:
    """The second-factor step only: after repeated wrong codes (the password was right), wait."""
    if user.locked_until and user.locked_until > now:
        raise RateLimited(_l("Trop d'essais infructueux. Réessayez dans quelques minutes."))


def _record_failure(user: User, now: datetime) -> None:
    user.login_failures += 1
    if user.login_failures >= MAX_FAILURES:
        user.locked_until = now + LOCK_TIME
        user.login_failures = 0
        log.warning("account %s: second factor paused after repeated wrong codes", user.public_id)
    db.session.commit()


def check_can_sign_in(user: User) -> None:
    """Only an active account signs in: Forbidden when suspended, Invalid (as a wrong password) when deleted."""
    if user.status == UserStatus.SUSPENDED:
        raise Forbidden(_l("Ce compte est suspendu. Contactez le support."))
    if user.status != UserStatus.ACTIVE:
        raise Invalid(_l("Identifiant ou mot de passe incorrect."), {"password": "wrong"})


def _check_password(user: User, password: str | None, ip: str) -> bool:
    """The password of a known account, throttled per source; never locks the account."""
    throttle.check_source(user, ip)
    if not user.password_hash or not check_password_hash(user.password_hash, password or ""):
        throttle.record_failure(user, ip)
        log.info("wrong password for account %s", user.public_id)
        return False
    throttle.forget_source(user, ip)
    return True


def authenticate(identifier: str | None, password: str | None, ip: str = "") -> User:
    """Check a password for an email or phone; returns the user (who may still owe a second factor:
    ask owe_second_factor). A source with too many recent failures on the account is refused
    (RateLimited) whatever the password; the account itself is never locked."""
    user = find_by_identifier(identifier)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        raise Invalid(_l("Identifiant ou mot de passe incorrect."), {"password": "wrong"})
    if not _check_password(user, password, ip):
        raise Invalid(_l("Identifiant ou mot de passe incorrect."), {"password": "wrong"})
    check_can_sign_in(user)
    return user


# --- second factors -----------------------------------------------------------------------------

def _code_channel(user: User) -> str | None:
    """Where a code can reach this person: the verified phone, else the verified email."""
    if user.phone and user.phone_verified:
        return TwoFactor.SMS
    if user.email and user.email_verified_at is not None:
        return TwoFactor.EMAIL
    return None


def second_factor_destination(user: User, method: str | None = None) -> str | None:
    """The phone or address an SMS or email code of `method` (by default the account's) goes to."""
    method = method or user.two_factor
    if method == TwoFactor.SMS:
        return user.phone
    if method == TwoFactor.EMAIL:
        return user.email
    return None


def send_sign_in_code(user: User, ip: str = "", method: str | None = None) -> None:
    """For SMS and email second factors (the account's, or `method` owed by a pending sign-in): send the code."""
    method = method or user.two_factor
    if method in (TwoFactor.SMS, TwoFactor.EMAIL):
        channel = "SMS" if method == TwoFactor.SMS else "EMAIL"
        otp.issue(CodePurpose.SIGN_IN, second_factor_destination(user, method), channel, user=user, ip=ip)


def totp_clock() -> datetime:
    """The time authenticator codes are checked against (aware UTC); one place, so tests can hold it."""
    return datetime.now(UTC)


def _verify_totp(user: User, code: str, now: datetime) -> bool:
    if not user.totp_secret:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    for offset in (0, -1, 1):
        counter = totp.timecode(now) + offset
        if hmac.compare_digest(totp.generate_otp(counter), code):
            if user.totp_last_counter is not None and counter <= user.totp_last_counter:
                return False  # a code is good once
            user.totp_last_counter = counter
            return True
    return False


def _use_recovery_code(user: User, code: str, now: datetime) -> bool:
    cleaned = code.replace("-", "").replace(" ", "").lower()
    if len(cleaned) != 10:
        return False
    entry = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == keyed(cleaned),
            RecoveryCode.used_at.is_(None),
        )
    )
    if entry is None:
        return False
    entry.used_at = now
    return True


def _match_code(user: User, method: str | None, code: str | None, purpose: str, count_on_code: bool = True) -> None:
    """A code of `method` (SMS/email code of `purpose`, TOTP) or a recovery code; raises Invalid
    when wrong. Counts nothing on the account: the caller decides what a wrong code costs. With
    `count_on_code=False` a wrong SMS/email code is not counted on the code itself either (the sign-in's
    challenge counts it), so one person's wrong guesses never use up the code another is waiting for."""
    code = (code or "").strip()
    if method in (TwoFactor.SMS, TwoFactor.EMAIL) and code.isdigit():
        otp.verify(purpose, second_factor_destination(user, method), code, count_wrong=count_on_code)
        return
    digits = "".join(ch for ch in code if ch.isdigit())
    if method == TwoFactor.TOTP and len(digits) == 6 and len(code.replace(" ", "")) == 6:
        if _verify_totp(user, digits, totp_clock()):
            return
    elif _use_recovery_code(user, code, utcnow()):
        log.info("account %s used a recovery code", user.public_id)
        return
    raise Invalid(_l("Code incorrect."), {"code": "wrong"})


def _check_code(user: User, method: str | None, code: str | None, purpose: str) -> User:
    """A signed-in person's code (re-authentication): wrong ones count on the account, which pauses
    this check after MAX_FAILURES (the sign-in's code step counts on its own challenge instead)."""
    now = utcnow()
    _check_not_locked(user, now)
    try:
        _match_code(user, method, code, purpose)
    except Invalid:
        _record_failure(user, now)
        raise
    user.login_failures = 0
    db.session.commit()
    return user


def verify_second_factor(user: User, code: str | None) -> User:
    """Check the account's own second factor (TOTP, SMS or email code, or a recovery code)."""
    return _check_code(user, user.two_factor, code, CodePurpose.SIGN_IN)


# --- pending sign-ins ---------------------------------------------------------------------------

@dataclass(frozen=True)
class OwedSecondFactor:
    """A pending sign-in: the method owed and the challenge, a secret to give only to whoever gave
    the first factor (the code step needs it). `send_error` is set when the code could not be sent
    (too many lately): a code sent earlier, the authenticator app or a recovery code still work."""

    method: str
    challenge: str
    send_error: RateLimited | None = None


def _second_factor_owed(user: User, first_factor: str) -> str | None:
    if user.two_factor:
        return user.two_factor
    if user.needs_two_factor or (first_factor == "password" and throttle.under_attack(user)):
        # Staff and admins always owe a code; so does an account many wrong passwords were tried on.
        return _code_channel(user)
    return None


def owe_second_factor(user: User, ip: str = "", first_factor: str = "password") -> OwedSecondFactor | None:
    """The first factor (the password, or Google) was right. Every way in asks here: returns the
    pending sign-in (OwedSecondFactor: method and challenge, the SMS or email code sent), or None
    when the session may open at once. Each sign-in gets its own challenge: someone else's wrong
    codes or sign-ins never touch it."""
    method = _second_factor_owed(user, first_factor)
    if method is None:
        return None
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    db.session.execute(delete(SignInChallenge).where(SignInChallenge.user_id == user.id,
                                                     SignInChallenge.expires_at < now))
    db.session.add(SignInChallenge(user_id=user.id, secret_hash=keyed(secret), method=method, tries=0,
                                   created_at=now, expires_at=now + SECOND_FACTOR_WINDOW))
    db.session.commit()
    log.info("account %s owes a second factor (%s)", user.public_id, method)
    try:
        send_sign_in_code(user, ip=ip, method=method)
    except RateLimited as error:
        return OwedSecondFactor(method, secret, send_error=error)
    return OwedSecondFactor(method, secret)


def pending_sign_in(challenge: object) -> SignInChallenge | None:
    """The live pending sign-in this challenge names (not expired, tries left), or None."""
    if not isinstance(challenge, str) or not challenge or len(challenge) > 128:
        return None
    pending = db.session.scalar(select(SignInChallenge).where(SignInChallenge.secret_hash == keyed(challenge)))
    if pending is None or pending.expires_at < utcnow() or pending.tries >= SIGN_IN_CODE_TRIES:
        return None
    return pending


def _no_pending_sign_in() -> Invalid:
    return Invalid(_l("Connectez-vous d'abord avec votre mot de passe."), {"code": "no_pending_sign_in"})


def _take_a_try(pending_id: int) -> None:
    """One of the challenge's tries, taken atomically (parallel guesses get no more); Invalid when none is left."""
    taken = cast(CursorResult[Any], db.session.execute(
        update(SignInChallenge)
        .where(SignInChallenge.id == pending_id, SignInChallenge.tries < SIGN_IN_CODE_TRIES,
               SignInChallenge.expires_at >= utcnow())
        .values(tries=SignInChallenge.tries + 1)
    )).rowcount
    db.session.commit()
    if not taken:
        raise _no_pending_sign_in()


def verify_owed_second_factor(challenge: object, code: str | None) -> User:
    """The code step of a pending sign-in, for whoever holds its challenge; returns the user.
    Every code tried uses one of the challenge's SIGN_IN_CODE_TRIES (taken atomically, so parallel
    guesses get no more); after the last wrong one the challenge is over and the owner starts again
    with the password. The account itself is never paused by wrong codes here."""
    pending = pending_sign_in(challenge)
    if pending is None:
        raise _no_pending_sign_in()
    pending_id, user, method = pending.id, pending.user, pending.method
    throttle.check_codes(user)
    _take_a_try(pending_id)
    try:
        _match_code(user, method, code, CodePurpose.SIGN_IN, count_on_code=False)
    except (Invalid, RateLimited):
        db.session.execute(delete(SignInChallenge).where(SignInChallenge.id == pending_id,
                                                         SignInChallenge.tries >= SIGN_IN_CODE_TRIES))
        throttle.record_failure(user, "", kind=throttle.CODE)  # commits
        log.info("account %s: wrong code for a pending sign-in", user.public_id)
        raise
    ended = cast(CursorResult[Any], db.session.execute(
        delete(SignInChallenge).where(SignInChallenge.id == pending_id))).rowcount
    if not ended:  # the same challenge answered twice at once: one sign-in only
        db.session.rollback()
        raise _no_pending_sign_in()
    user.login_failures = 0
    throttle.forget_codes(user)
    db.session.commit()
    return user


def sign_in(user: User, *, ip: str = "", user_agent: str = "", method: str = "password") -> AuthSession:
    """Open the sign-in session once every factor has been checked."""
    check_can_sign_in(user)
    return sessions.start(user, ip=ip, user_agent=user_agent, method=method)


# --- recent authentication for sensitive changes ------------------------------------------------

def _reauth_age() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("REAUTH_MAX_AGE_SECONDS", 600)))


def recently_authenticated(user: User) -> bool:
    """Whether the person in this session gave the password or a second factor lately (a full
    sign-in counts; unlocking a tablet with a PIN does not)."""
    return sessions.reauthenticated_within(user, _reauth_age())


def require_recent_authentication(user: User) -> None:
    """ReauthRequired unless the person in this session proved who they are lately."""
    if not recently_authenticated(user):
        raise ReauthRequired(_l("Pour votre sécurité, confirmez d'abord votre identité (mot de passe ou code)."))


def reauth_method(user: User) -> str | None:
    """How this person can prove who they are again: "password", or a code method, or None."""
    if user.password_hash:
        return "password"
    return user.two_factor or _code_channel(user)


def confirm_password(user: User, password: str | None, ip: str = "") -> User:
    """Recent authentication by the password (throttled per source like a sign-in)."""
    if not user.password_hash:
        raise Invalid(_l("Ce compte n'a pas de mot de passe : confirmez avec un code."), {"password": "none"})
    if not _check_password(user, password, ip):
        raise Invalid(_l("Mot de passe incorrect."), {"password": "wrong"})
    sessions.mark_reauthenticated(user)
    return user


def send_reauth_code(user: User, ip: str = "") -> str | None:
    """For accounts without a password: a code by SMS or email to confirm who they are."""
    method = user.two_factor if user.two_factor in (TwoFactor.SMS, TwoFactor.EMAIL) else None
    method = method or (None if user.two_factor == TwoFactor.TOTP else _code_channel(user))
    if method is None:
        return None
    otp.issue(CodePurpose.REAUTH, second_factor_destination(user, method),
              "SMS" if method == TwoFactor.SMS else "EMAIL", user=user, ip=ip)
    return method


def confirm_code(user: User, code: str | None) -> User:
    """Recent authentication by a fresh second factor: the authenticator app, a code sent for this
    (send_reauth_code) or a recovery code."""
    method = user.two_factor if user.two_factor == TwoFactor.TOTP else (
        user.two_factor if user.two_factor in (TwoFactor.SMS, TwoFactor.EMAIL) else _code_channel(user))
    _check_code(user, method, code, CodePurpose.REAUTH)
    sessions.mark_reauthenticated(user)
    return user
