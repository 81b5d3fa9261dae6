"""Public catalogue queries: listing with filters and sort, full-text search, product page, home."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal_column, select, text, update
from sqlalchemy.orm import selectinload

from vgk.errors import NotFound
from vgk.extensions import db
from vgk.models import Category, City, Condition, Product, ProductStatus
from vgk.text import search_terms

SORTS = ("relevance", "newest", "price_asc", "price_desc")
MAX_PRICE = 1_000_000_000  # one billion XAF: above anything sold second-hand
MAX_QUERY_CHARS = 200


def _to_int(value, default=None, low=None, high=None):
    try:
        number = int(str(value).strip().replace(" ", ""))
    except (TypeError, ValueError):
        return default
    if low is not None and number < low:
        return default if default is not None else low
    if high is not None and number > high:
        number = high
    return number


@dataclass
class ListingFilters:
    """Validated listing parameters. Anything unusable falls back to a sane default and is noted."""

    q: str = ""
    category: Category | None = None
    city: City | None = None
    condition: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    sort: str = "newest"
    page: int = 1
    ignored: list = field(default_factory=list)

    @classmethod
    def from_params(cls, params, max_page=500):
        """Build filters from raw request values (strings); never raises on bad input."""
        filters = cls()
        filters.q = (params.get("q") or "").strip()[:MAX_QUERY_CHARS]
        slug = (params.get("category") or "").strip()
        if slug:
            filters.category = db.session.scalar(select(Category).where(Category.slug == slug[:80]))
            if filters.category is None:
                filters.ignored.append("category")
        slug = (params.get("city") or "").strip()
        if slug:
            filters.city = db.session.scalar(select(City).where(City.slug == slug[:60]))
            if filters.city is None:
                filters.ignored.append("city")
        condition = (params.get("condition") or "").strip().upper()
        if condition:
            if condition in Condition.ALL:
                filters.condition = condition
            else:
                filters.ignored.append("condition")
        filters.min_price = _to_int(params.get("min_price"), None, 0, MAX_PRICE)
        filters.max_price = _to_int(params.get("max_price"), None, 0, MAX_PRICE)
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
        filters.page = _to_int(params.get("page"), 1, 1, max_page)
        return filters

    def as_params(self, **overrides):
        """Query-string values for links (pagination, sort) that keep the current filters."""
        values = {
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
    def is_filtered(self):
        return bool(
            self.q or self.category or self.city or self.condition
            or self.min_price is not None or self.max_price is not None
        )


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self):
        return self.page > 1


def category_tree():
    """Top-level categories with their children loaded, in display order."""
    return db.session.scalars(
        select(Category)
        .where(Category.parent_id.is_(None))
        .options(selectinload(Category.children))
        .order_by(Category.position, Category.slug)
    ).all()


def cities():
    return db.session.scalars(select(City).order_by(City.position, City.name)).all()


def _category_ids(category):
    ids = [category.id]
    ids += db.session.scalars(select(Category.id).where(Category.parent_id == category.id)).all()
    return ids


def _public_products():
    return (
        select(Product)
        .where(Product.status == ProductStatus.ACTIVE)
        .options(selectinload(Product.images), selectinload(Product.city))
    )


def _fts_queries(terms):
    """Full-text match expressions for all terms (prefix match) and for title-only matches."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        every = " & ".join(f"{t}:*" for t in terms)
        title = " & ".join(f"{t}:*A" for t in terms)
    else:
        every = " AND ".join(f'"{t}"*' for t in terms)
        title = "search_title : (" + " AND ".join(f'"{t}"*' for t in terms) + ")"
    return every, title


def _apply_search(stmt, terms, rank):
    """Restrict to products matching every term; when ranking, title matches come first."""
    every, title = _fts_queries(terms)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.where(
            text("products.search_vector @@ to_tsquery('simple', :fts_every)").bindparams(fts_every=every)
        )
        if rank:
            stmt = stmt.order_by(
                text("products.search_vector @@ to_tsquery('simple', :fts_title) DESC").bindparams(
                    fts_title=title
                ),
                text("ts_rank(products.search_vector, to_tsquery('simple', :fts_rank)) DESC").bindparams(
                    fts_rank=every
                ),
            )
        return stmt
    matches = (
        text(
            "SELECT rowid AS product_id, bm25(products_fts, 10.0, 1.0) AS score "
            "FROM products_fts WHERE products_fts MATCH :fts_every"
        )
        .bindparams(fts_every=every)
        .columns(literal_column("product_id"), literal_column("score"))
        .subquery("fts")
    )
    stmt = stmt.join(matches, matches.c.product_id == Product.id)
    if rank:
        title_hits = (
            text("SELECT rowid FROM products_fts WHERE products_fts MATCH :fts_title")
            .bindparams(fts_title=title)
            .columns(literal_column("rowid"))
        )
        stmt = stmt.order_by(Product.id.in_(title_hits).desc(), matches.c.score)
    return stmt


def list_products(filters, per_page=20):
    """One page of ACTIVE products for the given filters."""
    stmt = _public_products()
    if filters.category is not None:
        stmt = stmt.where(Product.category_id.in_(_category_ids(filters.category)))
    if filters.city is not None:
        stmt = stmt.where(Product.city_id == filters.city.id)
    if filters.condition:
        stmt = stmt.where(Product.condition == filters.condition)
    if filters.min_price is not None:
        stmt = stmt.where(Product.price >= filters.min_price)
    if filters.max_price is not None:
        stmt = stmt.where(Product.price <= filters.max_price)
    terms = search_terms(filters.q)
    if terms:
        stmt = _apply_search(stmt, terms, rank=filters.sort == "relevance")
    if filters.sort == "price_asc":
        stmt = stmt.order_by(Product.price.asc(), Product.id.desc())
    elif filters.sort == "price_desc":
        stmt = stmt.order_by(Product.price.desc(), Product.id.desc())
    else:
        stmt = stmt.order_by(Product.created_at.desc(), Product.id.desc())
    offset = (filters.page - 1) * per_page
    rows = db.session.scalars(stmt.limit(per_page + 1).offset(offset)).unique().all()
    return Page(items=rows[:per_page], page=filters.page, per_page=per_page, has_next=len(rows) > per_page)


def get_public_product(public_id):
    """An ACTIVE product by its public id; anything else is not found."""
    product = db.session.scalar(
        _public_products()
        .where(Product.public_id == str(public_id)[:16])
        .options(selectinload(Product.category).selectinload(Category.parent), selectinload(Product.seller))
    )
    if product is None:
        raise NotFound(_l("Ce produit n'existe pas ou n'est plus en vente."))
    return product


def record_view(product):
    """Count a visit without touching the product's updated_at."""
    db.session.execute(
        update(Product)
        .where(Product.id == product.id)
        .values(view_count=Product.view_count + 1, updated_at=Product.updated_at)
    )
    db.session.commit()


def similar_products(product, limit=6):
    """Public products of the same category family, closest in price first."""
    family = product.category.parent or product.category
    stmt = (
        _public_products()
        .where(Product.category_id.in_(_category_ids(family)), Product.id != product.id)
        .order_by(func.abs(Product.price - product.price), Product.id.desc())
        .limit(limit)
    )
    return db.session.scalars(stmt).all()


def newest_products(limit=8):
    return db.session.scalars(
        _public_products().order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    ).all()


def most_viewed_products(limit=8):
    return db.session.scalars(
        _public_products().order_by(Product.view_count.desc(), Product.id.desc()).limit(limit)
    ).all()
