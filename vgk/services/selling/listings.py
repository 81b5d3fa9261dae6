"""A seller's own listings: drafts, edits, photos, submission for moderation, sold, archived, relisted.

One table of the moves a seller may make (TRANSITIONS) and one function that moves a listing.
Moderation itself (PENDING → ACTIVE/REJECTED) belongs to vgk.services.selling.moderation."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import selectinload

from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import Category, Condition, Favourite, Product, ProductImage, ProductStatus, Role, User
from vgk.models.base import utcnow
from vgk.security import ensure_owner
from vgk.services.catalogue import alerts
from vgk.services.conversations import offers
from vgk.services.paging import Page, paginate
from vgk.services.selling import judgements, listing_fields, media, moderation

log = logging.getLogger(__name__)
S = ProductStatus
P = ParamSpec("P")
R = TypeVar("R")

MAX_PHOTOS = 8

# The moves a seller may make. PENDING → ACTIVE/REJECTED is moderation's; RESERVED/SOLD by orders.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.PENDING, S.ARCHIVED},
    S.REJECTED: {S.PENDING, S.ARCHIVED},
    S.PENDING: {S.ARCHIVED},
    S.ACTIVE: {S.PENDING, S.SOLD, S.ARCHIVED},
    S.RESERVED: set(),
    S.SOLD: {S.PENDING},
    S.ARCHIVED: {S.PENDING},
}
EDITABLE = {S.DRAFT, S.PENDING, S.ACTIVE, S.REJECTED}
# Changing these on an ACTIVE listing sends it back to moderation; price, quantity, negotiable don't.
REVIEWED_FIELDS = {"title", "description", "category"}
FIELDS = listing_fields.FIELDS


class IllegalMove(Conflict):
    code = "illegal_move"


# --- reading -----------------------------------------------------------------------------------

def _listing(public_id: object) -> Product:
    product = db.session.scalar(select(Product).where(Product.public_id == str(public_id)[:16]))
    if product is None:
        raise NotFound(_l("Annonce introuvable."))
    return product


def get_own(seller: User, public_id: object) -> Product:
    """The seller's listing; anybody else's (or none) is not found."""
    product = _listing(public_id)
    ensure_owner(seller, product)
    return product


def preview(viewer: User, public_id: object) -> Product:
    """A listing as buyers would see it, for its seller or an admin only (others: not found)."""
    return _listing(public_id) if viewer.role == Role.ADMIN else get_own(viewer, public_id)


def _mine(seller: User, status: str | None = None) -> Select[Product]:
    stmt = select(Product).where(Product.seller_id == seller.id)
    if status:
        stmt = stmt.where(Product.status == status)
    return stmt.order_by(Product.updated_at.desc(), Product.id.desc())


def _favourite_counts(*conditions: ColumnElement[bool]) -> dict[int, int]:
    return dict(db.session.execute(
        select(Favourite.product_id, func.count())
        .join(Product, Product.id == Favourite.product_id)
        .where(*conditions)
        .group_by(Favourite.product_id)
    ).all())


def my_listings(seller: User, status: str | None = None) -> list[tuple[Product, int]]:
    """The seller's listings (newest first) as (product, favourites) pairs; views are product.view_count."""
    products = db.session.scalars(_mine(seller, status)).all()
    counts = _favourite_counts(Product.seller_id == seller.id)
    return [(p, counts.get(p.id, 0)) for p in products]


def my_listings_page(seller: User, status: str | None, page: int, per_page: int) -> Page:
    """One page of `my_listings` (its items the same pairs), with what a listing shows loaded: a few
    queries, whatever the number of listings."""
    found = paginate(
        _mine(seller, status).options(selectinload(Product.images), selectinload(Product.city),
                                      selectinload(Product.category), selectinload(Product.seller)),
        page, per_page,
    )
    counts = _favourite_counts(Product.id.in_([p.id for p in found.items])) if found.items else {}
    found.items = [(p, counts.get(p.id, 0)) for p in found.items]
    return found


def status_counts(seller: User) -> dict[str, int]:
    rows = db.session.execute(
        select(Product.status, func.count()).where(Product.seller_id == seller.id).group_by(Product.status)
    ).all()
    return dict(rows)


def leaf_categories() -> Sequence[Category]:
    """Categories a listing may be filed under (no children, not retired nor under a retired parent)."""
    children = select(Category.parent_id).where(Category.parent_id.is_not(None))
    retired = select(Category.id).where(Category.retired_at.is_not(None))
    return db.session.scalars(
        select(Category).where(Category.id.not_in(children), Category.retired_at.is_(None),
                               or_(Category.parent_id.is_(None), Category.parent_id.not_in(retired)))
        .order_by(Category.position, Category.slug)
    ).all()


