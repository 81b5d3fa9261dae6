"""Development-only tools (never registered in production): the outbox of SMS and emails.

Registered by create_app only when DEV_TOOLS is true (VGK_ENV=development or test), so the demo can
read sign-in codes; even then vgk.devtools answers 404 to anyone but a browser on the same machine.
In production the route does not exist at all (404).
"""
from flask import Blueprint, render_template

from vgk.security import public
from vgk.services.messaging import outbox as kept

bp = Blueprint("dev", __name__, url_prefix="/dev")

OUTBOX_SIZE = 50


@bp.after_request
def never_store(response):
    response.headers["Cache-Control"] = "no-store"  # codes: never kept by a cache
    return response


@bp.get("/outbox")
@public  # the blueprint only exists in development, and vgk.devtools admits loopback clients only
def outbox():
    messages = kept.latest(OUTBOX_SIZE)
    return render_template("dev/outbox.html", messages=messages, size=OUTBOX_SIZE)
