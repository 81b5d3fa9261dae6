"""Administration of the settings an admin changes without a deployment (commission, banned words, hold
times): one form, validated and audited by vgk.services.backoffice.settings (nothing saved when a value
is wrong)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services.backoffice import settings
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only, refused


def _settings_page(error=None, field_errors=None, form=None, status=200):
    values = settings.effective()
    shown = {**values, "banned_words": "\n".join(values["banned_words"])}
    shown.update(form or {})
    return render_template("admin/settings.html", values=shown, error=error,
                           field_errors=field_errors or {}), status


@bp.get("/reglages")
@admin_only
def settings_page():
    return _settings_page()[0]


@bp.post("/reglages")
@admin_only
def save_settings():
    form = {key: request.form.get(key, "") for key in settings.KEYS if key in request.form}
    try:
        settings.update(current_user, form, ip=client_ip())
    except DomainError as error:
        return refused(_settings_page, error, form=form)
    flash(_("Réglages enregistrés."), "ok")
    return redirect(url_for("admin.settings_page"))
