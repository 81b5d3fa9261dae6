"""Public catalogue queries: listing with filters and sort, full-text search (with misspelled words
corrected when it finds nothing), product page, home."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from vgk.errors import NotFound
from vgk.extensions import db
from vgk.models import (
    Condition,
    EventKind,
    PickupPoint,
    Product,
    ProductStatus,
    User,
    UserStatus,
)
from vgk.services.catalogue import search, spelling
from vgk.services.catalogue.reference import CategoryRef, CityRef, PickupPointRef, reference
from vgk.services.catalogue.search import count_upto, sort_order
from vgk.services.catalogue.vocabulary import meaningful
from vgk.services.discovery import events
from vgk.services.paging import page_number, parse_int
from vgk.text import normalize, search_terms

SORTS = ("relevance", "newest", "price_asc", "price_desc")
MAX_PRICE = 1_000_000_000  # one billion XAF: above anything sold second-hand
MAX_QUERY_CHARS = 200


def _price(value: object) -> int | None:
    """A price typed in a filter ("25 000" too), brought into [0, MAX_PRICE]; None when not a number."""
    number = parse_int(value.replace(" ", "") if isinstance(value, str) else value)
    return None if number is None else min(max(number, 0), MAX_PRICE)


@dataclass
class ListingFilters:
    """Validated listing parameters. Anything unusable falls back to a sane default and is noted."""

    q: str = ""
    category: CategoryRef | None = None
    city: CityRef | None = None
    condition: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    sort: str = "newest"
    page: int = 1
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: Mapping[str, Any], max_page: int = 500) -> ListingFilters:
        """Build filters from raw request values (strings); never raises on bad input."""
        filters = cls()
        filters.q = (params.get("q") or "").strip()[:MAX_QUERY_CHARS]
        slug = (params.get("category") or "").strip()
        if slug:
            filters.category = reference().category_slugs.get(slug[:80])
            if filters.category is None:
                filters.ignored.append("category")
        slug = (params.get("city") or "").strip()
        if slug:
            filters.city = reference().city_slugs.get(slug[:60])
            if filters.city is None:
                filters.ignored.append("city")
        condition = (params.get("condition") or "").strip().upper()
        if condition:
            if condition in Condition.ALL:
                filters.condition = condition
            else:
                filters.ignored.append("condition")
        filters.min_price = _price(params.get("min_price"))
        filters.max_price = _price(params.get("max_price"))
        if (
            filters.min_price is not None
            and filters.max_price is not None
            and filters.min_price > filters.max_price
        ):
            filters.min_price, filters.max_price = filters.max_price, filters.min_price
        sort = (params.get("sort") or "").strip()
        default_sort = "relevance" if search_terms(filters.q) else "newest"
        filters.sort = sort if sort in SORTS else default_sort
        if filters.sort == "relevance" and default_sort != "relevance":
            filters.sort = "newest"
        filters.page = page_number(params.get("page"), max_page)
        return filters

    def as_params(self, **overrides: object) -> dict[str, object]:
        """Query-string values for links (pagination, sort) that keep the current filters."""
        values: dict[str, object] = {
            "q": self.q or None,
            "category": self.category.slug if self.category else None,
            "city": self.city.slug if self.city else None,
            "condition": self.condition,
            "min_price": self.min_price,
            "max_price": self.max_price,
            "sort": self.sort if self.sort not in ("newest", "relevance") else None,
            "page": self.page if self.page > 1 else None,
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.q or self.category or self.city or self.condition
            or self.min_price is not None or self.max_price is not None
        )


@dataclass
class Page:
    """A page of the public listing. Unlike vgk.services.paging.Page it is found without counting (one
    row more than the page tells whether there is a next one): counting a broad listing costs more than
    finding the page, so the count is only asked for, and capped (COUNT_LIMIT)."""

    items: list[Product]
    page: int
    per_page: int
    has_next: bool
    count: int | None = None  # how many results in all (at most COUNT_LIMIT), when asked for
    count_capped: bool = False  # there are more than COUNT_LIMIT results

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def category_tree() -> Sequence[CategoryRef]:
    """Top-level categories in use with their children in use, in display order (retired ones are not
    offered; their listings stay visible). Kept in memory until an admin changes a category."""
    return reference().tree


def cities() -> Sequence[CityRef]:
    return reference().cities


def _category_ids(category: CategoryRef) -> list[int]:
    return [category.id, *(child.id for child in category.all_children)]


# Products whose page stays public once they are no longer on sale: shared links keep working.
SOLD_OUT = (ProductStatus.RESERVED, ProductStatus.SOLD)


def _is_public(sold_out_too: bool = False) -> ColumnElement[bool]:
    """Listed publicly: ACTIVE (or, with `sold_out_too`, reserved or sold), by a seller whose account is
    active (suspended sellers are hidden)."""
    inactive_sellers = select(User.id).where(User.status != UserStatus.ACTIVE).scalar_subquery()
    status = (Product.status.in_((ProductStatus.ACTIVE, *SOLD_OUT)) if sold_out_too
              else Product.status == ProductStatus.ACTIVE)
    return and_(status, Product.seller_id.not_in(inactive_sellers))


def _public_products(sold_out_too: bool = False) -> Select[Product]:
    """Public products with their photos (their city and category are read from the reference lists)."""
    return select(Product).where(_is_public(sold_out_too)).options(selectinload(Product.images))


def load_public(ids: Sequence[int]) -> list[Product]:
    """Full public products for ids found by an id-only query, in the order of the ids (the ones no longer
    on sale left out), their photos read in the same statement."""
    if not ids:
        return []
    stmt = select(Product).where(_is_public(), Product.id.in_(ids)).options(joinedload(Product.images))
    found = {p.id: p for p in db.session.scalars(stmt).unique()}
    return [found[i] for i in ids if i in found]


_load = load_public


def _filter_conditions(filters: ListingFilters) -> list[ColumnElement[bool]]:
    """WHERE terms for the listing filters, visibility included."""
    conditions = [_is_public()]
    if filters.category is not None:
        conditions.append(Product.category_id.in_(_category_ids(filters.category)))
    if filters.city is not None:
        conditions.append(Product.city_id == filters.city.id)
    if filters.condition:
        conditions.append(Product.condition == filters.condition)
    if filters.min_price is not None:
        conditions.append(Product.price >= filters.min_price)
    if filters.max_price is not None:
        conditions.append(Product.price <= filters.max_price)
    return conditions


def _listing_ids(filters: ListingFilters) -> Select[int]:
    """The id-only query of the listing for the filters, in display order."""
    conditions = _filter_conditions(filters)
    terms = meaningful(search_terms(filters.q))
    if not terms:
        return select(Product.id).where(*conditions).order_by(*sort_order(filters.sort))
    found = search.new_search(terms)
    if db.engine.dialect.name == "postgresql":
        return search.postgres_search(found, conditions, filters.sort)
    return search.sqlite_search(found, conditions, filters.sort)


def _is_ranked(filters: ListingFilters) -> bool:
    """Whether the listing is a search ranked by relevance, which ranks a bounded number of matches
    (search.MAX_RANKED, once more for the products found by their category only)."""
    return filters.sort == "relevance" and bool(search_terms(filters.q))


def shows(filters: ListingFilters, product_id: int) -> bool:
    """Whether the listing for `filters` holds the product: the search's own rule, for saved searches."""
    return db.session.scalar(_listing_ids(filters).where(Product.id == product_id).limit(1)) is not None


