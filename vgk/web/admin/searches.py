"""What people search for: the most frequent searches of a period and those that found nothing, from the
behaviour events (vgk.services.discovery.events), so admins see which words the catalogue lacks; and the
last judgement of the model that predicts which new listings sell within a week."""
from flask import render_template, request

from vgk.services.discovery import events, prediction
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only

PERIODS = (7, 30, 90)


@bp.get("/recherches")
@admin_only
def searches_page():
    days = request.args.get("jours", type=int)
    days = days if days in PERIODS else 30
    return render_template("admin/searches.html", days=days, periods=PERIODS,
                           top=events.search_figures(days, 30), empty=events.search_figures(days, 30, zero_only=True),
                           sell_model=prediction.current())
