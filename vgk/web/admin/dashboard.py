"""Administration dashboard: the marketplace's figures for 7/30/90 days and one city or all, computed by
the analytics service and drawn as inline SVG (htmx swaps only the stats block), and the state of the
background work (queue, failed jobs, workers, scheduler)."""
from flask import current_app, request, url_for

from vgk.web.admin import bp
from vgk.web.admin.common import admin_only
from vgk.web.htmx import render


@bp.get("")
@admin_only
def dashboard():
    """Marketplace figures for 7/30/90 days and one city or all; htmx swaps only the stats block."""
    from vgk.services.backoffice import analytics
    from vgk.services.operations import work
    from vgk.web import charts

    figures = analytics.dashboard(request.args.get("days"), city=request.args.get("city") or None)
    moderation_url = next((url_for(name) for name in ("admin.moderation", "admin.moderation_queue")
                           if name in current_app.view_functions), None)
    return render("admin/dashboard.html", "admin/_dashboard_stats.html", d=figures, charts=charts,
                  periods=analytics.PERIODS, moderation_url=moderation_url, work=work.overview())
