"""Carts: a visitor's cart kept by a session key, a client's saved cart, merged at sign-in.

Prices are never stored in the cart: lines are read against the live products, so an item sold
or withdrawn meanwhile is flagged, and its price is always today's.
"""
from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import selectinload

from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import Cart, CartItem, EventKind, Offer, Product, ProductStatus, User, UserStatus
from vgk.services.conversations import offers
from vgk.services.discovery import events
from vgk.services.paging import parse_int
from vgk.text import format_when, format_xaf

MAX_LINES = 30
MAX_QUANTITY = 99


def new_session_key() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Line:
    item: CartItem
    product: Product
    quantity: int
    available: bool
    problem: str = ""
    offer: Offer | None = None  # the cart owner's agreed price for this one article, if any

    @property
    def unit_price(self) -> int:
        return self.offer.amount if self.offer is not None else self.product.price

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def agreed_note(self) -> str:
        """'Prix négocié : 58 000 FCFA au lieu de 65 000 FCFA, valable jusqu'au …', or ''."""
        if self.offer is None:
            return ""
        return str(_l("Prix négocié : %(agreed)s au lieu de %(listed)s, valable jusqu'au %(until)s",
                      agreed=format_xaf(self.offer.amount), listed=format_xaf(self.product.price),
                      until=format_when(self.offer.valid_until)))


@dataclass
class CartView:
    cart: Cart | None
    lines: list[Line]

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def available_lines(self) -> list[Line]:
        return [line for line in self.lines if line.available]

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.available_lines)

    @property
    def has_problems(self) -> bool:
        return any(not line.available for line in self.lines)


def _load(cart_id: int) -> Cart:
    return db.session.scalars(
        select(Cart).where(Cart.id == cart_id).options(
            selectinload(Cart.items).selectinload(CartItem.product).selectinload(Product.images),
            selectinload(Cart.items).selectinload(CartItem.product).selectinload(Product.seller),
        )
    ).one()


def find(user: User | None = None, session_key: str | None = None) -> Cart | None:
    """The cart of the signed-in user, else of the visitor's session key, or None."""
    if user is not None:
        return db.session.scalar(select(Cart).where(Cart.user_id == user.id))
    if session_key:
        return db.session.scalar(select(Cart).where(Cart.session_key == str(session_key)[:64]))
    return None


def _get_or_create(user: User | None = None, session_key: str | None = None) -> Cart:
    cart = find(user, session_key)
    if cart is not None:
        return cart
    if user is None and not session_key:
        raise Invalid(_l("Panier introuvable."), {"session_key": "required"})
    created = Cart(user_id=user.id if user is not None else None,
                   session_key=None if user is not None else session_key)
    db.session.add(created)
    try:
        db.session.commit()
    except IntegrityError:  # created meanwhile by a parallel request
        db.session.rollback()
        cart = find(user, session_key)
        if cart is None:
            raise
        return cart
    return created


def _line_problem(product: Product, quantity: int) -> str:
    if product.status != ProductStatus.ACTIVE or product.seller.status != UserStatus.ACTIVE:
        return str(_l("Cet article n'est plus disponible."))
    if product.quantity < quantity:
        if product.quantity == 0:
            return str(_l("Cet article vient d'être vendu."))
        return str(_l("Il n'en reste que %(n)s.", n=product.quantity))
    return ""


def count(user: User | None = None, session_key: str | None = None) -> int:
    """How many articles the cart holds (for the header badge): one small query, no product loading."""
    if user is None and not session_key:
        return 0
    where = Cart.user_id == user.id if user is not None else Cart.session_key == str(session_key)[:64]
    return db.session.scalar(
        select(func.coalesce(func.sum(CartItem.quantity), 0)).join(Cart, CartItem.cart_id == Cart.id).where(where)
    ) or 0


def badge_count(user: User | None = None, session_key: str | None = None) -> int:
    """`count` for the header badge of any page: 0 when the request's transaction already failed (the
    session is rolled back, so an error page still renders)."""
    try:
        return int(count(user=user, session_key=session_key))
    except SQLAlchemyError:
        db.session.rollback()
        return 0


def view(user: User | None = None, session_key: str | None = None) -> CartView:
    return view_of(find(user, session_key))


def view_of(cart: Cart | None) -> CartView:
    """The cart's lines checked against the live products."""
    if cart is None:
        return CartView(cart=None, lines=[])
    cart = _load(cart.id)
    # An agreed price covers one article, for the buyer it was agreed with (the cart's owner) only.
    agreed = offers.agreements(cart.user_id, [item.product_id for item in cart.items if item.quantity == 1])
    lines = []
    for item in cart.items:
        problem = _line_problem(item.product, item.quantity)
        lines.append(Line(item=item, product=item.product, quantity=item.quantity, available=not problem,
                          problem=problem, offer=agreed.get(item.product_id) if item.quantity == 1 else None))
    return CartView(cart=cart, lines=lines)


