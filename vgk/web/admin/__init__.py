"""The administration: users and staff accounts (more sections come with their features)."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from vgk.web.admin import dashboard, exports, journal, moderation, orders, payouts, users, views  # noqa: E402,F401