# Counting every match of a broad listing costs more than finding the page (tens of ms at 100 000
# products, more for a search that also matches a category): counts stop here ("more than 1 000"),
# which nobody pages through on a phone; the pages themselves go on (up to the 500th, by has_next).
COUNT_LIMIT = 1_000


def list_products(filters: ListingFilters, per_page: int = 20, with_count: bool = False) -> Page:
    """One page of ACTIVE products for the given filters (with the number of results when
    `with_count`, exact up to COUNT_LIMIT: the app's paginated answers show it; relevance ranks at
    most MAX_RANKED).

    The page is found by an id-only query, which the covering listing indexes (migration 0002)
    answer without reading product rows; only the page's products are then loaded."""
    stmt = _listing_ids(filters)
    offset = (filters.page - 1) * per_page
    if with_count and _is_ranked(filters):
        # A ranked search holds at most a few MAX_RANKED rows, all sorted to find any page: read
        # them once for both the page and the count rather than ranking them twice.
        ranked = db.session.scalars(stmt).all()
        ids = ranked[offset:offset + per_page + 1]
        page = Page(items=_load(ids[:per_page]), page=filters.page, per_page=per_page, has_next=len(ids) > per_page)
        page.count, page.count_capped = min(len(ranked), COUNT_LIMIT), len(ranked) > COUNT_LIMIT
        return page
    ids = db.session.scalars(stmt.limit(per_page + 1).offset(offset)).all()
    page = Page(items=_load(ids[:per_page]), page=filters.page, per_page=per_page, has_next=len(ids) > per_page)
    if with_count:
        counted = count_upto(stmt.order_by(None), COUNT_LIMIT)
        page.count, page.count_capped = min(counted, COUNT_LIMIT), counted > COUNT_LIMIT
    return page


