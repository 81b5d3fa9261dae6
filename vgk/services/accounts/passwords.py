"""Passwords: a forgotten one reset by a code sent by SMS or by a link sent to the verified email
address, and a known one changed."""
import logging
from datetime import timedelta
from typing import Literal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from vgk.errors import Invalid, RateLimited
from vgk.extensions import db
from vgk.models import CodePurpose, SignInChallenge, User, UserStatus
from vgk.services.accounts import links, otp, sessions
from vgk.services.accounts.people import check_password_strength, find_by_identifier, keyed, normalize_phone
from vgk.services.accounts.signin import require_recent_authentication
from vgk.services.notifications import notify
from vgk.urls import public_url

log = logging.getLogger(__name__)

RESET_LINK_AGE = 60 * 60  # seconds


RESET_SALT = "vgk-password-reset"


def _password_fingerprint(user: User) -> str:
    return keyed(user.password_hash or "none")[:16]


def _send_reset_link(user: User) -> None:
    if not user.email:
        return
    token = links.sign(RESET_SALT, {"u": user.public_id, "p": _password_fingerprint(user)})
    link = public_url("auth.reset_link", token=token)
    otp.send_to(user.email, "EMAIL", "security.reset_link", {"reset_link": link})
    db.session.commit()


def request_password_reset(identifier: str | None, ip: str = "") -> Literal["email", "sms"] | None:
    """Send a reset code (phone) or link (email, on the public site: PUBLIC_URL). Says nothing about
    whether the account exists, nor whether the sending limit for that phone or address (or for this
    source IP) was reached.
    Resets have their own sending quota: they never use up the sign-in codes of the same phone."""
    user = find_by_identifier(identifier)
    if user is None or user.status != UserStatus.ACTIVE:
        log.info("password reset asked for an unknown or inactive identifier")
        return None
    by_email = "@" in (identifier or "")
    if by_email and user.email_verified_at is None:
        # An address nobody proved to own (it may have been typed by someone else): no reset link.
        log.info("password reset link for account %s not sent: email not verified", user.public_id)
        return None
    try:
        otp.check_source_allowed(
            CodePurpose.RESET_PASSWORD, ip, int(current_app.config.get("PASSWORD_RESETS_PER_SOURCE", 10)),
            timedelta(seconds=int(current_app.config.get("PASSWORD_RESET_SOURCE_WINDOW_SECONDS", 3600))),
        )
        if by_email:
            otp.note_link_sent(CodePurpose.RESET_PASSWORD, user.email, user=user, ip=ip)
        else:
            otp.issue(CodePurpose.RESET_PASSWORD, user.phone, "SMS", user=user, ip=ip)
    except RateLimited:
        log.info("password reset for account %s not sent: sending limit reached", user.public_id)
        return "email" if by_email else "sms"
    if by_email:
        _send_reset_link(user)
        return "email"
    return "sms"


def _tell_changed(user: User) -> None:
    """Warn the owner that the password changed (security.password_changed), in case it was not them;
    the message leaves with the caller's commit."""
    notify(user, "security.password_changed", {"link": "/compte/securite"})


def _set_password(user: User, new_password: str | None) -> None:
    user.password_hash = generate_password_hash(check_password_strength(new_password))
    _tell_changed(user)
    user.login_failures = 0
    user.locked_until = None
    # Sign-ins started with the old password cannot be finished with a code any more.
    db.session.execute(delete(SignInChallenge).where(SignInChallenge.user_id == user.id))
    db.session.commit()
    sessions.revoke_all(user)


def reset_password_with_code(phone: str | None, code: str | None, new_password: str | None) -> User:
    """A new password for the account of this phone, with the reset code sent to it."""
    check_password_strength(new_password)
    phone = normalize_phone(phone)
    otp.verify(CodePurpose.RESET_PASSWORD, phone, code)
    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is None:
        raise Invalid(_l("Ce code a expiré ou a déjà servi. Demandez-en un nouveau."), {"code": "expired"})
    _set_password(user, new_password)
    return user


def user_for_reset_token(token: str) -> User:
    """The account a reset link was sent for, while the link is fresh and its password unchanged."""
    data = links.read(RESET_SALT, token, RESET_LINK_AGE)
    user = db.session.scalar(select(User).where(User.public_id == str(data.get("u"))))
    if user is None or data.get("p") != _password_fingerprint(user) or user.status != UserStatus.ACTIVE:
        raise Invalid(_l("Ce lien a déjà servi ou n'est plus valable."), {"token": "used"})
    return user


def reset_password_with_token(token: str, new_password: str | None) -> User:
    """A new password through the link sent by email (the link then stops working)."""
    user = user_for_reset_token(token)
    _set_password(user, new_password)
    return user


def change_password(user: User, current_password: str | None, new_password: str | None) -> User:
    """Change the password: the current one is required (a Google-only account sets its first one
    after a recent authentication instead)."""
    if not user.password_hash:
        require_recent_authentication(user)
    elif not check_password_hash(user.password_hash, current_password or ""):
        raise Invalid(_l("Mot de passe actuel incorrect."), {"current_password": "wrong"})
    user.password_hash = generate_password_hash(check_password_strength(new_password))
    _tell_changed(user)
    db.session.commit()
    sessions.revoke_all(user, keep=user.auth_session)
    return user
