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
