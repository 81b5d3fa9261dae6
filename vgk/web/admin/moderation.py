"""Moderation of listings: the queue of listings awaiting review, approve or reject one (with a reason the
seller sees), or many at once. With htmx a decision returns its queue row in place."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services import paging
from vgk.services.selling import moderation
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
                                    notice=notice, error=error, moderation=moderation,
                                    done=product is not None and product.status != "PENDING"),
        page=lambda: render_template("admin/moderation.html", page=_queue_page(), moderation=moderation,
                                     error=error))


def _pending_product(public_id):
    return next((p for p in moderation.queue(1, 10_000).items if p.public_id == public_id), None)


@bp.post("/moderation/<public_id>/approuver")
@admin_only
def approve_product(public_id):
    try:
        product = moderation.approve(current_user, public_id, ip=client_ip())
    except DomainError as error:
        return _after_decision(public_id, _pending_product(public_id), error=str(error.message),
                               status=error.status_code)
    return _after_decision(public_id, product, notice=_("Annonce publiée."))


@bp.post("/moderation/<public_id>/refuser")
@admin_only
def reject_product(public_id):
    try:
        product = moderation.reject(current_user, public_id, request.form.get("reason", ""), ip=client_ip())
    except DomainError as error:
        return _after_decision(public_id, _pending_product(public_id), error=str(error.message),
                               status=error.status_code)
    return _after_decision(public_id, product, notice=_("Annonce refusée : le vendeur voit la raison."))


@bp.post("/moderation/lot")
@admin_only
def moderate_many():
    """Bulk decision on the checked rows: decision=approve or decision=reject (with a reason)."""
    ids = request.form.getlist("ids")
    ip = client_ip()
    if not ids:
        flash(_("Cochez au moins une annonce."), "error")
        return redirect(url_for("admin.moderation_queue"))
    try:
        if request.form.get("decision") == "reject":
            done, failed = moderation.reject_many(current_user, ids, request.form.get("reason", ""), ip=ip)
        else:
            done, failed = moderation.approve_many(current_user, ids, ip=ip)
    except DomainError as error:
        return render_template("admin/moderation.html", page=_queue_page(), moderation=moderation,
                               error=str(error.message)), error.status_code
    flash(_("%(count)s annonce(s) traitée(s).", count=len(done)), "ok")
    if failed:
        flash(_("%(count)s annonce(s) déjà traitée(s) ou introuvable(s).", count=len(failed)), "warn")
    return redirect(url_for("admin.moderation_queue"))
