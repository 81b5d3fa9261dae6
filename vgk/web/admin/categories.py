"""Administration of the catalogue's categories: the list, a new category (under a parent or at the top)
and renaming one in French and English (each change audited by vgk.services.backoffice.places)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services.backoffice import places
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only, refused


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
        places.create_category(current_user, form["slug"], form["name_fr"], form["name_en"], form["parent"] or None,
                               ip=client_ip())
    except DomainError as error:
        return refused(_categories_page, error, form=form)
    flash(_("Catégorie créée."), "ok")
    return redirect(url_for("admin.categories_page"))


@bp.post("/categories/<category_id>")
@admin_only
def rename_category(category_id):
    category = places.category_by_id(category_id)
    try:
        places.rename_category(current_user, category, request.form.get("name_fr"), request.form.get("name_en"),
                               ip=client_ip())
    except DomainError as error:
        return refused(_categories_page, error)
    flash(_("Catégorie renommée."), "ok")
    return redirect(url_for("admin.categories_page"))
