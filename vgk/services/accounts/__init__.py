"""Accounts: sign-up, phone verification, sign-in with a second factor, passwords, profile,
staff PINs and tablets, Google accounts, and account states (active, suspended, deleted)."""
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import phonenumbers
import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from vgk.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from vgk.extensions import db
from vgk.models import (
    City,
    CodePurpose,
    OneTimeCode,
    PickupPoint,
    Product,
    ProductStatus,
    RecoveryCode,
    Role,
    SignInChallenge,
    StaffDevice,
    TwoFactor,
    User,
    UserStatus,
)
from vgk.models.base import utcnow
from vgk.services.accounts import otp, sessions, throttle
from vgk.services.messaging import notifications
from vgk.urls import public_url

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
MIN_PASSWORD = 8
RESET_LINK_AGE = 60 * 60  # seconds
EMAIL_LINK_AGE = 3 * 24 * 60 * 60  # seconds
TOTP_SETUP_AGE = timedelta(minutes=30)
RECOVERY_CODES = 10
COMMON_PASSWORDS = {
    "password", "motdepasse", "12345678", "123456789", "1234567890", "azertyui", "azertyuiop",
    "qwertyui", "qwertyuiop", "00000000", "11111111", "iloveyou", "cameroun", "cameroon", "douala237",
}
_DUMMY_HASH = generate_password_hash("timing-equaliser")


class ReauthRequired(Forbidden):
    """A sensitive change asked in a session whose person has not proved who they are lately."""

    code = "reauth_required"


# --- values -----------------------------------------------------------------------------------

