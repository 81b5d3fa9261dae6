"""Full-text search of the public listing: SQLite FTS5 / PostgreSQL tsvector over accent-free,
lower-cased titles and descriptions, each word widened to its singular and synonyms
(vocabulary.py), plus the products of the categories the query names, ranked after title matches."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union,
    union_all,
)
from sqlalchemy.sql.elements import UnaryExpression

from vgk.extensions import db
from vgk.models import Product, ProductStatus, SearchWord
from vgk.services.catalogue import reference
from vgk.services.catalogue.spelling import AFTER_Z
from vgk.services.catalogue.vocabulary import CategoryMatch, CategoryName, match_categories, text_alternatives

# Relevance ranks the most recently listed matches only, so a very common word ("neuf", "tele")
# costs the same as a rare one. That is 50 pages of 20: narrower words or a sort reach the rest.
MAX_RANKED = 1000
# Below this many matches, reading and sorting them beats walking the listing newest first testing
# each row: on SQLite, from a count (see sqlite_search); on PostgreSQL, whose planner does not know
# what testing a row against a long list of synonyms costs, from the words' counts (listings_at_most).
FEW_MATCHES = 5_000
COMMON_WORDS = 20_000


def sort_order(sort: str) -> tuple[UnaryExpression[Any], UnaryExpression[Any]]:
    if sort == "price_asc":
        return (Product.price.asc(), Product.id.desc())
    if sort == "price_desc":
        return (Product.price.desc(), Product.id.desc())
    return (Product.created_at.desc(), Product.id.desc())


def count_upto(stmt: Select[Any], limit: int) -> int:
    """How many rows the query returns, counting no further than limit + 1."""
    first_ones = stmt.limit(limit + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(first_ones)) or 0


def category_names() -> list[CategoryName]:
    """Every category's id, parent and names, from the reference lists (in memory)."""
    return [CategoryName(row.id, row.parent_id, row.name_fr, row.name_en)
            for row in reference.reference().categories.values()]


def named_categories(terms: Sequence[str]) -> CategoryMatch:
    return match_categories(terms, category_names())


def _group(term: str, postgres: bool, weight: str = "") -> str:
    """One term and its alternatives as an OR group. Words come from search_terms() and the
    vocabulary: [a-z0-9] only, so they are safe to quote this way."""
    if postgres:
        return "(" + " | ".join(f"{w}:{'*' if prefix else ''}{weight}" for w, prefix in text_alternatives(term)) + ")"
    return "(" + " OR ".join(f'"{w}"{"*" if prefix else ""}' for w, prefix in text_alternatives(term)) + ")"


def fts_queries(terms: Sequence[str]) -> tuple[str, str]:
    """Full-text match expressions for all terms (prefix match) and for title-only matches."""
    if db.engine.dialect.name == "postgresql":
        return " & ".join(_group(t, True) for t in terms), " & ".join(_group(t, True, "A") for t in terms)
    every = " AND ".join(_group(t, False) for t in terms)
    return every, f"search_title : ({every})"


_FTS = table("products_fts", column("rowid"))


def _fts_match(expression: str) -> ColumnElement[bool]:
    return literal_column("products_fts").bool_op("MATCH")(expression)


def _pg_match(expression: str) -> ColumnElement[bool]:
    vector: ColumnElement[Any] = literal_column("products.search_vector")
    return vector.bool_op("@@")(func.to_tsquery(literal_column("'simple'"), expression))


@dataclass
class Search:
    """A query's words as full-text expressions, and the categories it names."""

    terms: list[str]
    categories: CategoryMatch
    # SQLite: the terms no category name answers are in so many listings that testing a category's
    # products for membership of their matches beats looking each match up (see sqlite_search).
    common_rest: bool = False

    def text_match(self, membership: bool = False) -> ColumnElement[bool]:
        """Products whose text has every term (or an alternative)."""
        every, _ = fts_queries(self.terms)
        if db.engine.dialect.name == "postgresql":
            return _pg_match(every)
        matching = select(_FTS.c.rowid).where(_fts_match(every))
        return (Product.id + 0).in_(matching) if membership else Product.id.in_(matching)

    def in_category(self) -> ColumnElement[bool] | None:
        """Products of a named category whose text has the terms no category name answers."""
        if not self.categories.ids:
            return None
        condition = Product.category_id.in_(self.categories.ids)
        if self.categories.rest:
            rest = Search(self.categories.rest, CategoryMatch([], [], []))
            return condition & rest.text_match(membership=self.common_rest)
        return condition


