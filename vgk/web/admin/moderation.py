"""Moderation of listings: the queue of listings awaiting review (cards that fit a phone), one listing read in
full (all photos, description, flags), approve or reject one (with a reason the seller sees), or many at once,
and the takedown of a listing on sale. With htmx a decision returns its queue card(s) in place."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services import paging
from vgk.services.accounts import people
from vgk.services.selling import moderation
from vgk.web import htmx
from vgk.web.admin import bp
from vgk.web.admin.common import PER_PAGE, admin_only, decided


def _queue_page():
    return moderation.queue(paging.page_number(request.args.get("page")), PER_PAGE)


@bp.get("/moderation")
@admin_only
def moderation_queue():
    return render_template("admin/moderation.html", page=_queue_page(), moderation=moderation)


def _after_decision(public_id, product=None, notice=None, error=None, status=200):
    """The queue row in place for htmx; else a redirect back to the queue (or the queue with the error)."""
    return decided(
        status, notice, url_for("admin.moderation_queue"),
        row=lambda: render_template("admin/_moderation_row.html", product=product, public_id=public_id,
                                    notice=notice, error=error, moderation=moderation),
        page=lambda: render_template("admin/moderation.html", page=_queue_page(), moderation=moderation,
                                     error=error))


@bp.get("/annonces/<public_id>")
@admin_only
def listing(public_id):
    """One listing as the admin reads it before deciding: every photo, the description, the flags, and the
    action its status allows (approve / reject while pending, take down while on sale)."""
    return _listing_page(public_id)


def _listing_page(public_id, error=None, status=200):
    product = moderation.for_review(public_id)
    if product is None:
        abort(404)
    return render_template("admin/listing.html", product=product, moderation=moderation, error=error,
                           phone=people.format_phone(product.seller.phone if product.seller else None)), status


@bp.post("/annonces/<public_id>/retirer")
@admin_only
def take_down_product(public_id):
    try:
        moderation.take_down(current_user, public_id, request.form.get("reason", ""), ip=client_ip())
    except DomainError as error:
        return _listing_page(public_id, str(error.message), error.status_code)
    flash(_("Annonce retirée de la vente : le vendeur est prévenu."), "ok")
    return redirect(url_for("admin.listing", public_id=public_id))


@bp.post("/moderation/<public_id>/approuver")
@admin_only
def approve_product(public_id):
    try:
        product = moderation.approve(current_user, public_id, ip=client_ip())
    except DomainError as error:
        return _after_decision(public_id, moderation.for_review(public_id), error=str(error.message),
                               status=error.status_code)
    return _after_decision(public_id, product, notice=_("Annonce publiée."))


@bp.post("/moderation/<public_id>/refuser")
@admin_only
def reject_product(public_id):
    try:
        product = moderation.reject(current_user, public_id, request.form.get("reason", ""), ip=client_ip())
    except DomainError as error:
        return _after_decision(public_id, moderation.for_review(public_id), error=str(error.message),
                               status=error.status_code)
    return _after_decision(public_id, product, notice=_("Annonce refusée : le vendeur voit la raison."))


def _bulk_answer(done, failed, notice):
    """htmx: the bulk message, and each decided or refused card swapped in place (out of band)."""
    rows = [render_template("admin/_moderation_row.html", product=product, public_id=product.public_id,
                            moderation=moderation, oob=True) for product in done]
    rows += [render_template("admin/_moderation_row.html", product=moderation.for_review(public_id),
                             public_id=public_id, error=message, moderation=moderation, oob=True)
             for public_id, message in failed.items()]
    return render_template("admin/_bulk_result.html", notice=notice, failed=len(failed)) + "".join(rows)


@bp.post("/moderation/lot")
@admin_only
def moderate_many():
    """Bulk decision on the checked cards: decision=approve or decision=reject (with a reason)."""
    ids = request.form.getlist("ids")
    ip = client_ip()
    if not ids:
        if htmx.is_htmx():
            return render_template("admin/_bulk_result.html", error=_("Cochez au moins une annonce.")), 400
        flash(_("Cochez au moins une annonce."), "error")
        return redirect(url_for("admin.moderation_queue"))
    try:
        if request.form.get("decision") == "reject":
            done, failed = moderation.reject_many(current_user, ids, request.form.get("reason", ""), ip=ip)
        else:
            done, failed = moderation.approve_many(current_user, ids, ip=ip)
    except DomainError as error:
        if htmx.is_htmx():
            return render_template("admin/_bulk_result.html", error=str(error.message)), error.status_code
        return render_template("admin/moderation.html", page=_queue_page(), moderation=moderation,
                               error=str(error.message)), error.status_code
    notice = _("%(count)s annonce(s) traitée(s).", count=len(done))
    if htmx.is_htmx():
        return _bulk_answer(done, failed, notice)
    flash(notice, "ok")
    if failed:
        flash(_("%(count)s annonce(s) déjà traitée(s) ou introuvable(s).", count=len(failed)), "warn")
    return redirect(url_for("admin.moderation_queue"))