def normalize_phone(raw):
    """A Cameroonian mobile number in E.164 (+2376XXXXXXXX), or Invalid."""
    raw = (raw or "").strip()
    if not raw:
        raise Invalid(_l("Indiquez un numéro de téléphone."), {"phone": "required"})
    try:
        number = phonenumbers.parse(raw[:32], "CM")
    except phonenumbers.NumberParseException:
        raise Invalid(_l("Numéro de téléphone invalide."), {"phone": "invalid"}) from None
    if number.country_code != 237 or not phonenumbers.is_valid_number(number):
        raise Invalid(_l("Indiquez un numéro camerounais valide (+237 6XX XX XX XX)."), {"phone": "invalid"})
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE
    ):
        raise Invalid(_l("Indiquez un numéro de mobile (SMS)."), {"phone": "not_mobile"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164):
    """+237690000001 -> '+237 6 90 00 00 01' as Cameroonians write it."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def normalize_email(raw, required=False):
    email = (raw or "").strip().lower()
    if not email:
        if required:
            raise Invalid(_l("Indiquez une adresse email."), {"email": "required"})
        return None
    local, _, domain = email.partition("@")
    if len(email) > 255 or not local or "." not in domain or " " in email or domain.startswith("."):
        raise Invalid(_l("Adresse email invalide."), {"email": "invalid"})
    return email


def check_password_strength(password):
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise Invalid(_l("Le mot de passe doit faire au moins 8 caractères."), {"password": "too_short"})
    if len(password) > 200:
        raise Invalid(_l("Le mot de passe est trop long."), {"password": "too_long"})
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        raise Invalid(_l("Ce mot de passe est trop facile à deviner."), {"password": "common"})
    return password


def _clean_name(name):
    name = " ".join((name or "").split())
    if len(name) < 2:
        raise Invalid(_l("Indiquez votre nom."), {"name": "required"})
    return name[:120]


def _city(city_id_or_slug):
    if city_id_or_slug in (None, ""):
        return None
    city = db.session.scalar(
        select(City).where((City.slug == str(city_id_or_slug)) | (City.id == _int_or_zero(city_id_or_slug)))
    )
    if city is None:
        raise Invalid(_l("Ville inconnue."), {"city": "unknown"})
    return city


def _int_or_zero(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _keyed(value):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def user_by_public_id(public_id):
    user = db.session.scalar(select(User).where(User.public_id == str(public_id)[:16]))
    if user is None:
        raise NotFound(_l("Compte introuvable."))
    return user


def find_by_identifier(identifier):
    """The account for an email address or a phone number, or None."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return db.session.scalar(select(User).where(func.lower(User.email) == identifier.lower()))
    try:
        phone = normalize_phone(identifier)
    except Invalid:
        return None
    return db.session.scalar(select(User).where(User.phone == phone))


# --- sign-up and phone verification ------------------------------------------------------------

def register(*, name, phone, password, email=None, city=None, locale="fr", ip=""):
    """Create a client account; the phone must then be verified with the code sent by SMS, and the
    email address (if given) with the link sent to it."""
    errors = {}
    values = {}
    for field, check in (
        ("name", lambda: _clean_name(name)),
        ("phone", lambda: normalize_phone(phone)),
        ("email", lambda: normalize_email(email)),
        ("password", lambda: check_password_strength(password)),
        ("city", lambda: _city(city)),
    ):
        try:
            values[field] = check()
        except Invalid as error:
            errors.update({field: str(error.message)})
    if not errors:
        _release_abandoned_sign_ups(values["phone"], values["email"])
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


ABANDONED_AFTER = timedelta(hours=1)


def _release_abandoned_sign_ups(phone, email):
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


def send_phone_code(user, phone=None, ip=""):
    """Send a verification code to the user's phone (or to a new number being confirmed)."""
    otp.issue(CodePurpose.VERIFY_PHONE, phone or user.phone, "SMS", user=user, ip=ip)


def verify_phone(user, code):
    otp.verify(CodePurpose.VERIFY_PHONE, user.phone, code)
    user.phone_verified_at = utcnow()
    db.session.commit()
    return user


def verify_phone_number(phone, code):
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


def resend_phone_code(phone, ip=""):
    """Send a new verification code to a sign-up's number; says nothing about unknown numbers."""
    user = find_by_identifier(phone)
    if user is not None and not user.phone_verified and user.status == UserStatus.ACTIVE:
        send_phone_code(user, ip=ip)


def start_phone_change(user, new_phone, ip=""):
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


def confirm_phone_change(user, new_phone, code):
    phone = normalize_phone(new_phone)
    otp.verify(CodePurpose.VERIFY_PHONE, phone, code)
    if db.session.scalar(select(User.id).where(User.phone == phone, User.id != user.id)):
        raise Conflict(_l("Ce numéro est déjà utilisé par un compte."))
    user.phone = phone
    user.phone_verified_at = utcnow()
    db.session.commit()
    return user


# --- sign-in -----------------------------------------------------------------------------------
#
# Every way in (web or app, password or Google) checks a first factor, then asks
# owe_second_factor() whether a code is owed before opening the session with sign_in().

def _check_not_locked(user, now):
    """The second-factor step only: after repeated wrong codes (the password was right), wait."""
    if user.locked_until and user.locked_until > now:
        raise RateLimited(_l("Trop d'essais infructueux. Réessayez dans quelques minutes."))


def _record_failure(user, now):
    user.login_failures += 1
    if user.login_failures >= MAX_FAILURES:
        user.locked_until = now + LOCK_TIME
        user.login_failures = 0
        log.warning("account %s: second factor paused after repeated wrong codes", user.public_id)
    db.session.commit()


def _check_can_sign_in(user):
    if user.status == UserStatus.SUSPENDED:
        raise Forbidden(_l("Ce compte est suspendu. Contactez le support."))
    if user.status != UserStatus.ACTIVE:
        raise Invalid(_l("Identifiant ou mot de passe incorrect."), {"password": "wrong"})


def _check_password(user, password, ip):
    """The password of a known account, throttled per source; never locks the account."""
    throttle.check_source(user, ip)
    if not user.password_hash or not check_password_hash(user.password_hash, password or ""):
        throttle.record_failure(user, ip)
        log.info("wrong password for account %s", user.public_id)
        return False
    throttle.forget_source(user, ip)
    return True


def authenticate(identifier, password, ip=""):
    """Check a password for an email or phone; returns the user (who may still owe a second factor:
    ask owe_second_factor). A source with too many recent failures on the account is refused
    (RateLimited) whatever the password; the account itself is never locked."""
    user = find_by_identifier(identifier)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        raise Invalid(_l("Identifiant ou mot de passe incorrect."), {"password": "wrong"})
    if not _check_password(user, password, ip):
        raise Invalid(_l("Identifiant ou mot de passe incorrect."), {"password": "wrong"})
    _check_can_sign_in(user)
    return user


def _code_channel(user):
    """Where a code can reach this person: the verified phone, else the verified email."""
    if user.phone and user.phone_verified:
        return TwoFactor.SMS
    if user.email and user.email_verified_at is not None:
        return TwoFactor.EMAIL
    return None


def second_factor_destination(user, method=None):
    method = method or user.two_factor
    if method == TwoFactor.SMS:
        return user.phone
    if method == TwoFactor.EMAIL:
        return user.email
    return None


def send_sign_in_code(user, ip="", method=None):
    """For SMS and email second factors (the account's, or `method` owed by a pending sign-in): send the code."""
    method = method or user.two_factor
    if method in (TwoFactor.SMS, TwoFactor.EMAIL):
        channel = "SMS" if method == TwoFactor.SMS else "EMAIL"
        otp.issue(CodePurpose.SIGN_IN, second_factor_destination(user, method), channel, user=user, ip=ip)


def totp_clock():
    """The time authenticator codes are checked against (aware UTC); one place, so tests can hold it."""
    return datetime.now(timezone.utc)


def _verify_totp(user, code, now):
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


def _use_recovery_code(user, code, now):
    cleaned = code.replace("-", "").replace(" ", "").lower()
    if len(cleaned) != 10:
        return False
    entry = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _keyed(cleaned),
            RecoveryCode.used_at.is_(None),
        )
    )
    if entry is None:
        return False
    entry.used_at = now
    return True


