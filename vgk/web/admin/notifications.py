"""The notification engine seen by admins: the delivery log with its figures (/notifications), and every
message rendered with sample values in each language (/notifications/modeles). Queries live in
vgk.services.notifications.report."""
from flask import abort, make_response, render_template, request
from flask_babel import format_date

from vgk.errors import Invalid
from vgk.models import DeliveryStatus
from vgk.models.base import utcnow
from vgk.services import paging
from vgk.services.notifications import report
from vgk.services.notifications.events import EVENTS, PAID_CHANNELS
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only


@bp.get("/notifications")
@admin_only
def notifications_log():
    filters = report.LogFilters.from_params(request.args)
    now = utcnow()
    error, status = "", 200
    month_costs = report.month_costs(now)
    try:
        page = report.deliveries(filters, paging.page_number(request.args.get("page")), now)
        figures = report.figures(filters, now)
    except Invalid as refused:
        error, status = str(refused.message), refused.status_code
        page, figures = paging.Page(items=[], page=1, per_page=report.PER_PAGE, total=0), report.Figures()
    return render_template("admin/notifications.html", filters=filters, page=page, figures=figures,
                           error=error, channels=report.LOG_CHANNELS, statuses=DeliveryStatus.ALL,
                           events=list(EVENTS), periods=list(report.PERIODS), paid=PAID_CHANNELS,
                           month_costs=month_costs, month=format_date(report.local_month(now), "LLLL yyyy")), status


@bp.get("/notifications/modeles")
@admin_only
def notification_templates():
    chosen = request.args.get("event", "")
    chosen = chosen if chosen in EVENTS else ""
    return render_template("admin/notifications_templates.html", previews=report.previews(chosen),
                           chosen=chosen, events=list(EVENTS))


# An email's HTML as a mail client shows it: its own inline styles, nothing else (no script, no request out),
# inside the previews page's sandboxed frame.
EMAIL_PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"


@bp.get("/notifications/modeles/<event>/<language>/email.html")
@admin_only
def notification_email_html(event: str, language: str):
    if event not in EVENTS or language not in report.LANGUAGES:
        abort(404)
    shown = report.preview(event, "email", language)
    if not shown.html:
        abort(404)
    response = make_response(shown.html)
    response.headers["Content-Security-Policy"] = EMAIL_PREVIEW_POLICY
    return response
