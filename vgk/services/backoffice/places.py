"""The reference data the administration edits: cities (home delivery fee), pickup points and the
category tree (its order among siblings, retiring and restoring a category). Each change validates
(Invalid with fields) and commits with its audit entry (the admin who made it, the values before and after,
the request's IP).
"""
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import Category, City, PickupPoint, User
from vgk.models.base import utcnow
from vgk.services.backoffice import audit
from vgk.text import Message

MAX_FEE = 100_000
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
INVALID_FEE = _l("Frais de livraison invalides : un montant entier en FCFA (ou vide).")
M = TypeVar("M", City, Category)


def _text(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


# --- cities -------------------------------------------------------------------------------------

def cities() -> Sequence[City]:
    return db.session.scalars(
        select(City).options(selectinload(City.pickup_points)).order_by(City.position, City.name)
    ).all()


def _id(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None  # a database integer id


def _get(model: type[M], value: object) -> M | None:
    """The row of `model` whose id `value` names, or None (also when it names no possible id)."""
    row_id = _id(value)
    return db.session.get(model, row_id) if row_id is not None else None


def city_by_id(city_id: object) -> City:
    city = _get(City, city_id)
    if city is None:
        raise NotFound(_l("Ville introuvable."))
    return city


def parse_fee(value: object) -> int | None:
    """A fee typed by the admin: empty -> None (no home delivery); else a whole number of XAF."""
    text = "".join(str(value or "").split()).replace(".", "")
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_FEE:
        raise Invalid(INVALID_FEE, {"delivery_fee": "invalid"})
    return int(text)


def set_delivery_fee(admin: User, city: City, fee: int | None, ip: str = "") -> City:
    """Set the home delivery fee (int XAF) or None for no home delivery in that city; audited as
    city.delivery_fee."""
    if fee is not None and (not isinstance(fee, int) or isinstance(fee, bool) or not 0 <= fee <= MAX_FEE):
        raise Invalid(INVALID_FEE, {"delivery_fee": "invalid"})
    before = {"delivery_fee": city.delivery_fee}
    city.delivery_fee = fee
    audit.record(admin, "city.delivery_fee", "city", city.id, before, {"delivery_fee": city.delivery_fee}, ip)
    db.session.commit()
    return city


# --- pickup points ------------------------------------------------------------------------------

POINT_FIELDS = ("city_id", "name", "address", "opening_hours", "phone", "is_active")


def points() -> Sequence[PickupPoint]:
    return db.session.scalars(
        select(PickupPoint).join(City, PickupPoint.city_id == City.id)
        .options(selectinload(PickupPoint.city)).order_by(City.name, PickupPoint.name)
    ).all()


def point_by_public_id(public_id: object) -> PickupPoint:
    point = db.session.scalar(select(PickupPoint).where(PickupPoint.public_id == str(public_id or "")[:16]))
    if point is None:
        raise NotFound(_l("Point relais introuvable."))
    return point


def snapshot(point: PickupPoint) -> dict[str, Any]:
    return {name: getattr(point, name) for name in POINT_FIELDS}


def _point_values(city_id: object, name: object, address: object, opening_hours: object,
                  phone: object) -> dict[str, Any]:
    from vgk.services.accounts.people import normalize_phone

    errors: dict[str, Message] = {}
    city = _get(City, city_id)
    if city is None:
        errors["city"] = _l("Choisissez une ville.")
    clean_name, clean_address = _text(name, 120), _text(address, 255)
    if len(clean_name) < 3:
        errors["name"] = _l("Le nom doit faire au moins 3 caractères.")
    if len(clean_address) < 5:
        errors["address"] = _l("Indiquez l'adresse (au moins 5 caractères).")
    number = _text(phone, 20)
    if number:
        try:
            number = normalize_phone(number)
        except Invalid:
            errors["phone"] = _l("Numéro de téléphone invalide.")
    if errors or city is None:
        raise Invalid(_l("Vérifiez les champs du point relais."), errors)
    return {"city_id": city.id, "name": clean_name, "address": clean_address,
            "opening_hours": _text(opening_hours, 255), "phone": number}


def create_point(admin: User, city_id: object, name: str, address: str, opening_hours: str = "", phone: str = "",
                 ip: str = "") -> PickupPoint:
    """A new pickup point; audited as point.create."""
    values = _point_values(city_id, name, address, opening_hours, phone)
    point = PickupPoint(**values)
    db.session.add(point)
    db.session.flush()
    audit.record(admin, "point.create", "pickup_point", point.public_id, {}, snapshot(point), ip)
    db.session.commit()
    return point


def update_point(admin: User, point: PickupPoint, city_id: object, name: str, address: str, opening_hours: str = "",
                 phone: str = "", ip: str = "") -> PickupPoint:
    """Change a pickup point's city, name, address, hours or phone; audited as point.update."""
    values = _point_values(city_id, name, address, opening_hours, phone)
    before = snapshot(point)
    for key, value in values.items():
        setattr(point, key, value)
    audit.record(admin, "point.update", "pickup_point", point.public_id, before, snapshot(point), ip)
    db.session.commit()
    return point


def deactivate_point(admin: User, point: PickupPoint, ip: str = "") -> PickupPoint:
    """Stop offering the point at checkout (orders and staff keep their link); audited as point.deactivate."""
    if not point.is_active:
        raise Conflict(_l("Ce point relais est déjà désactivé."))
    before = snapshot(point)
    point.is_active = False
    audit.record(admin, "point.deactivate", "pickup_point", point.public_id, before, snapshot(point), ip)
    db.session.commit()
    return point


# --- categories ---------------------------------------------------------------------------------

CATEGORY_FIELDS = ("parent_id", "slug", "name_fr", "name_en")


def categories() -> list[tuple[Category, int]]:
    """Every category, parents first then their children (a flat list of (category, depth))."""
    every = db.session.scalars(select(Category).order_by(Category.position, Category.slug)).all()
    children: dict[int | None, list[Category]] = {}
    for category in every:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[Category, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in children.get(parent_id, []):
            ordered.append((category, depth))
            if depth < 5:
                walk(category.id, depth + 1)

    walk(None, 0)
    return ordered


def category_by_id(category_id: object) -> Category:
    category = _get(Category, category_id)
    if category is None:
        raise NotFound(_l("Catégorie introuvable."))
    return category


def category_snapshot(category: Category) -> dict[str, Any]:
    return {name: getattr(category, name) for name in CATEGORY_FIELDS}


def _names(name_fr: object, name_en: object, errors: dict[str, Message]) -> tuple[str, str]:
    french, english = _text(name_fr, 120), _text(name_en, 120)
    if len(french) < 2:
        errors["name_fr"] = _l("Indiquez le nom en français.")
    if len(english) < 2:
        errors["name_en"] = _l("Indiquez le nom en anglais.")
    return french, english


def create_category(admin: User, slug: str, name_fr: str, name_en: str, parent_id: object = None,
                    ip: str = "") -> Category:
    """A new category, at the top or under `parent_id`; audited as category.create."""
    errors: dict[str, Message] = {}
    clean_slug = str(slug or "").strip().lower()[:80]
    if not _SLUG.fullmatch(clean_slug):
        errors["slug"] = _l("Identifiant invalide : lettres minuscules, chiffres et tirets.")
    elif db.session.scalar(select(func.count(Category.id)).where(Category.slug == clean_slug)):
        errors["slug"] = _l("Cet identifiant est déjà utilisé.")
    french, english = _names(name_fr, name_en, errors)
    parent = None
    if parent_id not in (None, ""):
        parent = _get(Category, parent_id)
        if parent is None:
            errors["parent"] = _l("Catégorie parente introuvable.")
    if errors:
        raise Invalid(_l("Vérifiez les champs de la catégorie."), errors)
    category = Category(slug=clean_slug, name_fr=french, name_en=english, parent=parent)
    db.session.add(category)
    db.session.flush()
    audit.record(admin, "category.create", "category", category.id, {}, category_snapshot(category), ip)
    db.session.commit()
    return category


def rename_category(admin: User, category: Category, name_fr: str, name_en: str, ip: str = "") -> Category:
    """Rename a category in French and English; audited as category.rename."""
    errors: dict[str, Message] = {}
    french, english = _names(name_fr, name_en, errors)
    if errors:
        raise Invalid(_l("Vérifiez les champs de la catégorie."), errors)
    before = category_snapshot(category)
    category.name_fr, category.name_en = french, english
    audit.record(admin, "category.rename", "category", category.id, before, category_snapshot(category), ip)
    db.session.commit()
    return category


def move_category(admin: User, category: Category, step: int, ip: str = "") -> Category:
    """Move a category one place up (step -1) or down (+1) among its siblings, in the order visitors see
    (position, then slug); the siblings are numbered afresh. Audited as category.move (its position)."""
    if step not in (-1, 1):
        raise Invalid(_l("Déplacement invalide."), {"direction": "invalid"})
    siblings = list(db.session.scalars(
        select(Category).where(Category.parent_id.is_(None) if category.parent_id is None
                               else Category.parent_id == category.parent_id)
        .order_by(Category.position, Category.slug)
    ))
    index = siblings.index(category)
    if not 0 <= index + step < len(siblings):
        raise Conflict(_l("Cette catégorie est déjà en première ou dernière place."))
    siblings[index], siblings[index + step] = siblings[index + step], siblings[index]
    before = {"position": category.position}
    for number, sibling in enumerate(siblings):
        sibling.position = number
    audit.record(admin, "category.move", "category", category.id, before, {"position": category.position}, ip)
    db.session.commit()
    return category


def set_retired(admin: User, category: Category, retired: bool, ip: str = "") -> Category:
    """Retire a category (no longer offered in the menus nor the listing form, with its subcategories; its
    listings keep it and stay visible) or restore it. Audited as category.retire / category.restore."""
    if (category.retired_at is not None) == retired:
        raise Conflict(_l("Cette catégorie est déjà retirée.") if retired
                       else _l("Cette catégorie est déjà en service."))
    category.retired_at = utcnow() if retired else None
    audit.record(admin, "category.retire" if retired else "category.restore", "category", category.id,
                 {"retired": not retired}, {"retired": retired}, ip)
    db.session.commit()
    return category
