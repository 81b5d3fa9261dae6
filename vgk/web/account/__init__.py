"""A signed-in person's own account: profile, phone, password, second factor, sessions, deletion."""
from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/compte")

from vgk.web.account import activity, alerts, preferences, push, security, views  # noqa: E402,F401
