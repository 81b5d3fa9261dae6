"""Visitor pages. Views read the request, call the catalogue service and render."""
from urllib.parse import quote

from flask import abort, current_app, make_response, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk import page_cache
from vgk.edge import local_target
from vgk.models import EventKind
from vgk.security import public
from vgk.services.catalogue import catalog, reference, social
from vgk.services.discovery import events, suggestions
from vgk.services.selling.media import image_url
from vgk.urls import absolute_url, public_url
from vgk.web import visitors
from vgk.web.htmx import render
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


@bp.get("/")
@public
def home():
    person = visitors.known_person()
    user = current_user if current_user.is_authenticated else None
    # A city chosen, the account's, or the first: never one read from the visitor's history, which this
    # public (cacheable) page must not show; the private "Pour vous" block swaps that one in.
    city = suggestions.city_for(events.NOBODY, chosen_city(), user)
    response = make_response(render(
        "visitor/home.html",
        categories=catalog.category_tree(),
        newest=catalog.newest_products(8),
        trending=suggestions.trending(city, 8),
        city=city,
        cities=catalog.cities(),
        for_you=person.tracked,
    ))
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
    more = bool(request.args.get("more"))
    # A search says how many listings it found (the plain listing is not counted, for speed).
    found = catalog.find_products(filters, current_app.config["PAGE_SIZE"], with_count=bool(filters.q) and not more)
    if filters.q and not more and filters.page == 1:
        events.record(EventKind.SEARCH, visitors.acting_person(), query=filters.q,
                      results=found.count if found.count is not None else len(found.page.items))
    notices = []
    if "category" in filters.ignored:
        notices.append(_("Catégorie inconnue : ce filtre a été ignoré."))
    if "city" in filters.ignored:
        notices.append(_("Ville inconnue : ce filtre a été ignoré."))
    if "condition" in filters.ignored:
        notices.append(_("État inconnu : ce filtre a été ignoré."))
    context = dict(
        filters=filters,
        page=found.page,
        did_you_mean=found.did_you_mean,
        notices=notices,
        suggestions=found.suggestions,
        categories=catalog.category_tree(),
        cities=catalog.cities(),
    )
    # "Load more" asks for the next cards only; a filter change swaps the whole result block.
    fragment = "visitor/_product_cards.html" if more else "visitor/_results.html"
    response = make_response(render("visitor/products.html", fragment, **context))
    if not filters.q and not current_user.is_authenticated:  # a search is counted: never answered from a cache
        page_cache.shareable(response)
    return response


@bp.get("/p/<public_id>")
@public
def product(public_id):
    item = catalog.get_public_product(public_id, sold_out_too=True)  # a sold item keeps its page
    catalog.record_view(item, visitors.acting_person())
    rating, review_count = social.rating_of(item.seller)
    page_url = public_url("visitor.product", public_id=item.public_id)
    similar, seen_together = suggestions.for_product(item)
    return render(
        "visitor/product.html",
        product=item,
        similar=similar,
        seen_together=seen_together,
        rating=rating,
        review_count=review_count,
        page_url=page_url,
        # What a shared link's preview shows (WhatsApp reads the Open Graph tags).
        preview_image=absolute_url(image_url(item.cover.large_key)) if item.cover else None,
        whatsapp=whatsapp_link(f"{item.title} {page_url}"),
    )


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

