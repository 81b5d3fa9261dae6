"""What pages and the app read from the recommenders' tables, each item with its reason in the reader's
language: a product's similar items and the items seen with it, what is trending in a city, and a
person's feed ("Pour vous"), which blends the neighbours of what they did lately with what is trending
where they are (recommenders.blend). Only products on sale appear; a new listing that the job has not
seen yet gets the category-and-price rule instead, and a person without history gets their city's trend."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from vgk.extensions import db
from vgk.models import (
    BehaviourEvent,
    Category,
    City,
    EventKind,
    ItemNeighbour,
    NeighbourKind,
    Product,
    TrendingItem,
    User,
)
from vgk.services.catalogue import catalog, reference
from vgk.services.catalogue.reference import CityRef
from vgk.services.discovery import events, recommenders
from vgk.services.discovery.events import Person

HISTORY_ROWS = 100  # the latest events read for a feed (a product seen often counts once)


@dataclass(frozen=True)
class Suggestion:
    product: Product
    reason: str
    personal: bool = False  # from what the person did (not the trend of their city)


_NEIGHBOURS = (select(ItemNeighbour.neighbour_id)
               .where(ItemNeighbour.product_id == bindparam("pid"), ItemNeighbour.kind == bindparam("kind"))
               .order_by(ItemNeighbour.rank))
_BOTH_NEIGHBOURS = (select(ItemNeighbour.neighbour_id, ItemNeighbour.kind)
                    .where(ItemNeighbour.product_id == bindparam("pid"),
                           ItemNeighbour.kind.in_((NeighbourKind.CONTENT, NeighbourKind.COVIEW)))
                    .order_by(ItemNeighbour.rank))


def _alike(product: Product, other: Product) -> str:
    parts = [_("Même catégorie") if other.category_id == product.category_id else _("Même rayon")]
    city = reference.city(other.city_id)
    if other.city_id == product.city_id and city is not None:
        parts.append(_("à %(city)s", city=city.name))
    low, high = sorted((max(product.price, 1), max(other.price, 1)))
    if high <= 1.5 * low:
        parts.append(_("prix proche"))
    return " · ".join(parts)


def for_product(product: Product, limit: int = 6) -> tuple[list[Suggestion], list[Suggestion]]:
    """A product page's two lists: the items alike in words, category, city and price (`similar`), and the
    items its visitors looked at, liked or bought too, not among the first (`seen together`). Both kinds
    of neighbours are read in one statement and every item in one more; a product the job has not seen
    yet (too few neighbours) adds the category-and-price rule's statement."""
    rows = db.session.execute(_BOTH_NEIGHBOURS, {"pid": product.id}).all()
    content = [other for other, kind in rows if kind == NeighbourKind.CONTENT]
    coview = [other for other, kind in rows if kind == NeighbourKind.COVIEW]
    rule = catalog.nearest_ids(product, limit) if len(content) < limit else []
    loaded = {item.id: item for item in catalog.load_public(list(dict.fromkeys([*content, *rule, *coview])))}
    found = _picked(content, loaded, {product.id}, limit)
    if len(found) < limit and not rule:  # neighbours no longer on sale: the rule completes them
        rule = catalog.nearest_ids(product, limit)
        loaded.update((item.id, item) for item in catalog.load_public([i for i in rule if i not in loaded]))
    found += _picked(rule, loaded, {product.id, *(item.id for item in found)}, limit - len(found))
    similar_items = [Suggestion(item, _alike(product, item)) for item in found]
    taken = {product.id, *(item.id for item in found)}
    together = [Suggestion(item, _("Vu aussi par les visiteurs de cet article"))
                for item in _picked(coview, loaded, taken, limit)]
    return similar_items, together


def _picked(ids: Sequence[int], loaded: dict[int, Product], taken: set[int], limit: int) -> list[Product]:
    return [loaded[i] for i in dict.fromkeys(ids) if i in loaded and i not in taken][:max(limit, 0)]


def similar(product: Product, limit: int = 6) -> list[Suggestion]:
    """Items alike in words, category, city and price (see for_product)."""
    return for_product(product, limit)[0]


def seen_together(product: Product, limit: int = 6, shown: Sequence[Suggestion] = ()) -> list[Suggestion]:
    """Items the visitors of this one looked at, liked or bought too (not those `shown` already)."""
    ids = db.session.scalars(_NEIGHBOURS, {"pid": product.id, "kind": NeighbourKind.COVIEW}).all()
    taken = {product.id} | {s.product.id for s in shown}
    found = [item for item in catalog.load_public(ids) if item.id not in taken][:limit]
    return [Suggestion(item, _("Vu aussi par les visiteurs de cet article")) for item in found]


def _trending_ids(city_id: int, families: Sequence[int] = ()) -> list[tuple[int, float]]:
    """Trending (product, score) in a city, the person's categories first weighing more."""
    scopes = [0, *families]
    rows = db.session.execute(
        select(TrendingItem.product_id, TrendingItem.score, TrendingItem.category_id)
        .where(TrendingItem.city_id == city_id, TrendingItem.category_id.in_(scopes))
        .order_by(TrendingItem.category_id, TrendingItem.rank)).all()
    return recommenders.local_trend((product, value, scope) for product, value, scope in rows)


