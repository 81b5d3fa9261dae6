"""Administration of places: cities (their delivery fee) and pickup points (create, update, deactivate),
each change written to the audit log."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.errors import DomainError, Invalid
from vgk.services import audit, places
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only, field_messages


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
