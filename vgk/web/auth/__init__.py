"""Signing up, verifying a phone, signing in (with a second factor), signing out, resetting a password."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from vgk.web.auth import views  # noqa: E402,F401
