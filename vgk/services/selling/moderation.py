"""Moderation of listings: the automatic flags computed at submission, the queue of products waiting
for a decision, and the admin's approval or rejection (audited; the seller is told through the notification engine).

Flag codes (stored space-separated in Product.moderation_flags):
  contact          a phone number, an email or a WhatsApp mention in the title or description
  payment          payment outside the platform (Orange Money, MoMo, "envoyez l'argent", USSD codes)
  banned_word      a prohibited item named in the text (config BANNED_WORDS)
  price_outlier    far from the median price of active products of the same category
  duplicate_photo  a photo identical (same perceptual digest) to one of another seller's products
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from vgk.database import locked_awaiting
from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import Product, ProductImage, ProductStatus, User
from vgk.models.base import utcnow
from vgk.services.backoffice import audit, settings
from vgk.services.catalogue import alerts
from vgk.services.notifications import notify
from vgk.services.paging import Page, paginate
from vgk.text import normalize

log = logging.getLogger(__name__)

FLAGS = ("contact", "payment", "banned_word", "price_outlier", "duplicate_photo")
# French explanations shown to admins (badge titles).
EXPLANATIONS = {
    "contact": _l("Coordonnées dans le texte (téléphone, email ou WhatsApp) : la vente doit passer par la plateforme."),
    "payment": _l("Paiement hors plateforme demandé (Orange Money, MoMo, transfert, code USSD)."),
    "banned_word": _l("Article interdit mentionné (arme, drogue, contrefaçon, espèce protégée…)."),
    "price_outlier": _l("Prix très éloigné du prix médian de la catégorie (moins d'un quart ou plus de quatre fois)."),
    "duplicate_photo": _l("Une photo est identique à celle de l'annonce d'un autre vendeur."),
}
LABELS = {
    "contact": _l("Coordonnées"),
    "payment": _l("Paiement externe"),
    "banned_word": _l("Article interdit"),
    "price_outlier": _l("Prix anormal"),
    "duplicate_photo": _l("Photo dupliquée"),
}
MIN_REASON, MAX_REASON = 3, 500
OUTLIER_MIN_PRODUCTS = 5
OUTLIER_FACTOR = 4

_SEP = r"[\s.\-/]*"
_PHONE = re.compile(
    r"(?:(?:\+|00)\s*237" + _SEP + r")?"  # country code
    r"(?<!\d)[26]" + r"(?:" + _SEP + r"\d){8}(?!\d)"
)
_INTL_PHONE = re.compile(r"(?:\+|00)\s*237(?:" + _SEP + r"\d){8,9}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMAIL_WORDS = re.compile(r"\b[\w.+-]+\s*(?:\(at\)|\[at\]|arobase)\s*[\w-]+\s*(?:\.|point|\(dot\)|\[dot\])\s*\w+", re.I)
_CONTACT_WORDS = ("whatsapp", "whatsap", "watsap", "watsapp", "wathsapp", "wa me", "telegram", "mon numero",
                  "mon email", "mon mail", "appelez moi au", "appelle moi au")
_PAYMENT_WORDS = ("orange money", "om money", "momo", "mobile money", "mtn money", "express union",
                  "envoyez l argent", "envoyer l argent", "envoie l argent", "envoyez moi l argent",
                  "transfert", "transferer", "transferez", "paiement d avance", "payer d avance", "payez d avance")
_USSD = re.compile(r"[#*]\d{2,4}(?:[*#]\d*)*#")


@lru_cache(maxsize=64)
def _padded_phrases(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The phrases as compared: normalized once, not at every check."""
    return tuple(f" {found} " for found in (normalize(p) for p in phrases) if found)


def _has_phrase(normalized: str, phrases: Iterable[str]) -> bool:
    padded = f" {normalized} "
    return any(phrase in padded for phrase in _padded_phrases(tuple(phrases)))


def _text(product: Product) -> str:
    return f"{product.title or ''}\n{product.description or ''}"


def _contact(product: Product) -> bool:
    return _contact_in(_text(product))


def _contact_in(raw: str) -> bool:
    if _EMAIL.search(raw) or _EMAIL_WORDS.search(raw) or _INTL_PHONE.search(raw):
        return True
    for match in _PHONE.finditer(raw):
        digits = re.sub(r"\D", "", match.group(0))[-9:]
        if digits[0] == "6" and digits[1] in "256789" or digits[:2] in ("22", "23", "24"):
            return True
    return _has_phrase(normalize(raw), _CONTACT_WORDS)


def _payment(product: Product) -> bool:
    return _payment_in(_text(product))


def _payment_in(raw: str) -> bool:
    return bool(_USSD.search(raw)) or _has_phrase(normalize(raw), _PAYMENT_WORDS)


