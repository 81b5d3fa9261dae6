"""The fields of a listing, checked: title, description, price, quantity, negotiable, condition, category
and city — and what a listing needs before it may be submitted for moderation."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import Category, City, Condition, Product
from vgk.services.paging import parse_int
from vgk.text import Message

M = TypeVar("M", Category, City)

TITLE_MIN, TITLE_MAX = 5, 120
DESCRIPTION_MAX = 5000
PRICE_MIN, PRICE_MAX = 100, 1_000_000_000
QUANTITY_MIN, QUANTITY_MAX = 1, 99
FIELDS = ("title", "description", "price", "negotiable", "condition", "category", "city", "quantity")


# --- validation --------------------------------------------------------------------------------

def _int(value: object, name: str, low: int, high: int, message: Message) -> int:
    number = parse_int(str(value).replace(" ", "").replace("\u202f", ""))
    if number is None or not low <= number <= high:
        raise Invalid(message, {name: message})
    return number


def _by_id_or_slug(model: type[M], value: object, slug_max: int) -> M | None:
    """The category or city named by its id (an int) or else by its slug; None when there is none."""
    if isinstance(value, int):
        return db.session.scalar(select(model).where(model.id == value))
    return db.session.scalar(select(model).where(model.slug == str(value or "")[:slug_max]))


def _category(value: object) -> Category:
    category = value if isinstance(value, Category) else _by_id_or_slug(Category, value, 80)
    message = _l("Choisissez une catégorie précise.")
    if category is None or category.children:
        raise Invalid(message, {"category": message})
    if category.retired_at is not None or (category.parent is not None and category.parent.retired_at is not None):
        message = _l("Cette catégorie n'est plus proposée : choisissez-en une autre.")
        raise Invalid(message, {"category": message})
    return category


def _city(value: object) -> City:
    if isinstance(value, City):
        return value
    city = _by_id_or_slug(City, value, 60)
    if city is None:
        message = _l("Choisissez une ville.")
        raise Invalid(message, {"city": message})
    return city


def _title(value: object) -> str:
    title = " ".join(str(value or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        message = _l("Le titre doit faire entre %(low)d et %(high)d caractères.", low=TITLE_MIN, high=TITLE_MAX)
        raise Invalid(message, {"title": message})
    return title


def _description(value: object) -> str:
    description = str(value or "").strip().replace("\r\n", "\n")
    if len(description) > DESCRIPTION_MAX:
        message = _l("La description ne doit pas dépasser %(high)d caractères.", high=DESCRIPTION_MAX)
        raise Invalid(message, {"description": message})
    return description


def _price(value: object) -> int:
    return _int(value, "price", PRICE_MIN, PRICE_MAX,
                _l("Le prix doit être un nombre entier entre 100 et 1 000 000 000 FCFA."))


def _quantity(value: object) -> int:
    return _int(value, "quantity", QUANTITY_MIN, QUANTITY_MAX, _l("La quantité doit être entre 1 et 99."))


def _condition(value: object) -> str:
    if value not in Condition.ALL:
        message = _l("Choisissez l'état de l'article.")
        raise Invalid(message, {"condition": message})
    return str(value)


# Each field's check, in the order the fields are checked.
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "title": _title,
    "description": _description,
    "price": _price,
    "quantity": _quantity,
    "negotiable": bool,
    "condition": _condition,
    "category": _category,
    "city": _city,
}


def clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Checked values for the given fields (only those present); raises Invalid on the first bad one."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise Invalid(_l("Champ inconnu."), {name: "unknown" for name in unknown})
    return {name: check(fields[name]) for name, check in _CHECKS.items() if name in fields}


def check_ready(product: Product) -> None:
    """Everything moderation needs before the listing may be submitted."""
    if not product.seller.phone_verified:
        raise Invalid(_l("Vérifiez votre numéro de téléphone avant de publier une annonce."),
                      {"phone": "unverified"})
    if not product.images:
        message = _l("Ajoutez au moins une photo.")
        raise Invalid(message, {"photos": message})
    clean({name: getattr(product, name) for name in FIELDS})
