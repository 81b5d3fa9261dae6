"""Development-only tools (never registered in production): the outbox of SMS and emails."""
from flask import Blueprint

bp = Blueprint("dev", __name__, url_prefix="/dev")