def _match_code(user, method, code, purpose, count_on_code=True):
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


def _check_code(user, method, code, purpose):
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


def verify_second_factor(user, code):
    """Check the account's own second factor (TOTP, SMS or email code, or a recovery code)."""
    return _check_code(user, user.two_factor, code, CodePurpose.SIGN_IN)


SECOND_FACTOR_WINDOW = timedelta(minutes=10)
SIGN_IN_CODE_TRIES = 5


@dataclass(frozen=True)
class OwedSecondFactor:
    """A pending sign-in: the method owed and the challenge, a secret to give only to whoever gave
    the first factor (the code step needs it). `send_error` is set when the code could not be sent
    (too many lately): a code sent earlier, the authenticator app or a recovery code still work."""

    method: str
    challenge: str
    send_error: RateLimited | None = None


def _second_factor_owed(user, first_factor):
    if user.two_factor:
        return user.two_factor
    if user.needs_two_factor or (first_factor == "password" and throttle.under_attack(user)):
        # Staff and admins always owe a code; so does an account many wrong passwords were tried on.
        return _code_channel(user)
    return None


def owe_second_factor(user, ip="", first_factor="password"):
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
    db.session.add(SignInChallenge(user_id=user.id, secret_hash=_keyed(secret), method=method, tries=0,
                                   created_at=now, expires_at=now + SECOND_FACTOR_WINDOW))
    db.session.commit()
    log.info("account %s owes a second factor (%s)", user.public_id, method)
    try:
        send_sign_in_code(user, ip=ip, method=method)
    except RateLimited as error:
        return OwedSecondFactor(method, secret, send_error=error)
    return OwedSecondFactor(method, secret)


def pending_sign_in(challenge):
    """The live pending sign-in this challenge names (not expired, tries left), or None."""
    if not isinstance(challenge, str) or not challenge or len(challenge) > 128:
        return None
    pending = db.session.scalar(select(SignInChallenge).where(SignInChallenge.secret_hash == _keyed(challenge)))
    if pending is None or pending.expires_at < utcnow() or pending.tries >= SIGN_IN_CODE_TRIES:
        return None
    return pending


def _no_pending_sign_in():
    return Invalid(_l("Connectez-vous d'abord avec votre mot de passe."), {"code": "no_pending_sign_in"})


