"""The catalogue for the app: listing with the web's filters, product page, favourites, trending and
recommended products, and the reference lists the app filters and checks out with (categories, cities,
pickup points). Public, except the favourite toggle (clients)."""
from dataclasses import dataclass
from functools import partial

from flask import make_response, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from vgk import page_cache
from vgk.api import bp
from vgk.api.base import (
    MAX_PAGE,
    VISITOR_HEADER,
    api_client,
    api_person,
    body,
    boolean,
    current_api_user,
    integer,
    ok,
    page_number,
    page_of,
    public_api,
)
from vgk.api.openapi import envelope, nullable, operation, page_envelope, page_param, query, ref, schemas
from vgk.api.schemas import category_json, city_json, pickup_point_json, product_card_json, product_detail_json
from vgk.errors import Invalid
from vgk.models import Condition, EventKind
from vgk.services.catalogue import catalog, social, versions
from vgk.services.discovery import events, suggestions

PER_PAGE = 20
SHORT_LIST = 20
AMOUNT = {"type": "integer", "minimum": 0, "maximum": catalog.MAX_PRICE}

schemas(
    CategoryTree={"type": "object", "required": ["slug", "name", "children"], "properties": {
        "slug": {"type": "string"}, "name": {"type": "string"}, "icon": {"type": "string"},
        "children": {"type": "array", "items": ref("Category")},
    }},
)


LISTING_PAGE = page_envelope(ref("ProductCard"))
LISTING_PAGE["properties"]["count_capped"] = {"type": "boolean"}
LISTING_PAGE["required"].append("count_capped")
LISTING_PAGE["properties"]["did_you_mean"] = {
    "type": ["string", "null"],
    "description": "When the search as typed finds nothing and its misspelled words corrected find something: "
                   "the corrected query (accent-free words), whose results these are. Null otherwise.",
}
LISTING_PAGE["required"].append("did_you_mean")
LISTING_PAGE["properties"]["suggestions"] = {
    "type": "object", "required": ["categories", "products"],
    "description": "Only when a search finds nothing: categories its words name, the most viewed products.",
    "properties": {"categories": {"type": "array", "items": ref("Category")},
                   "products": {"type": "array", "items": ref("ProductCard")}},
}


def cleaned(values):
    """Request values without NUL characters (PostgreSQL refuses them in strings), first value of each."""
    return {key: str(value).replace("\x00", "") for key, value in values.items()}


def _shared(response):
    """An answer the same for every caller without a token (cacheable: vgk.page_cache)."""
    return page_cache.shareable(make_response(response)) if not request.headers.get("Authorization") else response


def _cards(products):
    return [product_card_json(product) for product in products]


@bp.get("/products/")
@public_api
@operation(
    "List products", tag="products", ok=LISTING_PAGE,
    description="ACTIVE products, 20 a page, with the web listing's filters. `count` is exact up to 1 000 and "
                "`count_capped` says there are more (pages go on to the 500th: follow `next`). An unknown category or "
                "city is ignored (as on the web); a condition, sort, price or page outside its schema is a 400. "
                "`sort` defaults to `relevance` with a search, else `newest`; `relevance` needs `q`.",
    params=[
        query("q", {"type": "string"}, "words searched in titles (first), category names (FR and EN, "
                                       "then) and descriptions, with common synonyms (telephone: smartphone, "
                                       "portable...); misspelled words are corrected when the query as typed "
                                       "finds nothing (see `did_you_mean`); the first 200 characters count"),
        query("category", {"type": "string"}, "category slug (its subcategories included); unknown: ignored"),
        query("city", {"type": "string"}, "city slug; unknown: ignored"),
        query("condition", {"enum": list(Condition.ALL)}, "item condition"),
        query("min_price", AMOUNT, "lowest price, XAF"),
        query("max_price", AMOUNT, "highest price, XAF"),
        query("sort", {"enum": list(catalog.SORTS)}, "order of the results"),
        page_param(),
    ],
)
def list_products():
    number = page_number()
    params = cleaned(request.args)
    for name, allowed in (("condition", Condition.ALL), ("sort", catalog.SORTS)):
        if name in params and params[name] not in allowed:
            raise Invalid(_l("Valeur invalide."), {name: "invalid"})
    for name in ("min_price", "max_price"):
        if name in params:
            integer(params, name, required=True, low=0, high=catalog.MAX_PRICE)
    params["page"] = number
    filters = catalog.ListingFilters.from_params(params, MAX_PAGE)
    # The same for every caller in a language: kept while the catalogue does not change (at most a minute).
    listing = versions.kept("api-products", (tuple(filters.as_params().items()), str(get_locale())),
                            partial(_listing, filters))
    if filters.q and number == 1:
        events.record(EventKind.SEARCH, api_person(), query=filters.q, results=listing.count)
    response = page_of(list(listing.cards), page=number, per_page=PER_PAGE, count=listing.count,
                       count_capped=listing.count_capped, fields=dict(listing.fields), endpoint="api.list_products")
    return response if filters.q else _shared(response)  # a search is counted: never answered from a cache


