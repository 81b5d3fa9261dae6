"""Reporting a listing: anyone (guest or client) opens a short form from the product page (with htmx, in
place) and sends a reason and an optional comment; the rules are in vgk.services.selling.reports."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from vgk.edge import client_ip, report_limit
from vgk.errors import DomainError, NotFound
from vgk.extensions import limiter
from vgk.security import public
from vgk.services.selling import reports
from vgk.web import htmx
from vgk.web.forms import same_origin_form
from vgk.web.visitor import bp


def _form(product, error=None, status=200):
    context = dict(product=product, error=error, chosen=request.form.get("reason", ""),
                   comment=request.form.get("comment", ""))
    return htmx.render("visitor/report.html", "visitor/_report_form.html", **context), status


def thanks(new):
    return str(reports.THANKS if new else reports.ALREADY)


@bp.route("/p/<public_id>/signaler", methods=["GET", "POST"])
@public
@limiter.limit(report_limit, methods=["POST"])
@same_origin_form
def report_listing(public_id):
    """GET: the form (its fragment for htmx). POST: the report; htmx swaps the form for the thank-you, a
    plain form goes back to the product page with it."""
    try:
        product = reports.reportable(public_id)
    except NotFound:
        abort(404)
    if request.method == "GET":
        return _form(product)
    user = current_user if current_user.is_authenticated else None
    try:
        _, new = reports.report(public_id, request.form.get("reason"), request.form.get("comment"),
                                user=user, ip=client_ip())
    except DomainError as error:
        return _form(product, str(error.message), error.status_code)
    if htmx.is_htmx():
        return render_template("visitor/_report_done.html", notice=thanks(new))
    flash(thanks(new), "ok")
    return redirect(url_for("visitor.product", public_id=product.public_id))
