"""Administration views: the dashboard, the user list and detail (suspend, reinstate, role), new staff,
sellers' payout requests (approve, reject), moderation, the audit log, orders (list, detail, cancel,
dispatch, deliver), CSV exports for accounting, places (cities, pickup points) and categories.

Thin: they read the request, call the accounts service and render. With htmx, a change returns the
updated row or detail block in place; without JavaScript it redirects back (or shows the error page).
"""
from flask import Response, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.errors import DomainError, Invalid
from vgk.services import accounts, audit, moderation, sessions, wallet
from vgk.services import admin_orders, directory, places
from vgk.web.admin import bp
from vgk.web.admin.common import PER_PAGE, admin_only, back_to, field_messages
from vgk.web.admin.forms import RoleForm, StaffForm
from vgk.text import format_xaf
from vgk.web.htmx import is_htmx, render


@bp.after_request
def never_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


# --- moderation of listings ----------------------------------------------------------------------

def _queue_page():
    from vgk.services.catalog import _to_int

    return moderation.queue(_to_int(request.args.get("page"), 1, 1, 10_000), PER_PAGE)


@bp.get("/moderation")
@admin_only
def moderation_queue():
    return render_template("admin/moderation.html", page=_queue_page(), moderation=moderation)


def _after_decision(public_id, product=None, notice=None, error=None, status=200):
    """The queue row in place for htmx; else a redirect back to the queue (or the queue with the error)."""
    if is_htmx():
        return render_template("admin/_moderation_row.html", product=product, public_id=public_id,
                               notice=notice, error=error, moderation=moderation,
                               done=product is not None and product.status != "PENDING"), status
    if status < 400:
        flash(notice, "ok")
        return redirect(url_for("admin.moderation_queue"))
    return render_template("admin/moderation.html", page=_queue_page(), moderation=moderation, error=error), status


def _pending_product(public_id):
    return next((p for p in moderation.queue(1, 10_000).items if p.public_id == public_id), None)


@bp.post("/moderation/<public_id>/approuver")
@admin_only
def approve_product(public_id):
    try:
        product = moderation.approve(current_user, public_id, ip=request.remote_addr or "")
    except DomainError as error:
        return _after_decision(public_id, _pending_product(public_id), error=str(error.message),
                               status=error.status_code)
    return _after_decision(public_id, product, notice=_("Annonce publiée."))


@bp.post("/moderation/<public_id>/refuser")
@admin_only
def reject_product(public_id):
    try:
        product = moderation.reject(current_user, public_id, request.form.get("reason", ""),
                                    ip=request.remote_addr or "")
    except DomainError as error:
        return _after_decision(public_id, _pending_product(public_id), error=str(error.message),
                               status=error.status_code)
    return _after_decision(public_id, product, notice=_("Annonce refusée : le vendeur voit la raison."))


@bp.post("/moderation/lot")
@admin_only
def moderate_many():
    """Bulk decision on the checked rows: decision=approve or decision=reject (with a reason)."""
    ids = request.form.getlist("ids")
    ip = request.remote_addr or ""
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


# --- audit log -----------------------------------------------------------------------------------

@bp.get("/journal")
@admin_only
def journal():
    from vgk.services.catalog import _to_int

    filters = audit.AuditFilters.from_params(request.args)
    page = audit.entries(filters, _to_int(request.args.get("page"), 1, 1, 10_000))
    return render_template("admin/audit.html", filters=filters, page=page, decode=audit.decode,
                           actions=audit.actions(), actors=audit.actors())


# --- orders --------------------------------------------------------------------------------------

def _order_page(order, error=None, field_errors=None, status=200):
    """The order detail (its block for htmx), optionally with an error; a non-2xx status when refused."""
    template = "admin/_order_detail.html" if is_htmx() else "admin/order.html"
    return render_template(template, order=order, city=admin_orders.city_of(order), error=error,
                           field_errors=field_errors or {}), status