@dataclass(frozen=True)
class _Listing:
    cards: list
    count: int
    count_capped: bool
    fields: dict


def _listing(filters):
    found = catalog.find_products(filters, PER_PAGE, with_count=True)
    fields = {"did_you_mean": found.did_you_mean}
    if found.suggestions is not None:
        fields["suggestions"] = {"categories": [category_json(c) for c in found.suggestions.categories],
                                 "products": _cards(found.suggestions.popular)}
    return _Listing(_cards(found.page.items), found.page.count, found.page.count_capped, fields)


VISITOR_PARAM = {"name": VISITOR_HEADER, "in": "header", "required": False,
                 "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,32}$"},
                 "description": "an app used without an account: a random id it keeps, so that what it looks at "
                                "shapes its suggestions (ignored with a token, or with `Sec-GPC: 1` or `DNT: 1`)"}
SUGGESTIONS = envelope({"city": nullable(ref("City")),
                        "results": {"type": "array", "items": ref("SuggestedProduct")}})
schemas(SuggestedProduct={"allOf": [ref("ProductCard"), {
    "type": "object", "required": ["reason"],
    "properties": {"reason": {"type": "string", "description": "why it is proposed, in the caller's language"}},
}]})


def _suggested(picks):
    return [{**product_card_json(pick.product), "reason": pick.reason} for pick in picks]


def _caller_city():
    """The city asked for, else the caller's (their account's, or where what they looked at is), else the
    first city."""
    user = current_api_user(optional=True)
    return user, suggestions.city_for(api_person(), catalog.city_by_slug(request.args.get("city")), user)


@bp.get("/products/trending/")
@public_api
@operation(
    "What is in demand now in a city", tag="products", ok=SUGGESTIONS,
    params=[query("city", {"type": "string"}, "city slug; without it (or unknown): the caller's city"),
            VISITOR_PARAM],
    description="Products on sale that people looked at, liked, put in a cart and bought lately in the city "
                "(recent actions weigh more, each person counts once per product), rebuilt every few minutes; "
                "the most viewed there until enough has happened. `city` is the city used.",
)
def trending_products():
    _user, city = _caller_city()
    return _shared(ok(city=city_json(city), results=_suggested(suggestions.trending(city, SHORT_LIST))))


@bp.get("/products/recommended/")
@public_api
@operation(
    "Products suggested to the caller", tag="products", ok=SUGGESTIONS,
    params=[query("city", {"type": "string"}, "city slug; without it (or unknown): the caller's city"),
            VISITOR_PARAM],
    description="For the caller (a client by token, an app without an account by `X-Visitor-Id`): products "
                "like the ones they looked at, liked or bought lately and seen by the same people, blended with "
                "what is trending in their city, never what they already saw nor their own listings. Without "
                "history (or with history turned off): the city's trend. Each result says why (`reason`).",
)
def recommended_products():
    user, city = _caller_city()
    return ok(city=city_json(city), results=_suggested(suggestions.for_person(api_person(), city, SHORT_LIST, user)))


