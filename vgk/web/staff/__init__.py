"""The pickup-point staff portal on shared tablets: PIN unlock, idle lock, the point's work."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from vgk.web.staff import views  # noqa: E402,F401