def get_public_product(public_id: object, sold_out_too: bool = False) -> Product:
    """An ACTIVE product by its public id (with `sold_out_too`, for its page: a reserved or sold one
    too); anything else is not found."""
    product = db.session.scalars(
        select(Product).where(_is_public(sold_out_too), Product.public_id == str(public_id)[:16])
        .options(joinedload(Product.images), joinedload(Product.seller))
    ).unique().first()
    if product is None:
        raise NotFound(_l("Ce produit n'existe pas ou n'est plus en vente."))
    return product


def record_view(product: Product, person: events.Person) -> None:
    """Count a visit: a behaviour event, written with others off the request path, which also adds it to the
    product's view count (vgk.services.discovery.events). Visits of people not tracked are counted, not kept."""
    events.record(EventKind.VIEW, person, product.id)


def similar_products(product: Product, limit: int = 6) -> list[Product]:
    """Public products of the same category family, closest in price first."""
    return _load(nearest_ids(product, limit))


def nearest_ids(product: Product, limit: int = 6) -> list[int]:
    """The ids of similar_products, in their order, in one statement.

    The nearest prices are the first rows above and the first rows below the product's price,
    two short walks of the price index instead of sorting the whole family by distance."""
    own = reference().categories.get(product.category_id)
    if own is None:
        return []
    family = own.family
    base = select(Product.id, Product.price).where(
        _is_public(), Product.category_id.in_(_category_ids(family)), Product.id != product.id
    )
    above = base.where(Product.price >= product.price).order_by(Product.price.asc(), Product.id.desc())
    below = base.where(Product.price < product.price).order_by(Product.price.desc(), Product.id.desc())
    rows = db.session.execute(
        union_all(select(above.limit(limit).subquery()), select(below.limit(limit).subquery()))
    ).all()
    nearest = sorted(rows, key=lambda row: (abs(row.price - product.price), -row.id))[:limit]
    return [row.id for row in nearest]


def newest_products(limit: int = 8) -> Sequence[Product]:
    return db.session.scalars(
        _public_products().order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    ).all()


def most_viewed_ids(limit: int = 8, city_id: int | None = None) -> list[int]:
    """The ids of most_viewed_products, in their order."""
    stmt = select(Product.id).where(_is_public())
    if city_id is not None:
        stmt = stmt.where(Product.city_id == city_id)
    return list(db.session.scalars(stmt.order_by(Product.view_count.desc(), Product.id.desc()).limit(limit)))


