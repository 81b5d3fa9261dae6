"""The administration blueprint (/admin, for admins with a second factor), one module per area: the
dashboard, users (and staff accounts), moderation of listings, orders, payouts, CSV exports, places
(cities, pickup points), categories, the settings, the storage, the audit journal and the notifications (log and
messages); what they share is in `common`. No admin page is ever stored by the browser."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.after_request
def never_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


from vgk.web.admin import (  # noqa: E402,F401
    categories,
    conversations,
    dashboard,
    experiments,
    exports,
    journal,
    moderation,
    notifications,
    orders,
    payouts,
    places,
    reports,
    searches,
    settings,
    storage,
    users,
)