def verify_owed_second_factor(challenge, code):
    """The code step of a pending sign-in, for whoever holds its challenge; returns the user.
    Every code tried uses one of the challenge's SIGN_IN_CODE_TRIES (taken atomically, so parallel
    guesses get no more); after the last wrong one the challenge is over and the owner starts again
    with the password. The account itself is never paused by wrong codes here."""
    pending = pending_sign_in(challenge)
    if pending is None:
        raise _no_pending_sign_in()
    pending_id, user, method = pending.id, pending.user, pending.method
    throttle.check_codes(user)
    taken = db.session.execute(
        update(SignInChallenge)
        .where(SignInChallenge.id == pending_id, SignInChallenge.tries < SIGN_IN_CODE_TRIES,
               SignInChallenge.expires_at >= utcnow())
        .values(tries=SignInChallenge.tries + 1)
    ).rowcount
    db.session.commit()
    if not taken:
        raise _no_pending_sign_in()
    try:
        _match_code(user, method, code, CodePurpose.SIGN_IN, count_on_code=False)
    except (Invalid, RateLimited):
        db.session.execute(delete(SignInChallenge).where(SignInChallenge.id == pending_id,
                                                         SignInChallenge.tries >= SIGN_IN_CODE_TRIES))
        throttle.record_failure(user, "", kind=throttle.CODE)  # commits
        log.info("account %s: wrong code for a pending sign-in", user.public_id)
        raise
    ended = db.session.execute(delete(SignInChallenge).where(SignInChallenge.id == pending_id)).rowcount
    if not ended:  # the same challenge answered twice at once: one sign-in only
        db.session.rollback()
        raise _no_pending_sign_in()
    user.login_failures = 0
    throttle.forget_codes(user)
    db.session.commit()
    return user


def sign_in(user, *, ip="", user_agent="", method="password"):
    """Open the sign-in session once every factor has been checked."""
    _check_can_sign_in(user)
    return sessions.start(user, ip=ip, user_agent=user_agent, method=method)


# --- recent authentication for sensitive changes -----------------------------------------------

def _reauth_age():
    return timedelta(seconds=int(current_app.config.get("REAUTH_MAX_AGE_SECONDS", 600)))


def recently_authenticated(user):
    """Whether the person in this session gave the password or a second factor lately (a full
    sign-in counts; unlocking a tablet with a PIN does not)."""
    return sessions.reauthenticated_within(user, _reauth_age())


def require_recent_authentication(user):
    if not recently_authenticated(user):
        raise ReauthRequired(_l("Pour votre sécurité, confirmez d'abord votre identité (mot de passe ou code)."))


def reauth_method(user):
    """How this person can prove who they are again: "password", or a code method, or None."""
    if user.password_hash:
        return "password"
    return user.two_factor or _code_channel(user)


def confirm_password(user, password, ip=""):
    """Recent authentication by the password (throttled per source like a sign-in)."""
    if not user.password_hash:
        raise Invalid(_l("Ce compte n'a pas de mot de passe : confirmez avec un code."), {"password": "none"})
    if not _check_password(user, password, ip):
        raise Invalid(_l("Mot de passe incorrect."), {"password": "wrong"})
    sessions.mark_reauthenticated(user)
    return user


def send_reauth_code(user, ip=""):
    """For accounts without a password: a code by SMS or email to confirm who they are."""
    method = user.two_factor if user.two_factor in (TwoFactor.SMS, TwoFactor.EMAIL) else None
    method = method or (None if user.two_factor == TwoFactor.TOTP else _code_channel(user))
    if method is None:
        return None
    otp.issue(CodePurpose.REAUTH, second_factor_destination(user, method),
              "SMS" if method == TwoFactor.SMS else "EMAIL", user=user, ip=ip)
    return method


def confirm_code(user, code):
    """Recent authentication by a fresh second factor: the authenticator app, a code sent for this
    (send_reauth_code) or a recovery code."""
    method = user.two_factor if user.two_factor == TwoFactor.TOTP else (
        user.two_factor if user.two_factor in (TwoFactor.SMS, TwoFactor.EMAIL) else _code_channel(user))
    _check_code(user, method, code, CodePurpose.REAUTH)
    sessions.mark_reauthenticated(user)
    return user


