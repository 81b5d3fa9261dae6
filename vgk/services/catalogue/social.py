"""People and the listings they like: favourites, reviews of sellers, the seller's public page."""
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import (
    EventKind,
    Favourite,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductStatus,
    Review,
    User,
    UserStatus,
)
from vgk.services.accounts import links
from vgk.services.catalogue.catalog import get_public_product
from vgk.services.discovery import events
from vgk.services.paging import Page, paginate, parse_id
from vgk.services.selling import judgements

log = logging.getLogger(__name__)
REVIEW_TEXT_MAX = 1000


# --- favourites --------------------------------------------------------------------------------

def is_favourite(user: User | None, product: Product) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(Favourite, (user.id, product.id)) is not None


def toggle_favourite(user: User, product_public_id: object) -> bool:
    """Add or remove a favourite; True when the product is now a favourite. Only public products
    can be added; a favourite can always be removed."""
    product = db.session.scalar(select(Product).where(Product.public_id == str(product_public_id)[:16]))
    if product is None:
        raise NotFound(_l("Ce produit n'existe pas ou n'est plus en vente."))
    existing = db.session.get(Favourite, (user.id, product.id))
    if existing is not None:
        db.session.delete(existing)
        db.session.commit()
        return False
    get_public_product(product.public_id)  # NotFound unless it is on sale
    db.session.add(Favourite(user_id=user.id, product_id=product.id))
    db.session.commit()
    events.record(EventKind.FAVOURITE, events.person_of(user), product.id)
    return True


def _favourites(user: User) -> Select[Product]:
    return (
        select(Product)
        .join(Favourite, Favourite.product_id == Product.id)
        .where(Favourite.user_id == user.id)
        .options(selectinload(Product.images), joinedload(Product.seller))  # cities from the reference lists
        .order_by(Favourite.created_at.desc(), Product.id.desc())
    )


def favourites_of(user: User) -> Sequence[Product]:
    """The user's favourite products, most recently liked first (whatever their status now)."""
    return db.session.scalars(_favourites(user)).all()


def favourites_page(user: User, page: int, per_page: int) -> Page:
    """One page of `favourites_of`, with what a product card shows loaded: a few queries, whatever the
    number of favourites."""
    return paginate(_favourites(user).options(selectinload(Product.category)), page, per_page)


def favourite_count(product: Product) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Favourite).where(Favourite.product_id == product.id)
    ) or 0


# --- seller page -------------------------------------------------------------------------------

@dataclass
class SellerProfile:
    seller: User
    products: Sequence[Product]
    rating: float | None
    review_count: int
    reviews: Sequence[Review]
    feelings: judgements.FeelingSummary


def rating_of(seller: User) -> tuple[float | None, int]:
    average, count = db.session.execute(
        select(func.avg(Review.rating), func.count(Review.id)).where(Review.seller_id == seller.id)
    ).one()
    return (round(float(average), 1) if average is not None else None), count


def seller_profile(public_id: object, limit: int = 60) -> SellerProfile:
    """An active seller with their ACTIVE listings and rating; anyone else is not found."""
    seller = db.session.scalar(select(User).where(User.public_id == str(public_id)[:16]))
    if seller is None or seller.status != UserStatus.ACTIVE:
        raise NotFound(_l("Ce vendeur n'existe pas."))
    products = db.session.scalars(
        select(Product)
        .where(Product.seller_id == seller.id, Product.status == ProductStatus.ACTIVE)
        .options(selectinload(Product.images), selectinload(Product.city))
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    ).all()
    rating, count = rating_of(seller)
    reviews = db.session.scalars(
        select(Review).where(Review.seller_id == seller.id)
        .options(selectinload(Review.author))
        .order_by(Review.created_at.desc()).limit(10)
    ).all()
    return SellerProfile(seller=seller, products=products, rating=rating, review_count=count, reviews=reviews,
                         feelings=judgements.review_feelings(seller.id))


# --- reviews -----------------------------------------------------------------------------------

def reviewable_item(author: User | None, order_public_id: object, item_id: object) -> OrderItem:
    """The author's order line that may be reviewed; anybody else's is not found."""
    item = db.session.scalar(
        select(OrderItem).join(Order, Order.id == OrderItem.order_id)
        .where(Order.public_id == str(order_public_id)[:16], OrderItem.id == _item_id(item_id))
    )
    if item is None or author is None or item.order.buyer_id != author.id:
        raise NotFound(_l("Introuvable."))
    return item


def _item_id(value: object) -> int:
    return parse_id(value) or -1  # -1 names no line


def review_of(item: OrderItem) -> Review | None:
    return db.session.scalar(select(Review).where(Review.order_item_id == item.id))