@bp.post("/products/history/")
@public_api
@operation(
    "Turn the use of one's history for suggestions on or off", tag="products",
    body={"type": "object", "required": ["use"], "properties": {"use": {"type": "boolean"}}},
    ok=envelope({"use": {"type": "boolean"}}), params=[VISITOR_PARAM],
    description="With a token: the account's choice (off also erases what was kept). Without one, for the "
                "app's `X-Visitor-Id`: `false` erases what was kept for that id (the app then stops sending "
                "it, or sends `Sec-GPC: 1`). 400 without a token or a well-formed id.",
)
def set_history():
    use = boolean(body(), "use")
    user = current_api_user(optional=True)
    if user is not None:
        events.set_uses_history(user, use)
    else:
        visitor = request.headers.get(VISITOR_HEADER, "")
        if not events.VISITOR_ID.match(visitor):
            raise Invalid(_l("Rien à régler : envoyez un jeton ou X-Visitor-Id."), {VISITOR_HEADER: "missing"})
        if not use:
            events.forget(events.Person(visitor=visitor))
    return ok(use=use)


@bp.get("/products/<product_id>/")
@public_api
@operation(
    "A product's page", tag="products", ok=envelope({"product": ref("ProductDetail")}),
    description="Counts a view, as the web page does. `is_favorite` is given when a token is sent; the "
                "seller's `rating` is the average of their reviews (null without any) and how many. A product "
                "that sold keeps its page, as on the web: `status` is then `SOLD`, or `RESERVED` while an "
                "order awaiting payment holds it (on sale again if that order is not paid); only an `ACTIVE` "
                "one can be added to a cart. Products not published (or whose seller is suspended) are a 404.",
)
def product_detail(product_id):
    product = catalog.get_public_product(product_id, sold_out_too=True)
    catalog.record_view(product, api_person())
    user = current_api_user(optional=True)
    average, count = social.rating_of(product.seller)
    favourite = social.is_favourite(user, product) if user is not None else None
    return ok(product=product_detail_json(product, favourite, {"average": average, "count": count}))


@bp.post("/products/<product_id>/favorite/")
@api_client
@operation("Add or remove a favourite", tag="products", ok=envelope({"is_favorite": {"type": "boolean"}}),
           description="A toggle: answers whether the product is now a favourite. Only products on sale can "
                       "be added; a favourite can always be removed.")
def toggle_favorite(product_id):
    return ok(is_favorite=social.toggle_favourite(current_api_user(), product_id))


@bp.get("/categories/")
@public_api
@operation("Categories, with their subcategories", tag="catalogue",
           ok=envelope({"results": {"type": "array", "items": ref("CategoryTree")}}))
def categories():
    return _shared(ok(results=[
        {**category_json(category), "children": [category_json(child) for child in category.children]}
        for category in catalog.category_tree()
    ]))


@bp.get("/cities/")
@public_api
@operation("Cities (`delivery_fee` is null where home delivery is not offered)", tag="catalogue",
           ok=envelope({"results": {"type": "array", "items": ref("City")}}))
def cities():
    return _shared(ok(results=[city_json(city) for city in catalog.cities()]))


@bp.get("/pickup_points/")
@public_api
@operation("Active pickup points", tag="catalogue",
           ok=envelope({"results": {"type": "array", "items": ref("PickupPoint")}}),
           params=[query("city", {"type": "string"}, "city slug: only that city's points (none for an unknown one)")])
def pickup_points():
    city = cleaned(request.args).get("city", "").strip()
    return _shared(ok(results=[pickup_point_json(point) for point in catalog.pickup_points(city or None)]))