# --- passwords ---------------------------------------------------------------------------------

def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="vgk-password-reset")


def _password_fingerprint(user):
    return _keyed(user.password_hash or "none")[:16]


def request_password_reset(identifier, ip=""):
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
        token = _reset_serializer().dumps({"u": user.public_id, "p": _password_fingerprint(user)})
        link = public_url("auth.reset_link", token=token)
        body = str(_l("Pour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure) :")) + f"\n{link}\n\n" + str(
            _l("Si vous n'avez rien demandé, ignorez ce message.")
        )
        notifications.send_email(user.email, str(_l("Réinitialisation de votre mot de passe")), body)
        return "email"
    return "sms"


def _set_password(user, new_password):
    check_password_strength(new_password)
    user.password_hash = generate_password_hash(new_password)
    user.login_failures = 0
    user.locked_until = None
    # Sign-ins started with the old password cannot be finished with a code any more.
    db.session.execute(delete(SignInChallenge).where(SignInChallenge.user_id == user.id))
    db.session.commit()
    sessions.revoke_all(user)


def reset_password_with_code(phone, code, new_password):
    check_password_strength(new_password)
    phone = normalize_phone(phone)
    otp.verify(CodePurpose.RESET_PASSWORD, phone, code)
    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is None:
        raise Invalid(_l("Ce code a expiré ou a déjà servi. Demandez-en un nouveau."), {"code": "expired"})
    _set_password(user, new_password)
    return user


def user_for_reset_token(token):
    try:
        data = _reset_serializer().loads(token, max_age=RESET_LINK_AGE)
    except SignatureExpired:
        raise Invalid(_l("Ce lien a expiré. Demandez-en un nouveau."), {"token": "expired"}) from None
    except BadSignature:
        raise Invalid(_l("Ce lien n'est pas valide."), {"token": "invalid"}) from None
    user = db.session.scalar(select(User).where(User.public_id == str(data.get("u"))))
    if user is None or data.get("p") != _password_fingerprint(user) or user.status != UserStatus.ACTIVE:
        raise Invalid(_l("Ce lien a déjà servi ou n'est plus valable."), {"token": "used"})
    return user


def reset_password_with_token(token, new_password):
    user = user_for_reset_token(token)
    _set_password(user, new_password)
    return user


def change_password(user, current_password, new_password):
    """Change the password: the current one is required (a Google-only account sets its first one
    after a recent authentication instead)."""
    if not user.password_hash:
        require_recent_authentication(user)
    elif not check_password_hash(user.password_hash, current_password or ""):
        raise Invalid(_l("Mot de passe actuel incorrect."), {"current_password": "wrong"})
    check_password_strength(new_password)
    user.password_hash = generate_password_hash(new_password)
    db.session.commit()
    sessions.revoke_all(user, keep=user.auth_session)
    return user


# --- email verification ------------------------------------------------------------------------

def _email_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="vgk-email-verify")


def send_email_verification(user, ip=""):
    """Send a link proving the address is the person's (limited like codes per address), on the
    public site (PUBLIC_URL, never the request's host). Returns False when there is nothing to verify."""
    if not user.email or user.email_verified_at is not None or user.status != UserStatus.ACTIVE:
        return False
    otp.note_link_sent(CodePurpose.VERIFY_EMAIL, user.email, user=user, ip=ip)
    token = _email_serializer().dumps({"u": user.public_id, "e": _keyed(user.email)[:16]})
    link = public_url("auth.verify_email", token=token)
    body = str(_l("Pour confirmer votre adresse email, ouvrez ce lien (valable trois jours) :")) + f"\n{link}\n\n" + str(
        _l("Si vous n'avez pas créé de compte, ignorez ce message.")
    )
    notifications.send_email(user.email, str(_l("Confirmez votre adresse email")), body)
    return True