# --- moving ------------------------------------------------------------------------------------

def _apply_moderation_flags(product: Product) -> None:
    """The moderation service's automatic flags, computed afresh at each submission; its risk is judged
    again in a job once the call commits."""
    product.moderation_flags = " ".join(moderation.flags_for(product))[:255]
    _to_judge().add(product)


def _move(product: Product, to_status: str) -> Product:
    if to_status not in TRANSITIONS.get(product.status, set()):
        raise IllegalMove(_l("Cette action n'est pas possible pour une annonce dans cet état."))
    previous = product.status
    product.status = to_status
    if to_status == S.PENDING:
        product.submitted_at = utcnow()
        product.rejection_reason = None
        product.moderated_at = None
        product.moderated_by_id = None
        _apply_moderation_flags(product)
    log.info("listing %s: %s -> %s (seller %s)", product.public_id, previous, to_status, product.seller_id)
    return product


def _commit(product: Product) -> Product:
    db.session.commit()
    _saved_files().clear()
    judged = [item.id for item in _to_judge()]
    _to_judge().clear()
    judgements.listings_submitted(judged)
    return product


def _to_judge() -> set[Product]:
    """The listings whose flags the current call computed (their risk is judged after the commit)."""
    pending: set[Product] = db.session.info.setdefault("vgk.listings.to_judge", set())
    return pending


def _saved_files() -> list[str]:
    """Keys of the photo files written during the current call (deleted if it does not commit)."""
    saved: list[str] = db.session.info.setdefault("vgk.listings.saved_files", [])
    return saved


def _rollback_on_error(fn: Callable[P, R]) -> Callable[P, R]:
    """A refused call leaves nothing half-done: no rows in the session, no photo files on disk."""
    @wraps(fn)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        _saved_files().clear()
        try:
            return fn(*args, **kwargs)
        except Exception:
            db.session.rollback()
            media.delete_files(_saved_files())
            _saved_files().clear()
            _to_judge().clear()
            raise

    return wrapped


# --- photos ------------------------------------------------------------------------------------
# Photos are decoded and rendered first, with no write pending (a decode takes seconds and, on SQLite,
# an open write transaction would lock every other writer out meanwhile); rows come afterwards.

def _check_photo_count(count: int) -> None:
    if count > MAX_PHOTOS:
        message = _l("%(max)d photos au maximum par annonce.", max=MAX_PHOTOS)
        raise Invalid(message, {"photos": message})


def _process_photos(files: Iterable[bytes] | None, already: int = 0) -> list[media.ProcessedImage]:
    """The uploads checked and rendered, before any database write of the call."""
    uploads = [data for data in (files or []) if data]
    _check_photo_count(already + len(uploads))
    return media.process_images(uploads)


def _store_photos(product: Product, processed: list[media.ProcessedImage]) -> int:
    """Rows (and files) for photos already processed; the caller commits."""
    _check_photo_count(len(product.images) + len(processed))
    position = max((img.position for img in product.images), default=-1) + 1
    saved = _saved_files()
    for offset, photo in enumerate(processed):
        image = media.save_product_image(product, photo, position + offset)
        saved += image.keys
    db.session.flush()
    db.session.refresh(product, ["images"])
    return len(processed)


@_rollback_on_error
def add_photos(seller: User, public_id: object, files: Iterable[bytes] | None) -> Product:
    """Add photos (bytes) to a listing; an ACTIVE listing goes back to moderation."""
    product = get_own(seller, public_id)
    if product.status not in EDITABLE:
        raise IllegalMove(_l("Cette annonce ne peut plus être modifiée."))
    processed = _process_photos(files, len(product.images))
    if not processed:
        message = _l("Choisissez au moins une photo.")
        raise Invalid(message, {"photos": message})
    _store_photos(product, processed)
    if product.status == S.ACTIVE:
        _move(product, S.PENDING)
    elif product.status == S.PENDING:
        _apply_moderation_flags(product)
    return _commit(product)


def _own_photo(seller: User, public_id: object, image_id: object) -> tuple[Product, ProductImage]:
    """One photo of the seller's listing, while the listing may still be edited."""
    product = get_own(seller, public_id)
    if product.status not in EDITABLE:
        raise IllegalMove(_l("Cette annonce ne peut plus être modifiée."))
    image = next((img for img in product.images if str(img.id) == str(image_id)), None)
    if image is None:
        raise NotFound(_l("Photo introuvable."))
    return product, image


@_rollback_on_error
def move_photo(seller: User, public_id: object, image_id: object, move: str) -> Product:
    """Put a photo first (the cover) or one place up or down; no new moderation (same photos)."""
    product, image = _own_photo(seller, public_id, image_id)
    media.move_image(product.images, image, move)
    return _commit(product)


