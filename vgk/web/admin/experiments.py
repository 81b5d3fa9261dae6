"""A/B tests of notification words: admins start one on a message that has variant words (weights per
variant), change its weights or stop it; per experiment, what each variant's messages did (sent, delivered,
clicked, converted, cost) and a verdict in words. Every change is audited by the service."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services.notifications import experiments as notify_experiments
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only, refused


def _page(error=None, field_errors=None, form=None, status=200):
    language = str(get_locale() or "fr")
    report = notify_experiments.report(language)
    taken = {item.event for item in report if item.experiment is not None}
    startable = [(name, notify_experiments.title(name, language), variants)
                 for name, variants in notify_experiments.variant_files().items() if name not in taken]
    return render_template("admin/experiments.html", report=report, startable=startable,
                           stopped=notify_experiments.stopped(language), error=error,
                           field_errors=field_errors or {}, form=form or {}, given=_given() if form else {}), status


def _given():
    return {key.removeprefix("weight_"): value for key, value in request.form.items() if key.startswith("weight_")}


@bp.get("/experiences")
@admin_only
def experiments_page():
    return _page()[0]


@bp.post("/experiences")
@admin_only
def start_experiment():
    try:
        notify_experiments.start(current_user, request.form.get("event", ""), _given(), ip=client_ip())
    except DomainError as error:
        return refused(_page, error, form=request.form.to_dict())
    flash(_("Expérience lancée."), "ok")
    return redirect(url_for("admin.experiments_page"))


@bp.post("/experiences/<experiment_id>")
@admin_only
def change_experiment(experiment_id):
    try:
        notify_experiments.change(current_user, notify_experiments.by_id(experiment_id), _given(), ip=client_ip())
    except DomainError as error:
        return refused(_page, error, form=request.form.to_dict())
    flash(_("Poids des variantes enregistrés."), "ok")
    return redirect(url_for("admin.experiments_page"))


@bp.post("/experiences/<experiment_id>/arreter")
@admin_only
def stop_experiment(experiment_id):
    try:
        notify_experiments.stop(current_user, notify_experiments.by_id(experiment_id), ip=client_ip())
    except DomainError as error:
        return refused(_page, error)
    flash(_("Expérience arrêtée."), "ok")
    return redirect(url_for("admin.experiments_page"))