def verify_email(token):
    """Mark the address as verified from the link sent to it (only while it is still the account's)."""
    try:
        data = _email_serializer().loads(token, max_age=EMAIL_LINK_AGE)
    except SignatureExpired:
        raise Invalid(_l("Ce lien a expiré. Demandez-en un nouveau."), {"token": "expired"}) from None
    except BadSignature:
        raise Invalid(_l("Ce lien n'est pas valide."), {"token": "invalid"}) from None
    if not isinstance(data, dict):
        raise Invalid(_l("Ce lien n'est pas valide."), {"token": "invalid"})
    user = db.session.scalar(select(User).where(User.public_id == str(data.get("u"))[:16]))
    if (user is None or not user.email or user.status != UserStatus.ACTIVE
            or not hmac.compare_digest(str(data.get("e")), _keyed(user.email)[:16])):
        raise Invalid(_l("Ce lien n'est plus valable."), {"token": "stale"})
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
        log.info("account %s verified its email", user.public_id)
    return user


# --- profile -----------------------------------------------------------------------------------

def update_profile(user, *, name, city=None, locale=None):
    user.name = _clean_name(name)
    user.city = _city(city)
    if locale in ("fr", "en"):
        user.locale = locale
    db.session.commit()
    return user


# --- second factor settings --------------------------------------------------------------------

def new_totp_secret():
    return pyotp.random_base32()


def totp_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email or user.phone, issuer_name="Vidé-Grenier Kamer")


def start_totp_setup(user):
    """A new authenticator secret, kept on the account row until confirmed; returns the opaque
    reference the browser keeps (the secret itself never goes into the signed, readable cookie)."""
    require_recent_authentication(user)
    ref = secrets.token_urlsafe(24)
    user.totp_pending_secret = new_totp_secret()
    user.totp_pending_ref = _keyed(ref)
    user.totp_pending_at = utcnow()
    db.session.commit()
    return ref


def pending_totp_secret(user, ref):
    """The secret being set up under this reference, or None (unknown, stale or replaced)."""
    if not ref or not user.totp_pending_secret or not user.totp_pending_ref or user.totp_pending_at is None:
        return None
    if utcnow() - user.totp_pending_at > TOTP_SETUP_AGE:
        return None
    if not hmac.compare_digest(user.totp_pending_ref, _keyed(str(ref)[:64])):
        return None
    return user.totp_pending_secret


def enable_totp(user, ref, code):
    """Turn on the authenticator app once it proved it shares the pending secret; returns recovery codes."""
    require_recent_authentication(user)
    secret = pending_totp_secret(user, ref)
    if not secret:
        raise Invalid(_l("Recommencez la configuration de l'application."), {"code": "no_secret"})
    candidate = pyotp.TOTP(secret)
    now = totp_clock()
    if not candidate.verify((code or "").strip(), for_time=now, valid_window=1):
        raise Invalid(_l("Code incorrect."), {"code": "wrong"})
    user.totp_secret = secret
    user.totp_last_counter = candidate.timecode(now)
    user.two_factor = TwoFactor.TOTP
    user.totp_pending_secret = user.totp_pending_ref = user.totp_pending_at = None
    db.session.commit()
    return regenerate_recovery_codes(user)


def enable_code_factor(user, method):
    """SMS or email codes as the second factor (the channel must be verified)."""
    require_recent_authentication(user)
    if method == TwoFactor.SMS and not user.phone_verified:
        raise Invalid(_l("Vérifiez d'abord votre numéro de téléphone."), {"method": "phone_unverified"})
    if method == TwoFactor.EMAIL and not user.email:
        raise Invalid(_l("Ajoutez d'abord une adresse email."), {"method": "no_email"})
    if method == TwoFactor.EMAIL and user.email_verified_at is None:
        raise Invalid(_l("Vérifiez d'abord votre adresse email."), {"method": "email_unverified"})
    if method not in (TwoFactor.SMS, TwoFactor.EMAIL):
        raise Invalid(_l("Méthode inconnue."), {"method": "unknown"})
    user.two_factor = method
    user.totp_secret = None
    db.session.commit()
    codes = regenerate_recovery_codes(user) if not has_recovery_codes(user) else None
    return codes


def disable_two_factor(user):
    if user.needs_two_factor:
        raise Forbidden(_l("La double authentification est obligatoire pour ce compte."))
    require_recent_authentication(user)
    user.two_factor = None
    user.totp_secret = None
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    db.session.commit()