def leave_review(author: User | None, order_item_id: object, rating: object, text: object = "") -> Review:
    """The buyer's rating (1–5) of the seller of a completed or delivered order line, once."""
    item = db.session.get(OrderItem, _item_id(order_item_id))
    if item is None or author is None or item.order.buyer_id != author.id:
        raise NotFound(_l("Introuvable."))
    review = _new_review(item, author, rating, text)
    db.session.add(review)
    db.session.commit()
    log.info("review of order item %s by user %s: %s/5", item.id, author.id, review.rating)
    judgements.review_posted([review.id])
    return review


def _new_review(item: OrderItem, author: User | None, rating: object, text: object) -> Review:
    """The review rules, whoever writes (an account or a guest with the order's link): the order is
    received, the line not yet reviewed, 1 to 5 stars and a comment of at most REVIEW_TEXT_MAX characters."""
    if item.order.status not in OrderStatus.FINISHED:
        raise Conflict(_l("Vous pourrez noter le vendeur une fois la commande reçue."))
    if review_of(item) is not None:
        raise Conflict(_l("Vous avez déjà noté cet achat."))
    stars = _stars(rating)
    if not 1 <= stars <= 5:
        message = _l("Choisissez une note de 1 à 5.")
        raise Invalid(message, {"rating": message})
    comment = str(text or "").strip()
    if len(comment) > REVIEW_TEXT_MAX:
        message = _l("Le commentaire ne doit pas dépasser %(max)d caractères.", max=REVIEW_TEXT_MAX)
        raise Invalid(message, {"text": message})
    return Review(order_item_id=item.id, author_id=author.id if author is not None else None,
                  seller_id=item.seller_id, rating=stars, text=comment)


def _stars(rating: object) -> int:
    """The rating given as a whole number; 0 (refused) when it is not one."""
    if not isinstance(rating, (str, int, float)):
        return 0
    try:
        return int(rating)
    except ValueError:
        return 0


def review_order_item(author: User | None, order_public_id: object, item_id: object, rating: object,
                      text: object = "") -> Review:
    """`leave_review` for the line `item_id` of the author's order `order_public_id` (the pair must match)."""
    item = reviewable_item(author, order_public_id, item_id)
    return leave_review(author, item.id, rating, text)


# --- a guest's review, through the link sent after collection ------------------------------------

GUEST_REVIEW_SALT = "vgk-guest-review"
GUEST_REVIEW_DAYS = 30


def guest_review_token(order: Order) -> str:
    """The token of the link that lets a guest rate the sellers of their collected order (signed, dated)."""
    return links.sign(GUEST_REVIEW_SALT, {"o": order.public_id})


def guest_review_order(token: object) -> Order:
    """The guest's order a review link names, while the link is valid (GUEST_REVIEW_DAYS); Invalid for an
    expired or forged link, NotFound when it names no guest order."""
    try:
        data = links.read(GUEST_REVIEW_SALT, str(token or "")[:200], GUEST_REVIEW_DAYS * 86400)
    except Invalid as failure:
        if failure.fields.get("token") == "expired":
            raise Invalid(_l("Ce lien pour noter le vendeur a expiré (il est valable %(days)d jours).",
                             days=GUEST_REVIEW_DAYS), {"token": "expired"}) from None
        raise Invalid(_l("Ce lien pour noter le vendeur n'est pas valide."), {"token": "invalid"}) from None
    public_id = data.get("o") if isinstance(data, dict) else None
    order = db.session.scalar(select(Order).where(Order.public_id == str(public_id or "")[:16])
                              .options(selectinload(Order.items).selectinload(OrderItem.seller)))
    if order is None or order.buyer_id is not None:
        raise NotFound(_l("Commande introuvable."))
    return order


def guest_review_lines(order: Order) -> list[OrderItem]:
    """The lines a guest's review is kept on: the first line of each of the order's sellers."""
    firsts: dict[int, OrderItem] = {}
    for item in sorted(order.items, key=lambda line: line.id):
        firsts.setdefault(item.seller_id, item)
    return list(firsts.values())


def guest_reviewed(order: Order) -> bool:
    ids = [item.id for item in order.items]
    return bool(ids) and db.session.scalar(
        select(func.count()).select_from(Review).where(Review.order_item_id.in_(ids))) != 0


def leave_guest_review(token: object, rating: object, text: object = "") -> Order:
    """A guest rates the seller(s) of their order through its link: once per order, with the same rules
    as an account's review (one review kept per seller of the order)."""
    order = guest_review_order(token)
    if guest_reviewed(order):
        raise Conflict(_l("Vous avez déjà noté cette commande. Merci !"))
    reviews = [_new_review(item, None, rating, text) for item in guest_review_lines(order)]
    db.session.add_all(reviews)
    try:
        db.session.commit()
    except IntegrityError:  # the same link sent twice at once: the first one counts
        db.session.rollback()
        raise Conflict(_l("Vous avez déjà noté cette commande. Merci !")) from None
    log.info("guest review of order %s: %s/5", order.reference, rating)
    judgements.review_posted([review.id for review in reviews])
    return order
