"""A/B tests of notification words: per experiment (config NOTIFY_EXPERIMENTS), what each variant's
messages did, from the delivery log."""
from flask import render_template
from flask_babel import get_locale

from vgk.services.notifications import experiments as notify_experiments
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only


@bp.get("/experiences")
@admin_only
def experiments_page():
    return render_template("admin/experiments.html", report=notify_experiments.report(str(get_locale() or "fr")))
