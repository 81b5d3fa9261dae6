"""Administration of places: cities (their delivery fee) and pickup points (create, update, deactivate),
each change audited by vgk.services.backoffice.places."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services.backoffice import places
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only, refused


def _places_page(error=None, field_errors=None, form=None, status=200):
    return render_template("admin/places.html", cities=places.cities(), points=places.points(), error=error,
                           field_errors=field_errors or {}, form=form or {}), status


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
        places.set_delivery_fee(current_user, city, places.parse_fee(request.form.get("delivery_fee")), ip=client_ip())
    except DomainError as error:
        return refused(_places_page, error)
    flash(_("Frais de livraison de %(city)s mis à jour.", city=city.name), "ok")
    return redirect(url_for("admin.places_page"))


@bp.post("/points")
@admin_only
def create_point():
    form = _point_form()
    try:
        places.create_point(current_user, form["city"], form["name"], form["address"], form["opening_hours"],
                            form["phone"], ip=client_ip())
    except DomainError as error:
        return refused(_places_page, error, form=form)
    flash(_("Point relais créé."), "ok")
    return redirect(url_for("admin.places_page"))


@bp.post("/points/<public_id>")
@admin_only
def update_point(public_id):
    point = places.point_by_public_id(public_id)
    form = _point_form()
    try:
        places.update_point(current_user, point, form["city"], form["name"], form["address"],
                            form["opening_hours"], form["phone"], ip=client_ip())
    except DomainError as error:
        return refused(_places_page, error)
    flash(_("Point relais mis à jour."), "ok")
    return redirect(url_for("admin.places_page"))


@bp.post("/points/<public_id>/desactiver")
@admin_only
def deactivate_point(public_id):
    point = places.point_by_public_id(public_id)
    try:
        places.deactivate_point(current_user, point, ip=client_ip())
    except DomainError as error:
        return refused(_places_page, error)
    flash(_("Point relais désactivé."), "ok")
    return redirect(url_for("admin.places_page"))
