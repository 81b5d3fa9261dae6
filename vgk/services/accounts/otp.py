"""One-time codes: 6 digits, stored as a keyed hash, 10 minutes, single use, 5 tries then locked.

Sending is limited per purpose and destination (phone or email) whatever the IP: at most SEND_LIMIT
codes of one purpose in SEND_WINDOW, so a flood of requests for one number sends only a few messages.
Each purpose has its own quota: anonymous password-reset requests can never use up the sign-in codes
(sent only after the right password or Google) nor the others. Senders that anyone can trigger also
count per source IP (sent_from_source).
"""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from vgk.errors import Invalid, RateLimited
from vgk.extensions import db
from vgk.models import CodePurpose, OneTimeCode, User
from vgk.models.base import utcnow
from vgk.services.notifications import Guest, notify

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
LOCK_TIME = timedelta(minutes=15)
SEND_LIMIT = 3
SEND_WINDOW = timedelta(minutes=15)

# The message of each purpose (templates/notifications/<event>/); sent to the number or address the code
# was asked for, whatever the account's notification choices: a Guest recipient of the engine.
EVENTS = {
    CodePurpose.VERIFY_PHONE: "security.phone_code",
    CodePurpose.SIGN_IN: "security.signin_code",
    CodePurpose.REAUTH: "security.reauth_code",
    CodePurpose.RESET_PASSWORD: "security.reset_code",
}


def _hash(purpose: str, destination: str | None, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{destination}:{code}".encode(), hashlib.sha256).hexdigest()


def _latest(purpose: str, destination: str | None) -> OneTimeCode | None:
    return db.session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.purpose == purpose, OneTimeCode.destination == destination)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
        .limit(1)
    )


def _check_not_locked(purpose: str, destination: str | None, now: datetime) -> None:
    latest = _latest(purpose, destination)
    if latest is not None and latest.locked_until and latest.locked_until > now:
        raise RateLimited(_l("Trop d'essais. Réessayez dans quelques minutes."))


def _check_send_allowed(purpose: str, destination: str | None, now: datetime) -> None:
    recent = db.session.scalar(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.purpose == purpose, OneTimeCode.destination == destination,
               OneTimeCode.created_at > now - SEND_WINDOW)
    )
    if (recent or 0) >= SEND_LIMIT:
        raise RateLimited(_l("Trop de codes demandés. Patientez quelques minutes avant de réessayer."))


def check_source_allowed(purpose: str, ip: str | None, limit: int, window: timedelta) -> None:
    """Refuse (RateLimited) when `ip` already had `limit` messages of this purpose sent in `window`:
    for messages anyone can ask for, which cost an SMS or an email each, whatever the destination."""
    if not ip:
        return
    sent = db.session.scalar(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.purpose == purpose, OneTimeCode.ip == ip[:45],
               OneTimeCode.created_at > utcnow() - window)
    )
    if (sent or 0) >= limit:
        raise RateLimited(_l("Trop de demandes depuis cette connexion. Patientez avant de réessayer."))


def note_link_sent(purpose: str, destination: str | None, channel: str = "EMAIL", user: User | None = None,
                   ip: str = "") -> None:
    """Count a message that carries a link rather than a code against the same sending limit."""
    now = utcnow()
    _check_send_allowed(purpose, destination, now)
    db.session.add(
        OneTimeCode(
            purpose=purpose, channel=channel, destination=destination,
            user_id=user.id if user is not None else None, code_hash=secrets.token_hex(32),
            expires_at=now, consumed_at=now, ip=(ip or "")[:45],
        )
    )
    db.session.commit()


def issue(purpose: str, destination: str | None, channel: str = "SMS", user: User | None = None,
          ip: str = "") -> bool:
    """Create a code for the destination and send it; refuses when sending too often or when the
    account has no number (or address) to send it to."""
    if not destination:
        missing = _l("Indiquez un numéro de téléphone.") if channel == "SMS" else _l("Indiquez une adresse email.")
        raise Invalid(missing, {"destination": "missing"})
    now = utcnow()
    _check_not_locked(purpose, destination, now)
    _check_send_allowed(purpose, destination, now)
    for old in db.session.scalars(
        select(OneTimeCode).where(
            OneTimeCode.purpose == purpose,
            OneTimeCode.destination == destination,
            OneTimeCode.consumed_at.is_(None),
        )
    ):
        old.consumed_at = now
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(
        OneTimeCode(
            purpose=purpose,
            channel=channel,
            destination=destination,
            user_id=user.id if user is not None else None,
            code_hash=_hash(purpose, destination, code),
            expires_at=now + CODE_TTL,
            ip=(ip or "")[:45],
        )
    )
    send_to(destination, channel, EVENTS[purpose], {"code": code})
    db.session.commit()  # the message leaves once the code is stored
    return True


def send_to(destination: str, channel: str, event: str, context: dict[str, object]) -> None:
    """Tell the one number ("SMS") or address ("EMAIL") a code or link was asked for, in the language of the
    page that asked (through the notification engine; no commit). Security messages have no engine limit:
    the quotas above are what bound them."""
    language = str(get_locale() or "fr")[:2]
    if channel == "EMAIL":
        notify(Guest(email=destination, language=language), event, context)
    else:
        notify(Guest(phone=destination, language=language), event, context)


def verify(purpose: str, destination: str | None, code: str | None, count_wrong: bool = True) -> OneTimeCode:
    """Consume the current code for the destination if `code` matches; raise otherwise. A wrong code
    counts against the code (MAX_ATTEMPTS, then locked) unless `count_wrong` is False, for callers that
    bound the guesses themselves (a sign-in's challenge and the account's cap)."""
    now = utcnow()
    entry = _latest(purpose, destination)
    if entry is not None and entry.locked_until and entry.locked_until > now:
        raise RateLimited(_l("Trop d'essais. Réessayez dans quelques minutes."))
    if entry is None or entry.consumed_at is not None or entry.expires_at <= now:
        raise Invalid(_l("Ce code a expiré ou a déjà servi. Demandez-en un nouveau."), {"code": "expired"})
    candidate = "".join(ch for ch in str(code or "") if ch.isdigit())[:6]
    if not hmac.compare_digest(entry.code_hash, _hash(purpose, destination, candidate)):
        if not count_wrong:
            raise Invalid(_l("Code incorrect."), {"code": "wrong"})
        entry.attempts += 1
        if entry.attempts >= MAX_ATTEMPTS:
            entry.locked_until = now + LOCK_TIME
            entry.consumed_at = now
        db.session.commit()
        raise Invalid(_l("Code incorrect."), {"code": "wrong"})
    entry.consumed_at = now
    db.session.commit()
    return entry
