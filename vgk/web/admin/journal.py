"""The audit log (journal) of what admins and staff changed, filtered by actor and action, page by page."""
from flask import render_template, request

from vgk.services import paging
from vgk.services.backoffice import audit
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only


@bp.get("/journal")
@admin_only
def journal():
    filters = audit.AuditFilters.from_params(request.args)
    page = audit.entries(filters, paging.page_number(request.args.get("page")))
    return render_template("admin/audit.html", filters=filters, page=page, decode=audit.decode,
                           actions=audit.actions(), actors=audit.actors(), system_cli=audit.SYSTEM_CLI)