def most_viewed_products(limit: int = 8, city_id: int | None = None) -> Sequence[Product]:
    stmt = _public_products() if city_id is None else _public_products().where(Product.city_id == city_id)
    return db.session.scalars(stmt.order_by(Product.view_count.desc(), Product.id.desc()).limit(limit)).all()


@dataclass
class Suggestions:
    """What to offer when a search finds nothing: the categories its words name, the most viewed products."""

    categories: list[CategoryRef]
    popular: Sequence[Product]


def empty_search_suggestions(filters: ListingFilters, page: Page, corrected: Sequence[str] = (),
                             categories: int = 6, popular: int = 4) -> Suggestions | None:
    """For a search whose first page is empty (None otherwise): the categories named by any word of
    the query or of its `corrected` words (or a synonym), top-most first, and the most viewed products."""
    terms = search_terms(filters.q)
    if not terms or page.items or page.page > 1:
        return None
    named = search.named_categories(list(dict.fromkeys([*terms, *corrected]))).named
    found: list[CategoryRef] = []
    if named:
        known = reference().categories
        rows = sorted((known[i] for i in named if i in known and known[i].retired_at is None),
                      key=lambda row: (row.position, row.slug))
        # A subcategory is left out when its parent is offered already.
        found = [row for row in rows if row.parent_id not in named][:categories]
    return Suggestions(categories=found, popular=most_viewed_products(popular))


@dataclass
class Results:
    """What a listing request found: its page (`count`: how many results, when counted); for a search
    that found nothing as typed, `did_you_mean`, the corrected query whose results the page holds; and
    when nothing was found at all, what to offer instead."""

    page: Page
    query: str
    did_you_mean: str | None = None
    suggestions: Suggestions | None = None

    @property
    def count(self) -> int | None:
        return self.page.count


def _finds_any(filters: ListingFilters) -> bool:
    return db.session.scalar(_listing_ids(filters).limit(1)) is not None


def find_products(filters: ListingFilters, per_page: int = 20, with_count: bool = False) -> Results:
    """The listing page for the filters (see list_products). A search that finds nothing at all is tried
    again with its misspelled words corrected (spelling.py): when that finds something, its results
    are the page. Otherwise the page stays empty, with suggestions.

    The words are checked first: a word the correction replaces is in no listed product, so the query
    as typed finds nothing and the corrected one is searched straight away."""
    terms = meaningful(search_terms(filters.q))
    if not terms:
        return Results(list_products(filters, per_page, with_count), filters.q)
    names = search.category_names()
    correction = spelling.correct(terms, normalize(" ".join(f"{c.name_fr} {c.name_en}" for c in names)).split())
    if correction.changed:
        fixed = replace(filters, q=" ".join(correction.terms))
        fixed_page = list_products(fixed, per_page, with_count)
        if fixed_page.items or (fixed_page.page > 1 and _finds_any(fixed)):
            return Results(fixed_page, filters.q, did_you_mean=fixed.q)
    page = list_products(filters, per_page, with_count)
    if page.items or (page.page > 1 and _finds_any(filters)):
        return Results(page, filters.q)
    return Results(page, filters.q, suggestions=empty_search_suggestions(filters, page, correction.terms))


# --- places for the app's filters and checkout ----------------------------------------------------

def city_by_slug(slug: object) -> CityRef | None:
    clean = str(slug or "").strip()[:60]
    return reference().city_slugs.get(clean) if clean else None


def pickup_points(city_slug: object = None) -> Sequence[PickupPointRef]:
    """Active pickup points by city then name; in one city when a slug is given (none for an unknown one)."""
    points = reference().pickup_points
    if city_slug:
        slug = str(city_slug).strip()[:60]
        return [point for point in points if point.city.slug == slug]
    return points


def pickup_point_by_public_id(public_id: object) -> PickupPoint | None:
    """An active pickup point, or None."""
    point = db.session.scalar(
        select(PickupPoint).where(PickupPoint.public_id == str(public_id or "").strip()[:16]))
    return point if point is not None and point.is_active else None
