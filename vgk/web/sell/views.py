"""Selling pages. Views are thin: read the form, call one listings/social service, render."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from vgk.errors import Conflict, Invalid
from vgk.models import ProductStatus
from vgk.security import client_required, public, signed_in
from vgk.services.catalogue import catalog, social
from vgk.services.selling import listings, media
from vgk.web.form_errors import apply_errors
from vgk.web.forms import keeps_typed_form
from vgk.web.htmx import is_htmx
from vgk.web.sell import bp
from vgk.web.sell.forms import ActionForm, ListingForm, PhotosForm, ReviewForm

TABS = (ProductStatus.ACTIVE, ProductStatus.PENDING, ProductStatus.DRAFT, ProductStatus.REJECTED,
        ProductStatus.RESERVED, ProductStatus.SOLD, ProductStatus.ARCHIVED)


def _me():
    return current_user._get_current_object()


@bp.app_context_processor
def _helpers():
    def is_favourite(product):
        return social.is_favourite(current_user, product)

    return {"is_favourite": is_favourite}


def _photos():
    """The uploaded photos as bytes (empty file inputs ignored)."""
    return [f.read() for f in request.files.getlist("photos") if f and f.filename]


def _choices(form):
    lang = str(get_locale() or "fr")
    leaves = sorted(listings.leaf_categories(), key=lambda c: (c.parent.position if c.parent else -1,
                                                              c.parent_id or 0, c.position, c.slug))
    form.category.choices = [SelectChoice("", _("Choisissez une catégorie"))] + [
        SelectChoice(leaf.slug, leaf.name_for(lang),
                     optgroup=leaf.parent.name_for(lang) if leaf.parent else _("Autres"))
        for leaf in leaves
    ]
    form.city.choices = [SelectChoice("", _("Choisir une ville"))] + [
        SelectChoice(c.slug, c.name) for c in catalog.cities()]
    return form


# --- my listings -------------------------------------------------------------------------------

@bp.get("/compte/annonces")
@client_required
def my_listings():
    status = request.args.get("statut", "").upper()
    status = status if status in TABS else None
    return render_template("sell/listings.html", rows=listings.my_listings(_me(), status), status=status,
                           tabs=TABS, counts=listings.status_counts(_me()), action_form=ActionForm())


@bp.get("/compte/annonces/<public_id>/apercu")
@signed_in
def preview_listing(public_id):
    """The listing as buyers will see it, before it is online: no buy button, nothing counted."""
    return render_template("visitor/product.html", product=listings.preview(_me(), public_id), preview=True,
                           suggestions=None, review_count=0, rating=None, page_url="", preview_image=None, whatsapp="")


@bp.route("/compte/annonces/nouvelle", methods=["GET", "POST"])
@keeps_typed_form
@client_required
def new_listing():
    form = _choices(ListingForm())
    if request.method == "GET":
        if _me().city:
            form.city.data = _me().city.slug
        return render_template("sell/form.html", form=form, product=None)
    if not form.validate_on_submit():
        return render_template("sell/form.html", form=form, product=None), 400
    try:
        product = listings.create_draft(_me(), photos=_photos(), **form.values())
    except (Invalid, media.Busy) as error:  # a refused photo, or too many being processed right now
        return (render_template("sell/form.html", form=form, product=None, error=apply_errors(form, error)),
                error.status_code)
    if request.form.get("action") == "submit":
        return _act(listings.submit, product.public_id, _("Annonce envoyée : elle sera visible après validation."))
    flash(_("Brouillon enregistré."), "ok")
    return redirect(url_for("sell.edit_listing", public_id=product.public_id), 303)


def _edit_page(product, form=None, status=200, error=None, **extra):
    if form is None:
        form = ListingForm(formdata=None, obj=product)
        form.category.data = product.category.slug
        form.city.data = product.city.slug
        form.price.data = str(product.price)
        form.quantity.data = str(product.quantity)
    _choices(form)
    return render_template("sell/form.html", form=form, product=product, error=error,
                           photos_form=PhotosForm(formdata=None), action_form=ActionForm(),
                           favourites=social.favourite_count(product), max_photos=listings.MAX_PHOTOS,
                           **extra), status


@bp.route("/compte/annonces/<public_id>", methods=["GET", "POST"])
@keeps_typed_form
@client_required
def edit_listing(public_id):
    product = listings.get_own(_me(), public_id)
    if request.method == "GET":
        return _edit_page(product)
    form = _choices(ListingForm())
    if not form.validate_on_submit():
        return _edit_page(product, form, 400)
    try:
        listings.update(_me(), public_id, photos=_photos(), **form.values())
    except (Invalid, media.Busy) as error:
        return _edit_page(listings.get_own(_me(), public_id), form, error.status_code, apply_errors(form, error))
    except Conflict as error:
        flash(str(error.message), "error")
        return redirect(url_for("sell.edit_listing", public_id=public_id), 303)
    if request.form.get("action") == "submit":
        return _act(listings.submit, public_id, _("Annonce envoyée : elle sera visible après validation."))
    flash(_("Annonce enregistrée."), "ok")
    return redirect(url_for("sell.edit_listing", public_id=public_id), 303)


def _act(action, public_id, message):
    """Run one seller action; a refusal is shown on the listing's page."""
    try:
        action(_me(), public_id)
    except (Invalid, Conflict) as error:
        flash(str(error.message), "error")
        return redirect(url_for("sell.edit_listing", public_id=public_id), 303)
    flash(message, "ok")
    return redirect(url_for("sell.edit_listing", public_id=public_id), 303)


