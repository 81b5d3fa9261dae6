"""Visitor pages. Views read the request, call the catalogue service and render."""
from urllib.parse import quote

from flask import abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _

from vgk.edge import local_target
from vgk.security import public
from vgk.services.catalogue import catalog, social
from vgk.services.selling.media import image_url
from vgk.urls import absolute_url, public_url
from vgk.web.htmx import render
from vgk.web.visitor import bp


@bp.get("/")
@public
def home():
    return render(
        "visitor/home.html",
        categories=catalog.category_tree(),
        newest=catalog.newest_products(8),
        popular=catalog.most_viewed_products(8),
    )


@bp.get("/produits")
@public
def products():
    filters = catalog.ListingFilters.from_params(request.args, current_app.config["MAX_PAGE"])
    more = bool(request.args.get("more"))
    # A search says how many listings it found (the plain listing is not counted, for speed).
    found = catalog.find_products(filters, current_app.config["PAGE_SIZE"], with_count=bool(filters.q) and not more)
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
    return render("visitor/products.html", fragment, **context)


@bp.get("/p/<public_id>")
@public
def product(public_id):
    item = catalog.get_public_product(public_id, sold_out_too=True)  # a sold item keeps its page
    catalog.record_view(item)
    rating, review_count = social.rating_of(item.seller)
    page_url = public_url("visitor.product", public_id=item.public_id)
    return render(
        "visitor/product.html",
        product=item,
        similar=catalog.similar_products(item),
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