def trending(city: City | CityRef | None, limit: int = 8) -> list[Suggestion]:
    """What is in demand in a city (everywhere without one); the most viewed there until the job has run.
    A small town's list is completed by what is in demand everywhere. The candidates' ids are read first
    (the trends of both places in one statement, the most viewed only when the trends are too few), then
    every product in one statement."""
    scopes = [city.id, 0] if city is not None else [0]
    rows = db.session.execute(
        select(TrendingItem.city_id, TrendingItem.product_id, TrendingItem.score)
        .where(TrendingItem.city_id.in_(scopes), TrendingItem.category_id == 0)
        .order_by(TrendingItem.rank)).all()
    trends = {scope: [product for product, _score in recommenders.local_trend(
        (product, score, 0) for where, product, score in rows if where == scope)][:limit * 2] for scope in scopes}
    here = trends[scopes[0]]
    if len(here) < limit:
        here = list(dict.fromkeys([*here, *catalog.most_viewed_ids(limit * 2, city_id=city.id if city else None)]))
    everywhere: list[int] = []
    if city is not None and len(here) < limit:
        everywhere = trends[0] if len(trends[0]) >= limit else list(dict.fromkeys(
            [*trends[0], *catalog.most_viewed_ids(limit * 2)]))
    loaded = {item.id: item for item in catalog.load_public(list(dict.fromkeys([*here, *everywhere])))}
    reason = _("Populaire à %(city)s", city=city.name) if city else _("Populaire en ce moment")
    result = [Suggestion(loaded[i], reason) for i in here if i in loaded][:limit]
    if city is not None and len(result) < limit:
        taken = {s.product.id for s in result}
        result += [Suggestion(loaded[i], _("Populaire en ce moment")) for i in everywhere
                   if i in loaded and i not in taken][:limit - len(result)]
    return result


def _history(person: Person) -> list[tuple[int, str]]:
    """(product, strongest thing done with it), most recent first."""
    if not person.tracked:
        return []
    who = (BehaviourEvent.user_id == person.user_id if person.user_id is not None
           else BehaviourEvent.visitor == person.visitor)
    rows = db.session.execute(
        select(BehaviourEvent.product_id, BehaviourEvent.kind)
        .where(who, BehaviourEvent.product_id.is_not(None), BehaviourEvent.kind != EventKind.SEARCH)
        .order_by(BehaviourEvent.created_at.desc(), BehaviourEvent.id.desc()).limit(HISTORY_ROWS)).all()
    waiting = events.waiting_for(person)
    return recommenders.recent_history(waiting + [(product, kind) for product, kind in rows if product is not None])


def city_for(person: Person, chosen: City | CityRef | None = None,
             user: User | None = None) -> City | CityRef | None:
    """The city to show: the one chosen, the account's, the one most of the person's products are in, or
    the first city."""
    if chosen is not None:
        return chosen
    if user is not None and getattr(user, "city_id", None):
        return reference.city(user.city_id)
    history = [product for product, _kind in _history(person)]
    if history:
        top = db.session.execute(
            select(Product.city_id, func.count()).where(Product.id.in_(history))
            .group_by(Product.city_id).order_by(func.count().desc(), Product.city_id).limit(1)).first()
        if top is not None:
            return reference.city(top[0])
    cities = reference.reference().cities
    return cities[0] if cities else None


def _reason(kind: str, title: str, source: str = "") -> str:
    if source == "coview":
        return _("Vu par ceux qui ont regardé « %(title)s »", title=title)
    if kind == "purchase":
        return _("Parce que vous avez acheté « %(title)s »", title=title)
    if kind == "favourite":
        return _("Parce que vous aimez « %(title)s »", title=title)
    if kind in ("cart", "offer"):
        return _("Parce que « %(title)s » vous intéresse", title=title)
    return _("Parce que vous avez regardé « %(title)s »", title=title)


def for_person(person: Person, city: City | CityRef | None, limit: int = 10,
               user: User | None = None) -> list[Suggestion]:
    """A person's feed: the neighbours of what they did lately and what is trending in their city, never
    what they already saw or their own listings."""
    history = _history(person)
    if not history:
        return trending(city, limit)
    seen = [product for product, _kind in history]
    known = {row.id: row for row in db.session.execute(
        select(Product.id, Product.title, func.coalesce(Category.parent_id, Category.id).label("family"))
        .join(Category, Category.id == Product.category_id).where(Product.id.in_(seen)))}
    families = [family for family, _n in Counter(row.family for row in known.values()).most_common(2)]
    neighbours: dict[int, list[tuple[int, float, str]]] = {}
    for source, other, score, kind in db.session.execute(
            select(ItemNeighbour.product_id, ItemNeighbour.neighbour_id, ItemNeighbour.score, ItemNeighbour.kind)
            .where(ItemNeighbour.product_id.in_(seen))):
        neighbours.setdefault(source, []).append((other, score, kind))
    trend = _trending_ids(city.id, families) if city is not None else []
    picks = recommenders.blend(history, neighbours, trend, k=limit * 2)
    own = person.user_id
    products = {item.id: item for item in catalog.load_public([pick.product_id for pick in picks])
                if own is None or item.seller_id != own}
    result = []
    for pick in picks:
        item = products.get(pick.product_id)
        if item is None:
            continue
        if pick.because is not None and pick.because in known:
            result.append(Suggestion(item, _reason(pick.kind, known[pick.because].title, pick.source),
                                     personal=True))
        else:
            result.append(Suggestion(item, _("Populaire à %(city)s", city=city.name) if city
                                     else _("Populaire en ce moment")))
        if len(result) == limit:
            break
    if len(result) < limit // 2:  # little to go on yet: the city's trend completes it
        taken = {s.product.id for s in result} | set(seen)
        result += [s for s in trending(city, limit) if s.product.id not in taken
                   and (own is None or s.product.seller_id != own)][:limit - len(result)]
    return result