def _banned_word(product: Product) -> bool:
    return _banned_word_in(_text(product))


def _banned_word_in(raw: str) -> bool:
    return _has_phrase(normalize(raw), settings.banned_words())


TEXT_FLAGS = ("contact", "payment", "banned_word")


def mask_contacts(raw: str) -> str:
    """The text with its phone numbers and email addresses replaced by "•••"."""
    masked = _EMAIL.sub("•••", _EMAIL_WORDS.sub("•••", raw or ""))
    return _PHONE.sub("•••", _INTL_PHONE.sub("•••", masked))


def text_flags(raw: str) -> list[str]:
    """The flags a free text earns (a chat message): contact details, payment outside the platform, a
    prohibited item — the same rules as a listing's text."""
    checks = {"contact": _contact_in, "payment": _payment_in, "banned_word": _banned_word_in}
    return [code for code in TEXT_FLAGS if checks[code](raw or "")]


def _category_id(product: Product) -> int | None:
    return product.category_id or (product.category.id if product.category is not None else None)


def category_median(category_id: int, exclude_id: int | None = None) -> float | None:
    """The median price of ACTIVE products of the category, or None below OUTLIER_MIN_PRODUCTS of them."""
    conditions = [Product.status == ProductStatus.ACTIVE, Product.category_id == category_id]
    if exclude_id is not None:
        conditions.append(Product.id != exclude_id)
    count = db.session.scalar(select(func.count(Product.id)).where(*conditions)) or 0
    if count < OUTLIER_MIN_PRODUCTS:
        return None
    middle = db.session.scalars(
        select(Product.price).where(*conditions).order_by(Product.price)
        .offset((count - 1) // 2).limit(2 - count % 2)
    ).all()
    return sum(middle) / len(middle)


def _price_outlier(product: Product) -> bool:
    category_id = _category_id(product)
    if category_id is None or product.price is None:
        return False
    median = category_median(category_id, product.id)
    if not median:
        return False
    return product.price * OUTLIER_FACTOR < median or product.price > median * OUTLIER_FACTOR


def _duplicate_photo(product: Product) -> bool:
    digests = {image.digest for image in product.images if image.digest}
    if not digests:
        return False
    seller_id = product.seller_id or (product.seller.id if product.seller is not None else None)
    query = (
        select(ProductImage.id).join(Product, Product.id == ProductImage.product_id)
        .where(ProductImage.digest.in_(digests), Product.seller_id != seller_id).limit(1)
    )
    return db.session.scalar(query) is not None


_CHECKS: dict[str, Callable[[Product], bool]] = {
    "contact": _contact,
    "payment": _payment,
    "banned_word": _banned_word,
    "price_outlier": _price_outlier,
    "duplicate_photo": _duplicate_photo,
}


def flags_for(product: Product) -> list[str]:
    """The flag codes that apply to the product (in FLAGS order); reads, never writes."""
    return [code for code in FLAGS if _CHECKS[code](product)]


def refresh_flags(product: Product) -> str:
    """Compute and store the flags on the product (no commit: the caller's transaction)."""
    product.moderation_flags = " ".join(flags_for(product))
    return product.moderation_flags


def flag_list(product: Product) -> list[str]:
    return [code for code in (product.moderation_flags or "").split() if code]


# --- the queue -----------------------------------------------------------------------------------

def pending_count() -> int:
    return db.session.scalar(select(func.count(Product.id)).where(Product.status == ProductStatus.PENDING)) or 0


def queue(page: int | None = 1, per_page: int = 20) -> Page:
    """PENDING products, the riskiest first (Product.risk_score; not yet judged: last), then the oldest
    submission first, with images and seller loaded."""
    return paginate(
        select(Product).where(Product.status == ProductStatus.PENDING)
        .order_by(func.coalesce(Product.risk_score, -1).desc(), Product.submitted_at.asc(), Product.id.asc())
        .options(selectinload(Product.images), joinedload(Product.seller), joinedload(Product.category)),
        page or 1, per_page, total=pending_count(),
    )


def for_review(public_id: object) -> Product | None:
    """One product by public id, whatever its status, with images, seller and category loaded (one query
    and the images'): what an admin reads before deciding, or sees after the decision."""
    return db.session.scalar(
        select(Product).where(Product.public_id == str(public_id or "")[:16])
        .options(selectinload(Product.images), joinedload(Product.seller), joinedload(Product.category))
    )


# --- decisions -----------------------------------------------------------------------------------

def _pending_product(public_id: object) -> Product:
    return locked_awaiting(select(Product).where(Product.public_id == str(public_id or "")[:16]),
                           ProductStatus.PENDING, missing=_l("Annonce introuvable."),
                           settled=_l("Cette annonce n'attend pas de modération."))


def _state(product: Product) -> dict[str, str | None]:
    return {"status": product.status, "rejection_reason": product.rejection_reason,
            "flags": product.moderation_flags or ""}


def _tell_seller(product: Product, event: str, **values: object) -> None:
    """Tell the seller of the decision (in-app notice and the event's channels), stored with it (no commit
    here: the messages leave once the decision is committed)."""
    if product.seller is not None:
        notify(product.seller, event, {"title": product.title[:40], **values,
                                       "link": f"/compte/annonces/{product.public_id}"})


def _approve(admin: User, product: Product, ip: str) -> None:
    before = _state(product)
    now = utcnow()
    product.status = ProductStatus.ACTIVE
    if product.published_at is None:
        product.published_at = now
    product.moderated_at = now
    product.moderated_by_id = admin.id
    product.rejection_reason = None
    audit.record(admin, "product.approve", "product", product.public_id, before, _state(product), ip)


def _clean_reason(reason: str | None) -> str:
    clean = " ".join((reason or "").split())
    if not MIN_REASON <= len(clean) <= MAX_REASON:
        raise Invalid(_l("Indiquez la raison du refus (3 à 500 caractères)."), {"reason": "required"})
    return clean


def _reject(admin: User, product: Product, reason: str, ip: str, action: str = "product.reject") -> None:
    before = _state(product)
    product.status = ProductStatus.REJECTED
    product.moderated_at = utcnow()
    product.moderated_by_id = admin.id
    product.rejection_reason = reason
    audit.record(admin, action, "product", product.public_id, before, _state(product), ip)


def approve(admin: User, public_id: object, ip: str = "") -> Product:
    """Publish a PENDING product (Conflict otherwise); audited; the seller is told."""
    product = _pending_product(public_id)
    _approve(admin, product, ip)
    _tell_seller(product, "listing.approved")
    db.session.commit()
    log.info("admin %s approved product %s", admin.public_id, product.public_id)
    alerts.listing_published(product)
    return product


def reject(admin: User, public_id: object, reason: str | None, ip: str = "") -> Product:
    """Refuse a PENDING product with a reason the seller sees; audited; the seller is told."""
    why = _clean_reason(reason)
    product = _pending_product(public_id)
    _reject(admin, product, why, ip)
    _tell_seller(product, "listing.refused", reason=why)
    from vgk.services.conversations import offers  # (offers → messages → here)

    closed = offers.close_for(product, sold=False)  # offers made before the seller edited it
    db.session.commit()
    offers.announce_lines(closed)
    log.info("admin %s rejected product %s", admin.public_id, product.public_id)
    return product


# What a batch decision returns: the products decided, and {public_id: error message} for the others.
Decided = tuple[list[Product], dict[str, str]]


def _many(decide: Callable[[str], Product], public_ids: Iterable[object] | None) -> Decided:
    done: list[Product] = []
    failed: dict[str, str] = {}
    for public_id in dict.fromkeys(str(p) for p in public_ids or ()):
        try:
            done.append(decide(public_id))
        except (Conflict, NotFound) as error:
            failed[public_id] = str(error.message)
    return done, failed


def approve_many(admin: User, public_ids: Iterable[object] | None, ip: str = "") -> Decided:
    """Approve each product; returns (approved products, {public_id: error message})."""
    return _many(lambda public_id: approve(admin, public_id, ip), public_ids)


def reject_many(admin: User, public_ids: Iterable[object] | None, reason: str | None,
                ip: str = "") -> Decided:
    """Reject each product with the same reason; returns (rejected products, {public_id: error message})."""
    why = _clean_reason(reason)
    return _many(lambda public_id: reject(admin, public_id, why, ip), public_ids)


def take_down(admin: User, public_id: object, reason: str | None, ip: str = "") -> Product:
    """Withdraw a live (ACTIVE) product from sale with a reason the seller sees: it becomes REJECTED, as a
    refused listing; audited (product.takedown); the seller is told (listing.taken_down). Conflict for a
    product that is not on sale (pending, reserved, sold…)."""
    why = _clean_reason(reason)
    product = locked_awaiting(select(Product).where(Product.public_id == str(public_id or "")[:16]),
                              ProductStatus.ACTIVE, missing=_l("Annonce introuvable."),
                              settled=_l("Seule une annonce en vente peut être retirée."))
    _reject(admin, product, why, ip, action="product.takedown")
    _tell_seller(product, "listing.taken_down", reason=why)
    from vgk.services.conversations import offers  # (offers → messages → here)

    closed = offers.close_for(product, sold=False)
    db.session.commit()
    offers.announce_lines(closed)
    log.info("admin %s took down product %s", admin.public_id, product.public_id)
    return product