@bp.post("/compte/annonces/<public_id>/soumettre")
@client_required
def submit_listing(public_id):
    return _act(listings.submit, public_id, _("Annonce envoyée : elle sera visible après validation."))


@bp.post("/compte/annonces/<public_id>/vendu")
@client_required
def sold_listing(public_id):
    return _act(listings.mark_sold, public_id, _("Annonce marquée comme vendue."))


@bp.post("/compte/annonces/<public_id>/archiver")
@client_required
def archive_listing(public_id):
    return _act(listings.archive, public_id, _("Annonce archivée."))


@bp.post("/compte/annonces/<public_id>/remettre")
@client_required
def relist_listing(public_id):
    return _act(listings.relist, public_id, _("Annonce remise en vente : elle sera visible après validation."))


@bp.post("/compte/annonces/<public_id>/photos")
@client_required
def add_photos(public_id):
    try:
        listings.add_photos(_me(), public_id, _photos())
    except (Invalid, media.Busy) as error:
        return _edit_page(listings.get_own(_me(), public_id), status=error.status_code, error=str(error.message))
    except Conflict as error:
        flash(str(error.message), "error")
        return redirect(url_for("sell.edit_listing", public_id=public_id), 303)
    flash(_("Photos ajoutées."), "ok")
    return redirect(url_for("sell.edit_listing", public_id=public_id), 303)


@bp.post("/compte/annonces/<public_id>/photos/<image_id>/supprimer")
@client_required
def remove_photo(public_id, image_id):
    try:
        listings.remove_photo(_me(), public_id, image_id)
    except (Invalid, Conflict) as error:
        flash(str(error.message), "error")
    else:
        flash(_("Photo supprimée."), "ok")
    return redirect(url_for("sell.edit_listing", public_id=public_id), 303)


@bp.post("/compte/annonces/<public_id>/photos/<image_id>/deplacer")
@client_required
def move_photo(public_id, image_id):
    try:
        product = listings.move_photo(_me(), public_id, image_id, request.form.get("move", ""))
    except (Invalid, Conflict) as error:
        if is_htmx():
            return render_template("sell/_photos.html", product=listings.get_own(_me(), public_id), editable=True,
                                   photos_error=str(error.message)), error.status_code
        flash(str(error.message), "error")
        return redirect(url_for("sell.edit_listing", public_id=public_id), 303)
    if is_htmx():
        return render_template("sell/_photos.html", product=product, editable=True)
    flash(_("Ordre des photos enregistré."), "ok")
    return redirect(url_for("sell.edit_listing", public_id=public_id), 303)


# --- favourites --------------------------------------------------------------------------------

@bp.post("/p/<public_id>/favori")
@signed_in
def toggle_favourite(public_id):
    liked = social.toggle_favourite(_me(), public_id)
    if is_htmx():
        return render_template("sell/_favourite.html", public_id=public_id, liked=liked)
    flash(_("Ajouté à vos favoris.") if liked else _("Retiré de vos favoris."), "ok")
    return redirect(url_for("visitor.product", public_id=public_id), 303)


@bp.get("/compte/favoris")
@signed_in
def my_favourites():
    return render_template("sell/favourites.html", products=social.favourites_of(_me()))


# --- seller page and reviews -------------------------------------------------------------------

@bp.get("/vendeur/<public_id>")
@public
def seller(public_id):
    return render_template("sell/seller.html", profile=social.seller_profile(public_id))


@bp.route("/compte/commandes/<order_public_id>/avis/<item_id>", methods=["GET", "POST"])
@client_required
def review(order_public_id, item_id):
    item = social.reviewable_item(_me(), order_public_id, item_id)
    existing = social.review_of(item)
    form = ReviewForm()
    if request.method == "GET" or existing is not None:
        return render_template("sell/review.html", item=item, form=form, existing=existing)
    if not form.validate_on_submit():
        return render_template("sell/review.html", item=item, form=form, existing=None), 400
    try:
        social.leave_review(_me(), item.id, form.rating.data, form.text.data)
    except (Invalid, Conflict) as error:
        return render_template("sell/review.html", item=item, form=form, existing=None,
                               error=apply_errors(form, error)), error.status_code
    flash(_("Merci pour votre avis."), "ok")
    return redirect(url_for("account.my_orders"), 303)
