"""A listing's title and description translated FR↔EN when a reader asks, by the model only (there are no
rules for it: without a model nothing is offered), and kept: the next reader gets the stored one, until the
listing's text changes (each translation remembers the digest of the text it was made from)."""
from __future__ import annotations

import hashlib
import logging
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.integrations import registry
from vgk.models import Product, ProductTranslation
from vgk.services.catalogue.catalog import get_public_product
from vgk.services.selling import assist

log = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")
_ENGLISH = frozenset("the and with for is are very good new used condition works working size sale selling "
                     "only from this has have it in of to".split())
_FRENCH = frozenset("le la les de des du et avec pour est sont très bon bonne neuf état marche taille vente "
                    "seulement ce cette une un en à au aux".split())


def offered() -> bool:
    """Whether translations are offered at all: only with a model configured."""
    return registry.ai().name != "rules"


def guess_language(title: str, description: str) -> str:
    """"en" when the text reads as English rather than French (counting common words), else "fr"."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", f"{title} {description}".lower())
    english = sum(word in _ENGLISH for word in words)
    french = sum(word in _FRENCH for word in words)
    return "en" if english > french else "fr"


def target_for(product: Product) -> str:
    """The language to offer a listing's translation in: the other one than it seems to be written in."""
    return "fr" if guess_language(product.title, product.description or "") == "en" else "en"


def _digest(product: Product) -> str:
    return hashlib.sha256(f"{product.title}\0{product.description or ''}".encode()).hexdigest()


def _stored(product: Product, language: str) -> ProductTranslation | None:
    return db.session.scalar(select(ProductTranslation).where(ProductTranslation.product_id == product.id,
                                                              ProductTranslation.language == language))


def translation(public_id: object, language: object) -> tuple[Product, ProductTranslation | None]:
    """A public listing and its translation into `language` ("fr" or "en"): the stored one while the text is
    unchanged, else a new one from the model (stored); None when no model is configured or it did not
    answer. NotFound for a listing that is not public; Invalid for another language."""
    if language not in LANGUAGES:
        raise Invalid(_l("Langue inconnue."), {"language": "invalid"})
    product = get_public_product(public_id, sold_out_too=True)
    digest = _digest(product)
    stored = _stored(product, str(language))
    if stored is not None and stored.source_digest == digest:
        return product, stored
    if not offered():
        return product, None
    found = assist.translate(product.title, product.description or "", str(language))
    if found is None:
        return product, None
    if stored is None:
        stored = ProductTranslation(product_id=product.id, language=str(language))
        db.session.add(stored)
    stored.title, stored.description, stored.source_digest = found.title, found.description, digest
    try:
        db.session.commit()
    except IntegrityError:  # two readers asked at once: the first one's is kept
        db.session.rollback()
        stored = _stored(product, str(language))
    log.info("listing %s translated into %s (%s)", product.public_id, language, found.source)
    return product, stored