def has_recovery_codes(user):
    return bool(db.session.scalar(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ))


def renew_recovery_codes(user):
    """The person asks for new recovery codes: needs a recent authentication."""
    require_recent_authentication(user)
    return regenerate_recovery_codes(user)


def regenerate_recovery_codes(user):
    """New single-use recovery codes (shown once; only their keyed hashes are kept)."""
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_keyed(raw)))
    db.session.commit()
    return codes


# --- staff PIN and shared tablets --------------------------------------------------------------

def set_pin(user, pin, current_pin=None, require_current=False):
    """Choose a tablet PIN. Changing it from a tablet unlocked by PIN needs the current PIN:
    whoever finds an unlocked tablet must not be able to take the account over."""
    if require_current and user.pin_hash:
        if not check_password_hash(user.pin_hash, (current_pin or "").strip()):
            raise Invalid(_l("Code PIN actuel incorrect."), {"current_pin": "wrong"})
    pin = (pin or "").strip()
    if not (len(pin) == 6 and pin.isdigit()):
        raise Invalid(_l("Le code PIN doit compter 6 chiffres."), {"pin": "format"})
    if len(set(pin)) == 1 or pin in ("123456", "654321", "012345"):
        raise Invalid(_l("Ce code PIN est trop facile à deviner."), {"pin": "weak"})
    user.pin_hash = generate_password_hash(pin)
    user.pin_failures = 0
    user.pin_locked_until = None
    db.session.commit()


def enroll_device(user, raw_token=None):
    """Remember this tablet for the staff member who just fully signed in; returns its token."""
    if user.role != Role.STAFF or user.pickup_point_id is None:
        raise Forbidden(_l("Réservé au personnel d'un point relais."))
    device = device_for_token(raw_token) if raw_token else None
    if device is None or device.pickup_point_id != user.pickup_point_id:
        raw_token = secrets.token_urlsafe(32)
        device = StaffDevice(token_hash=_keyed(raw_token), pickup_point_id=user.pickup_point_id)
        db.session.add(device)
    # By id: User equality is UserMixin's (get_id(), the sign-in session), None for users loaded
    # without a session, so `user in device.users` wrongly matched any such member.
    if all(member.id != user.id for member in device.users):
        device.users.append(user)
    device.last_used_at = utcnow()
    db.session.commit()
    return raw_token


def device_for_token(raw_token):
    if not raw_token or len(raw_token) > 100:
        return None
    device = db.session.scalar(select(StaffDevice).where(StaffDevice.token_hash == _keyed(raw_token)))
    if device is None or device.revoked_at is not None:
        return None
    return device


def unlock_with_pin(device, user_public_id, pin):
    """A staff member known on this tablet unlocks it with their PIN (5 tries, then locked)."""
    now = utcnow()
    user = next((u for u in device.users if u.public_id == user_public_id), None)
    if user is None or user.status != UserStatus.ACTIVE or user.pickup_point_id != device.pickup_point_id:
        raise Invalid(_l("Choisissez votre nom dans la liste."), {"user": "unknown"})
    if user.pin_locked_until and user.pin_locked_until > now:
        raise RateLimited(_l("Trop d'essais. Connectez-vous avec votre mot de passe ou patientez."))
    if not user.pin_hash or not check_password_hash(user.pin_hash, (pin or "").strip()):
        user.pin_failures += 1
        if user.pin_failures >= MAX_FAILURES:
            user.pin_locked_until = now + LOCK_TIME
            user.pin_failures = 0
        db.session.commit()
        raise Invalid(_l("Code PIN incorrect."), {"pin": "wrong"})
    user.pin_failures = 0
    device.last_used_at = now
    db.session.commit()
    return user


# --- Google accounts ---------------------------------------------------------------------------

def _google_name(claims, email):
    """The name Google gives, else the address's local part; never refused for being short."""
    for candidate in (claims.get("name"), email.split("@")[0]):
        try:
            return _clean_name(candidate)
        except Invalid:
            continue
    return str(_l("Client Google"))


