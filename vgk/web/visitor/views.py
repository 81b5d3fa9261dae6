"""Visitor pages. Views read the request, call the catalogue service and render."""
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote

from flask import abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from vgk import page_cache
from vgk.edge import client_ip, local_target
from vgk.models import EventKind
from vgk.security import public
from vgk.services.catalogue import catalog, reference, social
from vgk.services.discovery import events, suggestions
from vgk.services.selling.media import image_url
from vgk.urls import absolute_url, public_url
from vgk.web import fragments, visitors
from vgk.web.htmx import is_htmx, render
from vgk.web.visitor import bp


@bp.app_template_global()
def city_of(product):
    """A product's city, from the reference lists kept in memory (no statement per card)."""
    return reference.city_of(product)


@bp.app_template_global()
def category_of(product):
    return reference.category_of(product)


def chosen_city():
    """The city a visitor asked for (`?ville=`, remembered in a cookie), or None."""
    return catalog.city_by_slug(request.args.get("ville") or request.cookies.get(visitors.CITY_COOKIE))


def record_again(kind, product_id=None, query=None, results=None):
    """What a kept page's view recorded, recorded again when the page cache gives the page (no view runs,
    nor the hooks that say where the request comes from)."""
    token = events.begin_request(client_ip(), visitors.declined())
    try:
        events.record(kind, visitors.acting_person(), product_id, query=query, results=results)
    finally:
        events.end_request(token)


@bp.get("/")
@public
def home():
    person = visitors.known_person()
    user = current_user if current_user.is_authenticated else None
    # A city chosen, the account's, or the first: never one read from the visitor's history, which this
    # public (cacheable) page must not show; the private "Pour vous" block swaps that one in.
    city = suggestions.city_for(events.NOBODY, chosen_city(), user)
    content = fragments.kept("home", (city.id if city else None, person.tracked), lambda: Markup(render_template(
        "visitor/_home.html",
        categories=catalog.category_tree(),
        newest=catalog.newest_products(8),
        trending=suggestions.trending(city, 8),
        city=city,
        cities=catalog.cities(),
        for_you=person.tracked,
    )))
    response = make_response(render("visitor/home.html", content=content))
    if request.args.get("ville") and city is not None:
        response.set_cookie(visitors.CITY_COOKIE, city.slug, max_age=visitors.YEAR, httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    elif user is None:
        page_cache.shareable(response)
    return response


@bp.get("/produits")
@public
def products():
    filters = catalog.ListingFilters.from_params(request.args, current_app.config["MAX_PAGE"])
    swap = is_htmx()
    more = swap and bool(request.args.get("more"))  # "load more": the next cards only
    notices = []
    if "category" in filters.ignored:
        notices.append(_("Catégorie inconnue : ce filtre a été ignoré."))
    if "city" in filters.ignored:
        notices.append(_("Ville inconnue : ce filtre a été ignoré."))
    if "condition" in filters.ignored:
        notices.append(_("État inconnu : ce filtre a été ignoré."))
    # "Load more" asks for the next cards only; a filter change swaps the whole result block.
    shown = fragments.kept("results", (tuple(filters.as_params().items()), tuple(filters.ignored), more, swap),
                           partial(_results, filters, notices, more, swap))
    counted = None
    if filters.q and not more and filters.page == 1:
        events.record(EventKind.SEARCH, visitors.acting_person(), query=filters.q, results=shown.count)
        counted = partial(record_again, EventKind.SEARCH, query=filters.q, results=shown.count)
    if more:
        response = make_response(shown.after)
    else:
        context = dict(filters=filters, results=shown, did_you_mean=shown.did_you_mean)
        if not swap:
            context["filters_form"] = fragments.kept("filters", (tuple(filters.as_params().items()),), lambda: Markup(
                render_template("visitor/_filters.html", filters=filters, categories=catalog.category_tree(),
                                cities=catalog.cities())))
        response = make_response(render("visitor/products.html", "visitor/_results.html", **context))
    if not current_user.is_authenticated:
        page_cache.shareable(response, on_hit=counted)  # a search kept is counted at each answer
    return response


@dataclass(frozen=True)
class Results:
    """A listing's result block as every reader gets it, around the place of the reader's alert form, and
    what the search found (counted in the search's event)."""

    before: Markup
    after: Markup
    count: int
    did_you_mean: str | None


def _results(filters, notices, more, swap):
    # A search says how many listings it found (the plain listing is not counted, for speed).
    found = catalog.find_products(filters, current_app.config["PAGE_SIZE"], with_count=bool(filters.q) and not more)
    count = found.count if found.count is not None else len(found.page.items)
    if more:
        return Results(Markup(""), Markup(render_template("visitor/_product_cards.html", filters=filters,
                                                          page=found.page)), count, None)
    html = render_template("visitor/_results_kept.html", filters=filters, page=found.page, notices=notices,
                           did_you_mean=found.did_you_mean, suggestions=found.suggestions, embedded=not swap)
    before, _marker, after = html.partition("<!--save-search-->")
    return Results(Markup(before), Markup(after), count, found.did_you_mean)


@bp.get("/p/<public_id>")
@public
def product(public_id):
    item = catalog.get_public_product(public_id, sold_out_too=True)  # a sold item keeps its page
    catalog.record_view(item, visitors.acting_person())
    rating, review_count = social.rating_of(item.seller)
    page_url = public_url("visitor.product", public_id=item.public_id)
    shown = fragments.kept("suggestions", (item.id,), partial(_suggestions, item), shows=lambda kept: kept.ids)
    response = make_response(render(
        "visitor/product.html",
        product=item,
        suggestions=shown,
        rating=rating,
        review_count=review_count,
        page_url=page_url,
        # What a shared link's preview shows (WhatsApp reads the Open Graph tags).
        preview_image=absolute_url(image_url(item.cover.large_key)) if item.cover else None,
        whatsapp=whatsapp_link(f"{item.title} {page_url}"),
    ))
    if not current_user.is_authenticated:  # a kept page counts its view at each answer
        page_cache.shareable(response, on_hit=partial(record_again, EventKind.VIEW, item.id),
                             products={item.id, *shown.ids})
    return response


@dataclass(frozen=True)
class Suggested:
    """A product page's lists of other items as every reader gets them; whether there are similar ones; the
    products they show."""

    html: Markup
    similar: bool
    ids: frozenset[int]


def _suggestions(item):
    similar, seen_together = suggestions.for_product(item)
    return Suggested(Markup(render_template("visitor/_product_suggestions.html", similar=similar,
                                            seen_together=seen_together)), bool(similar),
                     frozenset(shown.product.id for shown in (*similar, *seen_together)))


def whatsapp_link(text):
    """A link that opens WhatsApp with `text` ready to send to a chosen contact (no script needed)."""
    return "https://wa.me/?text=" + quote(text, safe="")


@bp.route("/langue/<lang>", methods=["GET", "POST"])
@public
def set_language(lang):
    if lang not in ("fr", "en"):
        abort(404)
    session["lang"] = lang
    return redirect(local_target(request.args.get("next")) or local_target(request.referrer) or url_for("visitor.home"))