def _after_order_move(reference, notice):
    if is_htmx():
            return _order_page(admin_orders.detail(reference))[0]
    flash(notice, "ok")
    return redirect(url_for("admin.order_detail", reference=reference))


def _order_move_refused(reference, error):
    fields = field_messages(error) if isinstance(error, Invalid) else {}
    return _order_page(admin_orders.detail(reference), error=str(error.message), field_errors=fields,
                       status=error.status_code)


@bp.get("/commandes")
@admin_only
def orders_list():
    filters = admin_orders.OrderFilters.from_params(request.args)
    page = admin_orders.search(filters, PER_PAGE)
    return render("admin/orders.html", "admin/_orders.html", filters=filters, page=page,
                  cities=admin_orders.cities(), city_of=admin_orders.city_of)


@bp.get("/commandes/<reference>")
@admin_only
def order_detail(reference):
    return _order_page(admin_orders.detail(reference))[0]


def _order_action(reference, action, run, done_message, extra=None):
    """Run one admin move on an order, record it in the audit log and answer the page or fragment."""
    try:
        order, before = run()
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _order_move_refused(reference, error)
    audit.record_now(current_user, f"order.{action}", "order", order.reference, {"status": before},
                     {"status": order.status, **(extra or {})}, request.remote_addr or "")
    current_app.logger.info("admin %s: order.%s on %s", current_user.public_id, action, order.reference)
    return _after_order_move(order.reference, done_message)


@bp.post("/commandes/<reference>/annuler")
@admin_only
def cancel_order(reference):
    reason = request.form.get("reason", "")
    return _order_action(reference, "cancel", lambda: admin_orders.cancel(reference, current_user, reason),
                         _("Commande annulée."), {"reason": reason.strip()[:200]})


@bp.post("/commandes/<reference>/rembourser")
@admin_only
def refund_order(reference):
    reason = request.form.get("reason", "")
    return _order_action(reference, "refund", lambda: admin_orders.refund(reference, current_user, reason),
                         _("Commande remboursée."), {"reason": reason.strip()[:200]})


@bp.post("/commandes/<reference>/expedier")
@admin_only
def dispatch_order(reference):
    return _order_action(reference, "dispatch", lambda: admin_orders.dispatch(reference, current_user),
                         _("Commande confiée au livreur."))


@bp.post("/commandes/<reference>/livrer")
@admin_only
def deliver_order(reference):
    code = request.form.get("code", "")
    return _order_action(reference, "deliver", lambda: admin_orders.deliver(reference, current_user, code),
                         _("Commande livrée."))


# --- CSV exports (accounting) ---------------------------------------------------------------------

