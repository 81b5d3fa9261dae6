"""Signing up, and proving one's phone and email address: the code sent by SMS at sign-up or to a new
number, and the signed link sent to the email address."""
import hmac
import logging
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from werkzeug.security import generate_password_hash

from vgk.errors import Conflict, Invalid, RateLimited
from vgk.extensions import db
from vgk.models import CodePurpose, Product, Role, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts import links, otp
from vgk.services.accounts.people import (
    check_password_strength,
    clean_name,
    find_by_identifier,
    find_city,
    keyed,
    normalize_email,
    normalize_phone,
)
from vgk.services.accounts.signin import require_recent_authentication
from vgk.urls import public_url

log = logging.getLogger(__name__)

EMAIL_LINK_AGE = 3 * 24 * 60 * 60  # seconds
ABANDONED_AFTER = timedelta(hours=1)


# --- sign-up ------------------------------------------------------------------------------------

def register(*, name: str | None, phone: str | None, password: str | None, email: str | None = None,
             city: object = None, locale: str = "fr", ip: str = "") -> User:
    """Create a client account; the phone must then be verified with the code sent by SMS, and the
    email address (if given) with the link sent to it."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, check in (
        ("name", lambda: clean_name(name)),
        ("phone", lambda: normalize_phone(phone)),
        ("email", lambda: normalize_email(email)),
        ("password", lambda: check_password_strength(password)),
        ("city", lambda: find_city(city)),
    ):
        try:
            values[field] = check()
        except Invalid as error:
            errors.update({field: str(error.message)})
    if not errors:
        release_abandoned_sign_ups(values["phone"], values["email"])
        if db.session.scalar(select(User.id).where(User.phone == values["phone"])):
            errors["phone"] = str(_l("Ce numéro est déjà utilisé par un compte."))
        if values["email"] and db.session.scalar(select(User.id).where(func.lower(User.email) == values["email"])):
            errors["email"] = str(_l("Cette adresse email est déjà utilisée par un compte."))
    if errors:
        raise Invalid(_l("Vérifiez les champs indiqués."), errors)
    user = User(
        name=values["name"],
        phone=values["phone"],
        email=values["email"],
        city=values["city"],
        password_hash=generate_password_hash(values["password"]),
        role=Role.CLIENT,
        locale=locale if locale in ("fr", "en") else "fr",
    )
    db.session.add(user)
    db.session.commit()
    log.info("account %s registered", user.public_id)
    if user.email:
        try:
            send_email_verification(user, ip=ip)
        except RateLimited:
            log.info("account %s: email verification not sent, sending limit reached", user.public_id)
    send_phone_code(user, ip=ip)
    return user


def release_abandoned_sign_ups(phone: str | None, email: str | None) -> None:
    """A sign-up never verified for an hour must not hold a number (or address) forever:
    whoever really owns it can register again; the abandoned account is removed."""
    cutoff = utcnow() - ABANDONED_AFTER
    conditions = [User.phone == phone] if phone else []
    if email:
        conditions.append(func.lower(User.email) == email)
    if not conditions:
        return
    for stale in db.session.scalars(
        select(User).where(
            or_(*conditions),
            User.phone_verified_at.is_(None),
            User.email_verified_at.is_(None),
            User.last_login_at.is_(None),
            User.role == Role.CLIENT,
            User.created_at < cutoff,
        )
    ):
        if not db.session.scalar(select(func.count()).select_from(Product).where(Product.seller_id == stale.id)):
            log.info("abandoned sign-up %s removed to free its phone/email", stale.public_id)
            db.session.delete(stale)
    db.session.flush()


# --- the phone ----------------------------------------------------------------------------------

def send_phone_code(user: User, phone: str | None = None, ip: str = "") -> None:
    """Send a verification code to the user's phone (or to a new number being confirmed)."""
    otp.issue(CodePurpose.VERIFY_PHONE, phone or user.phone, "SMS", user=user, ip=ip)