def new_search(terms: list[str]) -> Search:
    return Search(terms, named_categories(terms))


def listings_at_most(terms: Sequence[str]) -> int:
    """At most how many listed products have every term, from the words' counts (`search_words`, one
    query): for each term, the listings of the words its alternatives are or start; the fewest over
    the terms. A term with an alternative too short to be counted there says nothing."""
    counted = [alternatives for alternatives in (text_alternatives(term) for term in terms)
               if all(len(word) >= 3 for word, _prefix in alternatives)]
    if not counted:
        return COMMON_WORDS + 1
    sums = [
        select(func.coalesce(func.sum(SearchWord.products), 0)).where(or_(*[
            (SearchWord.word >= word) & (SearchWord.word < word + AFTER_Z) if prefix else SearchWord.word == word
            for word, prefix in alternatives
        ])).scalar_subquery()
        for alternatives in counted
    ]
    return min(db.session.execute(select(*sums)).one())


def postgres_search(search: Search, conditions: list[ColumnElement[bool]], sort: str) -> Select[int]:
    """Ids query on PostgreSQL: the GIN index on search_vector finds the text matches, the
    status-category index the named categories' products."""
    every, title = fts_queries(search.terms)
    by_category = search.in_category()
    if sort != "relevance":
        matches = _pg_match(every) if by_category is None else _pg_match(every) | by_category
        return select(Product.id).where(*conditions, matches).order_by(*sort_order(sort))

    def newest(matches: ColumnElement[bool], few: bool = False) -> Select[Any]:
        # `id + 0`: sort the matches the index found, rather than walk the listing testing each row.
        order = (Product.id + 0).desc() if few else Product.id.desc()
        return select(Product.id).where(*conditions, matches).order_by(order).limit(MAX_RANKED)

    text = newest(_pg_match(every), few=listings_at_most(search.terms) <= FEW_MATCHES)
    if by_category is None:
        recent = text.subquery("recent")
    else:
        # The newest matches of each kind, then the newest of both: with the two conditions OR-ed, the
        # planner walks the listing newest first testing every row, as it cannot tell how rare the
        # matches are (tens of thousands of rows for "canape neuf"); apart, each uses its index.
        both = union(select(text.subquery()), select(newest(by_category).subquery())).subquery()
        recent = select(both.c.id).order_by(both.c.id.desc()).limit(MAX_RANKED).subquery("recent")
    rank = func.ts_rank(literal_column("products.search_vector"), func.to_tsquery(literal_column("'simple'"), every))
    return (
        select(Product.id)
        .join(recent, recent.c.id == Product.id)
        .order_by(_pg_match(title).desc(), *_category_first(search), rank.desc(), *sort_order("newest"))
    )


def _category_first(search: Search) -> tuple[Any, ...]:
    """Order terms: products of the named categories before the other (description) matches."""
    if not search.categories.ids:
        return ()
    return (Product.category_id.in_(search.categories.ids).desc(),)