def _public_product(public_id: str) -> Product:
    product = db.session.scalar(select(Product).where(Product.public_id == str(public_id)[:16]))
    if product is None or product.status != ProductStatus.ACTIVE or product.seller.status != UserStatus.ACTIVE:
        raise NotFound(_l("Ce produit n'existe pas ou n'est plus en vente."))
    return product


def _quantity(value: object) -> int:
    quantity = parse_int(value)
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        raise Invalid(_l("Quantité invalide."), {"quantity": "invalid"})
    return quantity


def add(product_public_id: str, quantity: object = 1, user: User | None = None,
        session_key: str | None = None, person: events.Person | None = None) -> Cart:
    """Put a product in the cart (adding to the quantity already there). `person`: who to note it for
    (a visitor's anonymous id; by default the user)."""
    quantity = _quantity(quantity)
    product = _public_product(product_public_id)
    if user is not None and product.seller_id == user.id:
        raise Invalid(_l("Vous ne pouvez pas acheter votre propre article."), {"product_id": "own"})
    cart = _get_or_create(user, session_key)
    item = db.session.scalar(select(CartItem).where(CartItem.cart_id == cart.id, CartItem.product_id == product.id))
    wanted = quantity + (item.quantity if item else 0)
    if wanted > product.quantity:
        raise Invalid(_l("Il n'en reste que %(n)s.", n=product.quantity), {"quantity": "too_many"})
    if item is None:
        if len(cart.items) >= MAX_LINES:
            raise Invalid(_l("Votre panier est plein."), {"product_id": "cart_full"})
        db.session.add(CartItem(cart=cart, product=product, quantity=wanted))
    else:
        item.quantity = wanted
    db.session.commit()
    events.record(EventKind.CART, person or events.person_of(user), product.id)
    return cart


def add_listed(product_public_id: str, quantity: object = 1, user: User | None = None,
               session_key: str | None = None, person: events.Person | None = None) -> Cart:
    """add(), for a product named in a request body: an unknown or unlisted product is a bad value
    (Invalid on `product_id`), one that sold out meanwhile (reserved or sold) a Conflict."""
    try:
        return add(product_public_id, quantity, user=user, session_key=session_key, person=person)
    except NotFound as missing:
        product = db.session.scalar(select(Product).where(Product.public_id == str(product_public_id)[:16]))
        if (product is not None and product.status in (ProductStatus.RESERVED, ProductStatus.SOLD)
                and product.seller.status == UserStatus.ACTIVE):
            raise Conflict(_l("Cet article vient d'être vendu.")) from None
        raise Invalid(missing.message, {"product_id": "unknown"}) from None


def set_quantity(product_public_id: str, quantity: object, user: User | None = None,
                 session_key: str | None = None) -> None:
    cart = find(user, session_key)
    item = _item(cart, product_public_id)
    if str(quantity).strip() in ("0", ""):
        db.session.delete(item)
    else:
        wanted = _quantity(quantity)
        if wanted > item.product.quantity:
            raise Invalid(_l("Il n'en reste que %(n)s.", n=item.product.quantity), {"quantity": "too_many"})
        item.quantity = wanted
    db.session.commit()


def remove(product_public_id: str, user: User | None = None, session_key: str | None = None) -> None:
    cart = find(user, session_key)
    db.session.delete(_item(cart, product_public_id))
    db.session.commit()


def _item(cart: Cart | None, product_public_id: str) -> CartItem:
    item = None
    if cart is not None:
        item = db.session.scalar(
            select(CartItem).join(Product).where(CartItem.cart_id == cart.id,
                                                 Product.public_id == str(product_public_id)[:16])
        )
    if item is None:
        raise NotFound(_l("Cet article n'est pas dans votre panier."))
    return item


def merge_into_user(user: User, session_key: str | None) -> None:
    """At sign-in: the visitor's cart joins the saved cart (quantities capped by stock)."""
    if not session_key:
        return
    guest = find(session_key=session_key)
    if guest is None:
        return
    saved = _get_or_create(user=user)
    existing = {item.product_id: item for item in saved.items}
    for item in list(guest.items):
        if item.product.seller_id == user.id:
            continue
        if item.product_id in existing:
            existing[item.product_id].quantity = min(
                max(existing[item.product_id].quantity, item.quantity), max(item.product.quantity, 1)
            )
        else:
            saved.items.append(CartItem(product_id=item.product_id, quantity=item.quantity))
    db.session.delete(guest)
    db.session.commit()


def clear(cart: Cart, product_ids: Collection[int] | None = None) -> None:
    """Empty the cart (or only the given products) after an order was placed."""
    for item in list(cart.items):
        if product_ids is None or item.product_id in product_ids:
            db.session.delete(item)
