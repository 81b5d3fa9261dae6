"""A seller asks for a better title and description ("Améliorer l'annonce", on the listing form and in the
app): what they typed is checked, the request is counted against their hourly quota
(ASSIST_PROPOSALS_PER_HOUR), the listing's first photo goes along as a small thumbnail, and the proposal
comes from vgk.services.selling.assist (the model within GEMINI_TIMEOUT_SECONDS, else the rules).

A proposal is only shown: nothing is saved, and the listing changes only when the seller submits their form."""
from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import select

from vgk.errors import DomainError, Invalid, RateLimited
from vgk.extensions import db, limiter
from vgk.labels import label
from vgk.models import Category, Condition, User
from vgk.services.selling import assist, listing_fields, listings, media
from vgk.services.storage import files

log = logging.getLogger(__name__)

TITLE_MIN = 3
QUOTA_SCOPE = "vgk-listing-proposal"


def per_hour() -> int:
    return int(current_app.config.get("ASSIST_PROPOSALS_PER_HOUR", 10))


def _text(value: object, name: str, limit: int) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > limit:
        message = _l("Texte trop long.")
        raise Invalid(message, {name: message})
    return text


def _category_name(value: object, locale: str) -> str:
    """The category's name in the seller's language; nothing for an unknown one (it only helps the wording)."""
    if not value:
        return ""
    column = Category.id if isinstance(value, int) else Category.slug
    category = db.session.scalar(select(Category).where(column == (value if isinstance(value, int)
                                                                   else str(value)[:80])))
    return category.name_for(locale) if category is not None else ""


def _condition_word(value: object) -> str:
    if not value:
        return ""
    if value not in Condition.ALL:
        message = _l("État inconnu.")
        raise Invalid(message, {"condition": message})
    return label(value, "condition")


def _photo(seller: User, listing: object | None, upload: bytes | None) -> bytes | None:
    """The thumbnail of the listing's first photo, or of the first photo being uploaded; None without one
    (or when it cannot be read: the proposal does without)."""
    cover = listings.get_own(seller, listing).cover if listing else None  # NotFound unless theirs
    try:
        if cover is not None:
            return files.read(cover.thumb_key)
        if upload and not listing:
            return media.process_image(upload).thumb
    except DomainError:  # a photo that is not one, or too many being processed right now
        return None
    except OSError:  # a file missing from the storage
        log.warning("listing %s: its first photo could not be read for a proposal", listing)
    return None


def _spend_quota(seller: User) -> None:
    if not limiter.enabled:
        return
    allowed = per_hour()
    if not limiter.limiter.hit(parse(f"{allowed} per hour"), QUOTA_SCOPE, str(seller.id)):
        raise RateLimited(_l("Vous avez déjà demandé %(count)d propositions dans l’heure : réessayez plus tard, "
                             "ou améliorez votre annonce vous-même.", count=allowed))


def propose(seller: User, title: object, category: object = "", condition: object = "", description: object = "",
            locale: str = "fr", listing: object | None = None, upload: bytes | None = None) -> assist.Proposal:
    """A proposed title and description for what the seller typed (in `locale`), with the first photo of
    their listing `listing` (a public id: NotFound unless it is theirs) or of `upload`. Invalid without a
    title of TITLE_MIN characters or with text too long; RateLimited past the hourly quota."""
    clean_title = _text(title, "title", listing_fields.TITLE_MAX)
    if len(clean_title) < TITLE_MIN:
        message = _l("Écrivez d’abord un titre (3 caractères au moins) : la proposition part de ce que vous "
                     "avez écrit.")
        raise Invalid(message, {"title": message})
    clean_description = _text(description, "description", listing_fields.DESCRIPTION_MAX)
    word = _condition_word(condition)
    category_name = _category_name(category, locale)
    photo = _photo(seller, listing, upload)
    _spend_quota(seller)  # a refused request costs nothing
    proposal = assist.improve_listing(clean_title, category_name, word, clean_description, locale, photo)
    log.info("listing proposal for seller %s (%s, photo: %s)", seller.id, proposal.source, photo is not None)
    return proposal
