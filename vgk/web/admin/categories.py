"""Administration of the catalogue's categories: the list, a new category (under a parent or at the top),
renaming one in French and English, moving one up or down among its siblings, retiring and restoring one
(each change audited by vgk.services.backoffice.places). Moves and retirements answer htmx with the list
alone."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services.backoffice import places
from vgk.web import htmx
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only, refused


def _categories_page(error=None, field_errors=None, form=None, status=200, notice=None):
    return htmx.render("admin/categories.html", "admin/_category_list.html", categories=places.categories(),
                       error=error, notice=notice, field_errors=field_errors or {}, form=form or {}), status


def _list_changed(change, notice):
    """Make `change` (a call to the places service): with htmx the list again with the notice, otherwise
    a redirect to the page; refused, the page (or list) with the error."""
    try:
        change()
    except DomainError as error:
        return refused(_categories_page, error)
    if htmx.is_htmx():
        return _categories_page(notice=notice)
    flash(notice, "ok")
    return redirect(url_for("admin.categories_page"))


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


@bp.post("/categories/<category_id>/deplacer")
@admin_only
def move_category(category_id):
    category = places.category_by_id(category_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""), 0)
    return _list_changed(lambda: places.move_category(current_user, category, step, ip=client_ip()),
                         _("Catégorie « %(name)s » déplacée.", name=category.name_fr))


def _retirement(category_id, retired):
    category = places.category_by_id(category_id)
    if retired:
        notice = _("Catégorie « %(name)s » retirée : elle n'est plus proposée.", name=category.name_fr)
    else:
        notice = _("Catégorie « %(name)s » remise en service.", name=category.name_fr)
    return _list_changed(lambda: places.set_retired(current_user, category, retired, ip=client_ip()), notice)


@bp.post("/categories/<category_id>/retirer")
@admin_only
def retire_category(category_id):
    return _retirement(category_id, True)


@bp.post("/categories/<category_id>/remettre")
@admin_only
def restore_category(category_id):
    return _retirement(category_id, False)