def verify_phone(user: User, code: str | None) -> User:
    """Mark the account's phone as verified with the code sent to it."""
    otp.verify(CodePurpose.VERIFY_PHONE, user.phone, code)
    user.phone_verified_at = utcnow()
    db.session.commit()
    return user


def verify_phone_number(phone: str | None, code: str | None) -> User:
    """Verify a sign-up by its number and the code sent to it (the app has no session to remember
    who is verifying). An unknown number fails like a wrong code."""
    try:
        number = normalize_phone(phone)
    except Invalid:
        raise Invalid(_l("Numéro de téléphone invalide."), {"phone": "invalid"}) from None
    otp.verify(CodePurpose.VERIFY_PHONE, number, code)
    user = db.session.scalar(select(User).where(User.phone == number))
    if user is None:
        raise Invalid(_l("Code incorrect."), {"code": "wrong"})
    user.phone_verified_at = user.phone_verified_at or utcnow()
    db.session.commit()
    return user


def resend_phone_code(phone: str | None, ip: str = "") -> None:
    """Send a new verification code to a sign-up's number; says nothing about unknown numbers."""
    user = find_by_identifier(phone)
    if user is not None and not user.phone_verified and user.status == UserStatus.ACTIVE:
        send_phone_code(user, ip=ip)


def start_phone_change(user: User, new_phone: str | None, ip: str = "") -> str:
    """Step 1 of a number change (the number then receives reset and sign-in codes): needs a
    recent authentication in this session."""
    require_recent_authentication(user)
    phone = normalize_phone(new_phone)
    if phone == user.phone:
        raise Invalid(_l("C'est déjà votre numéro."), {"phone": "same"})
    if db.session.scalar(select(User.id).where(User.phone == phone)):
        raise Invalid(_l("Ce numéro est déjà utilisé par un compte."), {"phone": "taken"})
    send_phone_code(user, phone=phone, ip=ip)
    return phone


def confirm_phone_change(user: User, new_phone: str | None, code: str | None) -> User:
    """Step 2 of a number change: the code sent to the new number makes it the account's."""
    phone = normalize_phone(new_phone)
    otp.verify(CodePurpose.VERIFY_PHONE, phone, code)
    if db.session.scalar(select(User.id).where(User.phone == phone, User.id != user.id)):
        raise Conflict(_l("Ce numéro est déjà utilisé par un compte."))
    user.phone = phone
    user.phone_verified_at = utcnow()
    db.session.commit()
    return user


# --- the email address --------------------------------------------------------------------------

EMAIL_SALT = "vgk-email-verify"


def send_email_verification(user: User, ip: str = "") -> bool:
    """Send a link proving the address is the person's (limited like codes per address), on the
    public site (PUBLIC_URL, never the request's host). Returns False when there is nothing to verify."""
    if not user.email or user.email_verified_at is not None or user.status != UserStatus.ACTIVE:
        return False
    otp.note_link_sent(CodePurpose.VERIFY_EMAIL, user.email, user=user, ip=ip)
    token = links.sign(EMAIL_SALT, {"u": user.public_id, "e": keyed(user.email)[:16]})
    link = public_url("auth.verify_email", token=token)
    otp.send_to(user.email, "EMAIL", "security.email_link", {"verify_link": link})
    db.session.commit()
    return True


def verify_email(token: str) -> User:
    """Mark the address as verified from the link sent to it (only while it is still the account's)."""
    data = links.read(EMAIL_SALT, token, EMAIL_LINK_AGE)
    if not isinstance(data, dict):
        raise Invalid(_l("Ce lien n'est pas valide."), {"token": "invalid"})
    user = db.session.scalar(select(User).where(User.public_id == str(data.get("u"))[:16]))
    if (user is None or not user.email or user.status != UserStatus.ACTIVE
            or not hmac.compare_digest(str(data.get("e")), keyed(user.email)[:16])):
        raise Invalid(_l("Ce lien n'est plus valable."), {"token": "stale"})
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
        log.info("account %s verified its email", user.public_id)
    return user
