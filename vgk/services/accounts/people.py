"""What an account is made of and how it is found: Cameroonian phone numbers, email addresses,
names, cities and password strength, checked the same way on every form and in the app; the
lookups of an account by public id or by what its person types (email or phone)."""
import hashlib
import hmac
from typing import Any

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from vgk.errors import Invalid, NotFound
from vgk.extensions import db
from vgk.models import City, User

MIN_PASSWORD = 8
COMMON_PASSWORDS = {
    "password", "motdepasse", "12345678", "123456789", "1234567890", "azertyui", "azertyuiop",
    "qwertyui", "qwertyuiop", "00000000", "11111111", "iloveyou", "cameroun", "cameroon", "douala237",
}


def normalize_phone(raw: str | None) -> str:
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


def format_phone(e164: str | None) -> str:
    """+237690000001 -> '+237 690 00 00 01', as Cameroonians write it; other numbers in the international
    format."""
    if not e164:
        return ""
    digits = e164[4:] if e164.startswith("+237") else ""
    if len(digits) == 9 and digits.isdigit():
        return f"+237 {digits[:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}"
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def normalize_email(raw: str | None, required: bool = False) -> str | None:
    """The address in lower case, None when left empty (Invalid when `required`), Invalid when malformed."""
    email = (raw or "").strip().lower()
    if not email:
        if required:
            raise Invalid(_l("Indiquez une adresse email."), {"email": "required"})
        return None
    local, _, domain = email.partition("@")
    if len(email) > 255 or not local or "." not in domain or " " in email or domain.startswith("."):
        raise Invalid(_l("Adresse email invalide."), {"email": "invalid"})
    return email


def check_password_strength(password: str | None) -> str:
    """The password when long enough and not too easy to guess, or Invalid."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise Invalid(_l("Le mot de passe doit faire au moins 8 caractères."), {"password": "too_short"})
    if len(password) > 200:
        raise Invalid(_l("Le mot de passe est trop long."), {"password": "too_long"})
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        raise Invalid(_l("Ce mot de passe est trop facile à deviner."), {"password": "common"})
    return password


def clean_name(name: str | None) -> str:
    """A person's name with its spaces tidied (120 characters at most), or Invalid when too short."""
    name = " ".join((name or "").split())
    if len(name) < 2:
        raise Invalid(_l("Indiquez votre nom."), {"name": "required"})
    return name[:120]


def find_city(city_id_or_slug: Any) -> City | None:
    """The city named by its slug or id, None when none is given, Invalid when unknown."""
    if city_id_or_slug in (None, ""):
        return None
    found = db.session.scalar(
        select(City).where((City.slug == str(city_id_or_slug)) | (City.id == int_or_zero(city_id_or_slug)))
    )
    if found is None:
        raise Invalid(_l("Ville inconnue."), {"city": "unknown"})
    return found


def int_or_zero(value: Any) -> int:
    """An id typed in a form or a query string; 0 (which names nothing) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def keyed(value: str) -> str:
    """The keyed hash (HMAC-SHA256 with SECRET_KEY) under which a secret of an account is kept."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def user_by_public_id(public_id: object) -> User:
    """The account with this public id, or NotFound."""
    user = db.session.scalar(select(User).where(User.public_id == str(public_id)[:16]))
    if user is None:
        raise NotFound(_l("Compte introuvable."))
    return user


def find_by_identifier(identifier: str | None) -> User | None:
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