@_rollback_on_error
def remove_photo(seller: User, public_id: object, image_id: object) -> Product:
    product, image = _own_photo(seller, public_id, image_id)
    if len(product.images) == 1 and product.status in (S.PENDING, S.ACTIVE):
        raise Invalid(_l("Une annonce publiée garde au moins une photo."), {"photos": "last"})
    keys = image.keys
    product.images.remove(image)
    for position, img in enumerate(product.images):
        img.position = position
    _commit(product)
    media.delete_files(keys)
    return product


# --- lifecycle ---------------------------------------------------------------------------------

def _new_draft(seller: User, photos: Iterable[bytes] | None, fields: dict[str, Any]) -> Product:
    missing = [name for name in ("title", "price", "category", "city") if name not in fields]
    if missing:
        message = _l("Ce champ est obligatoire.")
        raise Invalid(message, {name: message for name in missing})
    clean = listing_fields.clean({"description": "", "quantity": 1, "condition": Condition.GOOD, **fields})
    processed = _process_photos(photos)  # before the first write: see "photos" above
    product = Product(seller=seller, status=S.DRAFT, **clean)
    db.session.add(product)
    db.session.flush()
    _store_photos(product, processed)
    log.info("listing %s created (seller %s)", product.public_id, seller.id)
    return product


@_rollback_on_error
def create_draft(seller: User, photos: Iterable[bytes] | None = (), **fields: Any) -> Product:
    """A new DRAFT listing from the form values (and optional photos as bytes)."""
    return _commit(_new_draft(seller, photos, fields))


@_rollback_on_error
def create(seller: User, photos: Iterable[bytes] | None = (), submit: bool = False, **fields: Any) -> Product:
    """A new listing, kept as a DRAFT or (submit=True) sent to moderation at once; when it cannot
    be submitted (no photo, phone not verified) nothing is created."""
    product = _new_draft(seller, photos, fields)
    if submit:
        listing_fields.check_ready(product)
        _move(product, S.PENDING)
    return _commit(product)


@_rollback_on_error
def update(seller: User, public_id: object, photos: Iterable[bytes] | None = (), **fields: Any) -> Product:
    """Change a listing's fields (and add photos). Content changes on an ACTIVE listing send it
    back to moderation (price, quantity, negotiable don't); a PENDING one's flags are computed again."""
    product = get_own(seller, public_id)
    if product.status not in EDITABLE:
        raise IllegalMove(_l("Cette annonce ne peut plus être modifiée."))
    clean = listing_fields.clean(fields)
    processed = _process_photos(photos, len(product.images))  # before the first write
    old_price = product.price
    changed = {name for name, value in clean.items() if getattr(product, name) != value}
    for name in changed:
        setattr(product, name, clean[name])
    added = _store_photos(product, processed)
    if product.status == S.ACTIVE and (changed & REVIEWED_FIELDS or added):
        _move(product, S.PENDING)
    elif product.status == S.PENDING and (changed or added):
        _apply_moderation_flags(product)  # the queue shows the flags of what the admin will read
    _commit(product)
    alerts.price_changed(product, old_price)  # favourites hear of a lower price
    return product


@_rollback_on_error
def submit(seller: User, public_id: object) -> Product:
    """Send a DRAFT or REJECTED listing to moderation."""
    product = get_own(seller, public_id)
    if product.status not in (S.DRAFT, S.REJECTED):
        raise IllegalMove(_l("Cette annonce a déjà été envoyée."))
    listing_fields.check_ready(product)
    _move(product, S.PENDING)
    return _commit(product)


@_rollback_on_error
def _move_own(seller: User, public_id: object, to_status: str) -> Product:
    product = get_own(seller, public_id)
    _move(product, to_status)
    closed = offers.close_for(product, sold=to_status == S.SOLD) if to_status in (S.SOLD, S.ARCHIVED) else []
    _commit(product)
    offers.announce_lines(closed)
    return product


def mark_sold(seller: User, public_id: object) -> Product:
    return _move_own(seller, public_id, S.SOLD)


def archive(seller: User, public_id: object) -> Product:
    return _move_own(seller, public_id, S.ARCHIVED)


@_rollback_on_error
def relist(seller: User, public_id: object) -> Product:
    """Put an ARCHIVED or SOLD listing back on sale: it goes through moderation again."""
    product = get_own(seller, public_id)
    if product.status not in (S.ARCHIVED, S.SOLD):
        raise IllegalMove(_l("Seule une annonce archivée ou vendue peut être remise en vente."))
    if product.quantity < 1:
        product.quantity = 1
    listing_fields.check_ready(product)
    _move(product, S.PENDING)
    return _commit(product)
