"""Second factor settings: the authenticator app (TOTP), codes by SMS or email, and the single-use
recovery codes. Each change needs a recent authentication in the session."""
import hmac
import secrets
from datetime import timedelta

import pyotp
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from vgk.errors import Forbidden, Invalid
from vgk.extensions import db
from vgk.models import RecoveryCode, TwoFactor, User
from vgk.models.base import utcnow
from vgk.services.accounts import signin
from vgk.services.accounts.people import keyed
from vgk.services.accounts.signin import require_recent_authentication

TOTP_SETUP_AGE = timedelta(minutes=30)
RECOVERY_CODES = 10


def new_totp_secret() -> str:
    """A fresh authenticator secret (base32)."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// address the authenticator app reads (as a QR code) to add this account."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email or user.phone, issuer_name="Vidé-Grenier Kamer")


def start_totp_setup(user: User) -> str:
    """A new authenticator secret, kept on the account row until confirmed; returns the opaque
    reference the browser keeps (the secret itself never goes into the signed, readable cookie)."""
    require_recent_authentication(user)
    ref = secrets.token_urlsafe(24)
    user.totp_pending_secret = new_totp_secret()
    user.totp_pending_ref = keyed(ref)
    user.totp_pending_at = utcnow()
    db.session.commit()
    return ref


def pending_totp_secret(user: User, ref: str | None) -> str | None:
    """The secret being set up under this reference, or None (unknown, stale or replaced)."""
    if not ref or not user.totp_pending_secret or not user.totp_pending_ref or user.totp_pending_at is None:
        return None
    if utcnow() - user.totp_pending_at > TOTP_SETUP_AGE:
        return None
    if not hmac.compare_digest(user.totp_pending_ref, keyed(str(ref)[:64])):
        return None
    return user.totp_pending_secret


def enable_totp(user: User, ref: str | None, code: str | None) -> list[str]:
    """Turn on the authenticator app once it proved it shares the pending secret; returns recovery codes."""
    require_recent_authentication(user)
    secret = pending_totp_secret(user, ref)
    if not secret:
        raise Invalid(_l("Recommencez la configuration de l'application."), {"code": "no_secret"})
    candidate = pyotp.TOTP(secret)
    now = signin.totp_clock()
    if not candidate.verify((code or "").strip(), for_time=now, valid_window=1):
        raise Invalid(_l("Code incorrect."), {"code": "wrong"})
    user.totp_secret = secret
    user.totp_last_counter = candidate.timecode(now)
    user.two_factor = TwoFactor.TOTP
    user.totp_pending_secret = user.totp_pending_ref = user.totp_pending_at = None
    db.session.commit()
    return regenerate_recovery_codes(user)


def enable_code_factor(user: User, method: str | None) -> list[str] | None:
    """SMS or email codes as the second factor (the channel must be verified); returns recovery
    codes when the account had none left."""
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


def disable_two_factor(user: User) -> None:
    """Turn the second factor off (never for staff and admins, who must keep one)."""
    if user.needs_two_factor:
        raise Forbidden(_l("La double authentification est obligatoire pour ce compte."))
    require_recent_authentication(user)
    user.two_factor = None
    user.totp_secret = None
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    db.session.commit()


def has_recovery_codes(user: User) -> bool:
    """Whether the account has recovery codes not used yet."""
    return bool(db.session.scalar(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ))


def renew_recovery_codes(user: User) -> list[str]:
    """The person asks for new recovery codes: needs a recent authentication."""
    require_recent_authentication(user)
    return regenerate_recovery_codes(user)


def regenerate_recovery_codes(user: User) -> list[str]:
    """New single-use recovery codes (shown once; only their keyed hashes are kept)."""
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=keyed(raw)))
    db.session.commit()
    return codes
