"""Mes alertes: a client's saved searches, saved from the search page's "Créer une alerte" form, listed
and deleted here. Thin over vgk.services.catalogue.alerts, like the app's /client/alerts/."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from vgk.errors import Conflict, Invalid, NotFound
from vgk.security import client_required
from vgk.services.catalogue import alerts
from vgk.web.account import bp
from vgk.web.account.views import _me
from vgk.web.htmx import is_htmx


@bp.get("/alertes")
@client_required
def my_alerts():
    return render_template("account/alerts.html", alerts=alerts.alerts_of(_me()), describe=alerts.describe,
                           search_params=alerts.search_params, limit=alerts.MAX_ALERTS)


@bp.post("/alertes")
@client_required
def create_alert():
    try:
        alerts.create(_me(), request.form)
    except (Invalid, Conflict) as error:
        flash(str(error.message), "error")
        back = {name: request.form[name] for name in alerts.SAVED_FIELDS if request.form.get(name)}
        return redirect(url_for("visitor.products", **back))
    flash(_("Alerte créée : nous vous préviendrons des nouvelles annonces."), "ok")
    return redirect(url_for("account.my_alerts"))


@bp.post("/alertes/<public_id>/supprimer")
@client_required
def delete_alert(public_id):
    try:
        alerts.delete(_me(), public_id)
    except NotFound as error:
        flash(str(error.message), "error")
        return redirect(url_for("account.my_alerts"))
    if is_htmx():
        return ""  # the row goes away in place
    flash(_("Alerte supprimée."), "ok")
    return redirect(url_for("account.my_alerts"))