def _csv_response(filename, header, rows):
    return Response(stream_with_context(admin_orders.csv_lines(header, rows)),
                    content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/export/commandes.csv")
@admin_only
def export_orders():
    return _csv_response("commandes.csv", admin_orders.ORDER_HEADER, admin_orders.order_rows())


@bp.get("/export/retraits.csv")
@admin_only
def export_payouts():
    return _csv_response("retraits.csv", admin_orders.PAYOUT_HEADER, admin_orders.payout_rows())


@bp.get("/export/commissions.csv")
@admin_only
def export_commissions():
    start, end = admin_orders.period(request.args.get("depuis"), request.args.get("jusqua"))
    return _csv_response("commissions.csv", admin_orders.COMMISSION_HEADER, admin_orders.commission_rows(start, end))


# --- places: cities and pickup points -------------------------------------------------------------

def _places_page(error=None, field_errors=None, form=None, status=200):
    return render_template("admin/places.html", cities=places.cities(), points=places.points(), error=error,
                           field_errors=field_errors or {}, form=form or {}), status


def _places_refused(error, form=None):
    fields = field_messages(error) if isinstance(error, Invalid) else {}
    return _places_page(error=str(error.message), field_errors=fields, form=form, status=error.status_code)


def _point_form():
    return {key: request.form.get(key, "") for key in ("city", "name", "address", "opening_hours", "phone")}


@bp.get("/lieux")
@admin_only
def places_page():
    return _places_page()[0]


@bp.post("/villes/<city_id>")
@admin_only
def set_city_fee(city_id):
    city = places.city_by_id(city_id)
    try:
        before, after = places.set_delivery_fee(city, places.parse_fee(request.form.get("delivery_fee")))
    except DomainError as error:
        return _places_refused(error)
    audit.record_now(current_user, "city.delivery_fee", "city", city.id, before, after, request.remote_addr or "")
    flash(_("Frais de livraison de %(city)s mis à jour.", city=city.name), "ok")
    return redirect(url_for("admin.places_page"))


@bp.post("/points")
@admin_only
def create_point():
    form = _point_form()
    try:
        point = places.create_point(form["city"], form["name"], form["address"], form["opening_hours"], form["phone"])
    except DomainError as error:
        return _places_refused(error, form)
    audit.record_now(current_user, "point.create", "pickup_point", point.public_id, {}, places.snapshot(point),
                     request.remote_addr or "")
    flash(_("Point relais créé."), "ok")
    return redirect(url_for("admin.places_page"))


@bp.post("/points/<public_id>")
@admin_only
def update_point(public_id):
    point = places.point_by_public_id(public_id)
    form = _point_form()
    try:
        before, after = places.update_point(point, form["city"], form["name"], form["address"],
                                            form["opening_hours"], form["phone"])
    except DomainError as error:
        return _places_refused(error)
    audit.record_now(current_user, "point.update", "pickup_point", point.public_id, before, after,
                     request.remote_addr or "")
    flash(_("Point relais mis à jour."), "ok")
    return redirect(url_for("admin.places_page"))


@bp.post("/points/<public_id>/desactiver")
@admin_only
def deactivate_point(public_id):
    point = places.point_by_public_id(public_id)
    try:
        before, after = places.deactivate_point(point)
    except DomainError as error:
        return _places_refused(error)
    audit.record_now(current_user, "point.deactivate", "pickup_point", point.public_id, before, after,
                     request.remote_addr or "")
    flash(_("Point relais désactivé."), "ok")
    return redirect(url_for("admin.places_page"))


# --- categories ----------------------------------------------------------------------------------

def _categories_page(error=None, field_errors=None, form=None, status=200):
    return render_template("admin/categories.html", categories=places.categories(), error=error,
                           field_errors=field_errors or {}, form=form or {}), status


@bp.get("/categories")
@admin_only
def categories_page():
    return _categories_page()[0]


@bp.post("/categories")
@admin_only
def create_category():
    form = {key: request.form.get(key, "") for key in ("parent", "slug", "name_fr", "name_en")}
    try:
        category = places.create_category(form["slug"], form["name_fr"], form["name_en"], form["parent"] or None)
    except DomainError as error:
        fields = field_messages(error) if isinstance(error, Invalid) else {}
        return _categories_page(str(error.message), fields, form, error.status_code)
    audit.record_now(current_user, "category.create", "category", category.id, {},
                     places.category_snapshot(category), request.remote_addr or "")
    flash(_("Catégorie créée."), "ok")
    return redirect(url_for("admin.categories_page"))


@bp.post("/categories/<category_id>")
@admin_only
def rename_category(category_id):
    category = places.category_by_id(category_id)
    try:
        before, after = places.rename_category(category, request.form.get("name_fr"), request.form.get("name_en"))
    except DomainError as error:
        fields = field_messages(error) if isinstance(error, Invalid) else {}
        return _categories_page(str(error.message), fields, None, error.status_code)
    audit.record_now(current_user, "category.rename", "category", category.id, before, after,
                     request.remote_addr or "")
    flash(_("Catégorie renommée."), "ok")
    return redirect(url_for("admin.categories_page"))
