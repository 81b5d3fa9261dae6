"""Reports of listings: the open reports grouped by listing (cards that fit a phone), most reported first,
with their reasons in words; the admin dismisses them or takes the listing down (with a reason the seller
sees). With htmx a decision returns its card in place. Every admin page's menu shows how many are open."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services.selling import reports
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only, decided


@bp.context_processor
def open_reports():
    """The menu's count, read only by the pages that show the menu."""
    return {"open_reports": reports.open_count}


def _page(error=None):
    return render_template("admin/reports.html", rows=reports.open_by_listing(), error=error)


@bp.get("/signalements")
@admin_only
def reports_page():
    return _page()


def _after(public_id, notice=None, error=None, status=200):
    row = next((r for r in reports.open_by_listing() if r.product.public_id == public_id), None) if error else None
    return decided(
        status, notice, url_for("admin.reports_page"),
        row=lambda: render_template("admin/_report_row.html", row=row, public_id=public_id, row_notice=notice,
                                    row_error=error),
        page=lambda: _page(error))


@bp.post("/signalements/<public_id>/classer")
@admin_only
def dismiss_reports(public_id):
    try:
        count = reports.dismiss(current_user, public_id, ip=client_ip())
    except DomainError as error:
        return _after(public_id, error=str(error.message), status=error.status_code)
    return _after(public_id, notice=_("%(count)s signalement(s) classé(s) sans suite.", count=count))


@bp.post("/signalements/<public_id>/retirer")
@admin_only
def take_down_reported(public_id):
    try:
        reports.take_down(current_user, public_id, request.form.get("reason", ""), ip=client_ip())
    except DomainError as error:
        return _after(public_id, error=str(error.message), status=error.status_code)
    return _after(public_id, notice=_("Annonce retirée de la vente : le vendeur est prévenu."))
