"""Alerts for clients: saved searches that tell of new listings, and favourites that tell of a lower price.

A saved search keeps the search page's own filters (words, category, city, highest price); whether a new
listing answers it is the catalogue's listing rule (`catalog.shows`), never a second one. Matching and
telling people run in jobs after the approval or the price change commits; the notification engine then
decides when and how each message goes (the "alerts" category), and its dedup keys make a second
approval or a second edit to the same price tell nobody twice. Sellers never hear of their own listing;
suspended accounts hear nothing."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.jobs import enqueue
from vgk.models import Favourite, Product, ProductStatus, SearchAlert, User, UserStatus
from vgk.services.catalogue import catalog, reference
from vgk.services.notifications import notify

MAX_ALERTS = 20  # saved searches per person
SAVED_FIELDS = ("q", "category", "city", "max_price")  # the search filters an alert keeps


# --- saved searches ------------------------------------------------------------------------------

def filters_of(alert: SearchAlert) -> catalog.ListingFilters:
    """The listing filters the alert stands for (newest first: the order does not change what matches)."""
    return catalog.ListingFilters(q=alert.query, category=reference.category(alert.category_id),
                                  city=reference.city(alert.city_id), max_price=alert.max_price)


def search_params(alert: SearchAlert) -> dict[str, object]:
    """The search page's query-string values for the alert."""
    return filters_of(alert).as_params()


def link(alert: SearchAlert) -> str:
    """The search page showing what the alert looks for."""
    return "/produits?" + urlencode(search_params(alert))


def describe(alert: SearchAlert, locale: str | None) -> str:
    """What the alert looks for, in a few words: its words, else its category, else its city."""
    if alert.query:
        return alert.query
    if alert.category is not None:
        return alert.category.name_for(locale)
    return alert.city.name if alert.city is not None else ""


def alerts_of(user: User) -> Sequence[SearchAlert]:
    """The person's saved searches, newest first."""
    return db.session.scalars(
        select(SearchAlert).where(SearchAlert.user_id == user.id)
        .options(selectinload(SearchAlert.category), selectinload(SearchAlert.city))
        .order_by(SearchAlert.created_at.desc(), SearchAlert.id.desc())
    ).all()


def _same(user: User, filters: catalog.ListingFilters) -> SearchAlert | None:
    return db.session.scalar(select(SearchAlert).where(
        SearchAlert.user_id == user.id, SearchAlert.query == filters.q,
        SearchAlert.category_id == (filters.category.id if filters.category else None),
        SearchAlert.city_id == (filters.city.id if filters.city else None),
        SearchAlert.max_price == filters.max_price,
    ).limit(1))


def create(user: User, params: Mapping[str, Any]) -> SearchAlert:
    """Save the search given by the search page's values (q, category, city, max_price). The same search
    saved again is the alert already there. Invalid for no filter or an unknown category or city;
    Conflict past MAX_ALERTS."""
    filters = catalog.ListingFilters.from_params({name: params.get(name) for name in SAVED_FIELDS})
    if filters.ignored:
        raise Invalid(_l("Catégorie ou ville inconnue."), {name: "unknown" for name in filters.ignored})
    if not (filters.q or filters.category or filters.city or filters.max_price is not None):
        raise Invalid(_l("Faites d'abord une recherche ou choisissez un filtre."))
    existing = _same(user, filters)
    if existing is not None:
        return existing
    count = db.session.scalar(select(func.count()).where(SearchAlert.user_id == user.id)) or 0
    if count >= MAX_ALERTS:
        raise Conflict(_l("Vous avez déjà %(max)d alertes : supprimez-en une d'abord.", max=MAX_ALERTS))
    alert = SearchAlert(user_id=user.id, query=filters.q, max_price=filters.max_price,
                        category_id=filters.category.id if filters.category else None,
                        city_id=filters.city.id if filters.city else None)
    db.session.add(alert)
    db.session.commit()
    return alert


def delete(user: User, public_id: object) -> None:
    """Remove one of the person's alerts; another person's or an unknown one is not found."""
    alert = db.session.scalar(select(SearchAlert).where(
        SearchAlert.public_id == str(public_id or "")[:16], SearchAlert.user_id == user.id))
    if alert is None:
        raise NotFound(_l("Alerte introuvable."))
    db.session.delete(alert)
    db.session.commit()


def listing_published(product: Product) -> None:
    """After an approval commits: match the saved searches in a job, not in the admin's request."""
    enqueue(match_listing, product.id)


def _candidates(product: Product) -> Sequence[tuple[SearchAlert, User]]:
    """Alerts (with their owner) of active accounts other than the seller's. City and price only narrow the
    list cheaply: whether the listing matches is decided by `catalog.shows`."""
    rows = db.session.execute(
        select(SearchAlert, User).join(User, User.id == SearchAlert.user_id)
        .where(User.status == UserStatus.ACTIVE, User.id != product.seller_id,
               or_(SearchAlert.city_id.is_(None), SearchAlert.city_id == product.city_id),
               or_(SearchAlert.max_price.is_(None), SearchAlert.max_price >= product.price))
        .options(selectinload(SearchAlert.category), selectinload(SearchAlert.city))
        .order_by(SearchAlert.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def match_listing(product_id: int, at: datetime | None = None) -> int:
    """Job: tell the owner of every saved search the newly visible listing answers. Returns how many."""
    product = db.session.get(Product, product_id)
    if product is None or product.status != ProductStatus.ACTIVE:
        return 0
    told = 0
    for alert, user in _candidates(product):
        if not catalog.shows(filters_of(alert), product.id):
            continue
        notify(user, "alert.saved_search",
               {"count": 1, "search": describe(alert, user.locale), "link": link(alert), "topic": alert.public_id},
               dedup_key=f"alert:{alert.id}:{product.id}", at=at)
        told += 1
    db.session.commit()
    return told


# --- price drops ---------------------------------------------------------------------------------

def is_price_drop(old_price: int, new_price: int) -> bool:
    """Lower by at least PRICE_DROP_MIN_PERCENT percent of the old price."""
    percent = int(current_app.config.get("PRICE_DROP_MIN_PERCENT", 10))
    return new_price < old_price and (old_price - new_price) * 100 >= percent * old_price


def price_changed(product: Product, old_price: int) -> None:
    """After a seller's edit commits: a big enough drop on a listing for sale tells its favourites (a job)."""
    if product.status == ProductStatus.ACTIVE and is_price_drop(old_price, product.price):
        enqueue(tell_price_drop, product.id, old_price, product.price)


def tell_price_drop(product_id: int, old_price: int, new_price: int, at: datetime | None = None) -> int:
    """Job: tell everyone who keeps the listing in favourites of its lower price (not the seller, not a
    suspended account; nothing when the listing left the sale or its price moved again). Returns how many."""
    product = db.session.get(Product, product_id)
    if product is None or product.status != ProductStatus.ACTIVE or product.price != new_price:
        return 0
    people = db.session.scalars(
        select(User).join(Favourite, Favourite.user_id == User.id)
        .where(Favourite.product_id == product.id, User.status == UserStatus.ACTIVE, User.id != product.seller_id)
        .order_by(User.id)
    ).all()
    for user in people:
        notify(user, "alert.price_drop",
               {"title": product.title[:60], "amount": new_price, "old_amount": old_price,
                "link": f"/p/{product.public_id}", "topic": product.public_id},
               dedup_key=f"price:{product.id}:{new_price}", at=at)
    db.session.commit()
    return len(people)