def sign_in_with_google(claims):
    """The account for verified Google identity claims: by Google id, else by verified email, else new."""
    subject = str(claims.get("sub") or "")
    email = normalize_email(claims.get("email"))
    if not subject:
        raise Invalid(_l("Réponse de Google incomplète."), {"google": "no_subject"})
    user = db.session.scalar(select(User).where(User.google_sub == subject))
    if user is None and email:
        if not claims.get("email_verified"):
            raise Invalid(_l("Votre adresse Google n'est pas vérifiée."), {"google": "email_unverified"})
        _release_abandoned_sign_ups(None, email)  # a sign-up never verified nor used does not hold the address
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None:
            if user.email_verified_at is None:
                # Whoever typed this address at sign-up never proved it theirs: linking now would
                # hand the Google user an account someone else may have prepared (pre-hijacking).
                log.warning("Google sign-in for account %s refused: its email is not verified", user.public_id)
                raise Conflict(_l(
                    "Un compte existe déjà avec cette adresse email, mais elle n'est pas encore vérifiée. "
                    "Connectez-vous avec votre mot de passe et vérifiez votre adresse email : vous pourrez "
                    "ensuite utiliser Google."
                ), {"google": "account_email_unverified"})
            user.google_sub = subject
    if user is None:
        if not email or not claims.get("email_verified"):
            raise Invalid(_l("Votre adresse Google n'est pas vérifiée."), {"google": "email_unverified"})
        user = User(
            name=_google_name(claims, email),
            email=email,
            email_verified_at=utcnow(),
            google_sub=subject,
            role=Role.CLIENT,
            locale="en" if str(claims.get("locale", "")).startswith("en") else "fr",
        )
        db.session.add(user)
    db.session.commit()
    _check_can_sign_in(user)
    return user


# --- administration and account states ---------------------------------------------------------

def _check_not_self(user, acting_user, message):
    """An administrator may not lock themselves out (suspend or demote their own account)."""
    if acting_user is not None and acting_user.id == user.id:
        raise Invalid(message, {"user": "self"})


def set_role(user, role, pickup_point_id=None, *, acting_user=None):
    if role not in Role.ALL:
        raise Invalid(_l("Rôle inconnu."), {"role": "unknown"})
    if role != user.role:
        _check_not_self(user, acting_user, _l("Vous ne pouvez pas changer votre propre rôle."))
    if role == Role.STAFF:
        point = db.session.get(PickupPoint, _int_or_zero(pickup_point_id))
        if point is None:
            raise Invalid(_l("Choisissez le point relais du membre du personnel."), {"pickup_point": "required"})
        user.pickup_point = point
    else:
        user.pickup_point = None
    user.role = role
    db.session.commit()
    return user


def suspend(user, *, acting_user=None):
    _check_not_self(user, acting_user, _l("Vous ne pouvez pas suspendre votre propre compte."))
    if user.status == UserStatus.DELETED:
        raise Conflict(_l("Ce compte a été supprimé."))
    user.status = UserStatus.SUSPENDED
    db.session.commit()
    sessions.revoke_all(user)
    return user


def reinstate(user):
    if user.status != UserStatus.SUSPENDED:
        raise Conflict(_l("Ce compte n'est pas suspendu."))
    user.status = UserStatus.ACTIVE
    db.session.commit()
    return user


def delete_account(user):
    """Erase personal data; the row stays so that orders keep an (anonymous) party."""
    sessions.revoke_all(user)
    for product in db.session.scalars(select(Product).where(Product.seller_id == user.id)):
        if product.status not in (ProductStatus.SOLD,):
            product.status = ProductStatus.ARCHIVED
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    # The codes sent to this person name their phone or email (destination): erase those too.
    db.session.query(OneTimeCode).filter(OneTimeCode.user_id == user.id).delete()
    user.name = str(_l("Compte supprimé"))
    user.email = None
    user.phone = None
    user.password_hash = None
    user.google_sub = None
    user.totp_secret = None
    user.pin_hash = None
    user.two_factor = None
    user.city = None
    user.status = UserStatus.DELETED
    user.deleted_at = utcnow()
    db.session.commit()
    log.info("account %s deleted and anonymised", user.public_id)
    return user