def sqlite_search(search: Search, conditions: list[ColumnElement[bool]], sort: str) -> Select[int]:
    """Ids query on SQLite: the FTS5 table products_fts finds the text matches.

    FTS5 hands out matches in rowid order and cannot check the other filters; visiting a
    matching row to check them costs about half a microsecond, which adds up for common words
    (tens of thousands of matches), and SQLite has no statistics to see it coming. So the plan
    follows cheap, bounded counts of the matches (the text's; with a named category, the other
    terms' and the category's products, the union only when these cannot tell on which side of
    COMMON_WORDS it is). `x + 0 IN (...)` tests membership in the
    match set without letting SQLite turn the set into one row lookup per id."""
    every, title = fts_queries(search.terms)
    text_matching = select(_FTS.c.rowid).where(_fts_match(every))
    matches = count_upto(text_matching, COMMON_WORDS)
    matching: Any = text_matching
    bound = _with_category(search, matches) if search.categories.ids else matches
    by_category = search.in_category()
    if by_category is not None:
        category_matching = select(Product.id).where(Product.status == ProductStatus.ACTIVE, by_category)
        matching = union(text_matching, category_matching)
    # Only when the cheap counts cannot tell which side of COMMON_WORDS it is: count both exactly.
    matches = bound if bound is not None else count_upto(
        select(literal_column("1")).select_from(matching.subquery()), COMMON_WORDS)
    if sort != "relevance":
        if matches <= FEW_MATCHES:  # read the matching rows and sort them
            return select(Product.id).where(*conditions, Product.id.in_(matching)).order_by(*sort_order(sort))
        # Walk the sort order's covering index, keeping matching rows: stops when the page is full.
        member = (Product.id + 0).in_(matching)
        return select(Product.id).where(*conditions, member).order_by(*sort_order(sort))
    in_title = Product.id.in_(select(_FTS.c.rowid).where(_fts_match(title)))
    if matches > COMMON_WORDS:
        # Words found in so many listings ("neuf", "bon etat") say little about relevance (their
        # bm25 weight is nearly nil) and scoring them reads every match twice: the MAX_RANKED
        # newest matches, found through the newest-first listing index, title matches first.
        recent = (
            select(Product.id)
            .where(*conditions, (Product.id + 0).in_(matching))
            .order_by(*sort_order("newest"))
            .limit(MAX_RANKED)
            .subquery("recent")
        )
        return (
            select(Product.id)
            .join(recent, recent.c.id == Product.id)
            .order_by(in_title.desc(), *_category_first(search), *sort_order("newest"))
        )
    return _sqlite_ranked(search, conditions, every, in_title, text_matching)


def _with_category(search: Search, text_matches: int) -> int | None:
    """How many products the text or the named categories match, as far as the plan needs to know it,
    from cheap counts: the text matches alone when they are common words already, their sum with the
    category's products (or the other terms' matches, if fewer) when that stays below COMMON_WORDS;
    None when only the exact count of both can tell. Sets `common_rest` on the search."""
    if text_matches > COMMON_WORDS:
        return text_matches
    bound = COMMON_WORDS + 1
    if search.categories.rest:
        rest, _ = fts_queries(search.categories.rest)
        bound = count_upto(select(_FTS.c.rowid).where(_fts_match(rest)), COMMON_WORDS)
        search.common_rest = bound > FEW_MATCHES
    if text_matches + bound > COMMON_WORDS:
        bound = min(bound, count_upto(select(Product.id).where(
            Product.status == ProductStatus.ACTIVE, Product.category_id.in_(search.categories.ids)), COMMON_WORDS))
    return text_matches + bound if text_matches + bound <= COMMON_WORDS else None


def _sqlite_ranked(search: Search, conditions: list[ColumnElement[bool]], every: str,
                   in_title: ColumnElement[bool], text_matching: Select[Any]) -> Select[int]:
    """Rank the MAX_RANKED newest matches that pass the filters, visited newest first from the
    full-text index, where bm25 is computed: at most COMMON_WORDS rows visited. Products found by
    their category only (the newest MAX_RANKED) follow with a neutral score."""
    score = func.bm25(literal_column("products_fts"), 10.0, 1.0)
    scored: Any = (
        select(_FTS.c.rowid.label("id"), score.label("score"))
        .join(Product, Product.id == _FTS.c.rowid)
        .where(_fts_match(every), *conditions)
        .order_by(_FTS.c.rowid.desc())
        .limit(MAX_RANKED)
    )
    by_category = search.in_category()
    if by_category is not None:
        category_only = (
            select(Product.id.label("id"), literal(0.0).label("score"))
            .where(*conditions, by_category, (Product.id + 0).not_in(text_matching))
            .order_by(*sort_order("newest"))
            .limit(MAX_RANKED)
        )
        scored = union_all(select(scored.subquery()), select(category_only.subquery()))
    recent = scored.subquery("recent")
    return (
        select(Product.id)
        .join(recent, recent.c.id == Product.id)
        .order_by(in_title.desc(), *_category_first(search), recent.c.score, *sort_order("newest"))
    )
