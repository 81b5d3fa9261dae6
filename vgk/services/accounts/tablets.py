"""Shared tablets at pickup points: a staff member's tablet PIN, the tablets remembered after one
full sign-in, and unlocking a tablet with the PIN."""
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from vgk.errors import Forbidden, Invalid, RateLimited
from vgk.extensions import db
from vgk.models import Role, StaffDevice, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts.people import keyed
from vgk.services.accounts.signin import LOCK_TIME, MAX_FAILURES


def set_pin(user: User, pin: str | None, current_pin: str | None = None, require_current: bool = False) -> None:
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


def enroll_device(user: User, raw_token: str | None = None) -> str:
    """Remember this tablet for the staff member who just fully signed in; returns its token."""
    if user.role != Role.STAFF or user.pickup_point_id is None:
        raise Forbidden(_l("Réservé au personnel d'un point relais."))
    device = device_for_token(raw_token) if raw_token else None
    if raw_token is None or device is None or device.pickup_point_id != user.pickup_point_id:
        raw_token = secrets.token_urlsafe(32)
        device = StaffDevice(token_hash=keyed(raw_token), pickup_point_id=user.pickup_point_id)
        db.session.add(device)
    # By id: User equality is UserMixin's (get_id(), the sign-in session), None for users loaded
    # without a session, so `user in device.users` wrongly matched any such member.
    if all(member.id != user.id for member in device.users):
        device.users.append(user)
    device.last_used_at = utcnow()
    db.session.commit()
    return raw_token


def device_for_token(raw_token: str | None) -> StaffDevice | None:
    """The tablet remembered under this token, unless revoked."""
    if not raw_token or len(raw_token) > 100:
        return None
    device = db.session.scalar(select(StaffDevice).where(StaffDevice.token_hash == keyed(raw_token)))
    if device is None or device.revoked_at is not None:
        return None
    return device


def unlock_with_pin(device: StaffDevice, user_public_id: str | None, pin: str | None) -> User:
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
