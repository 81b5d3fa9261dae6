"""Tracked links of messages (A/B experiments): GET /n/<token> records the message's first click and leads to
the page it named, a path on this site only. A link that is not ours leads home, never to an error. Public,
rate limited like the other public links; no-store (the answer depends on the token)."""
from flask import Blueprint, redirect

from vgk.edge import webhook_limit
from vgk.extensions import limiter
from vgk.security import public
from vgk.services.notifications import clicks

bp = Blueprint("tracked", __name__)


@bp.get("/n/<token>")
@limiter.limit(webhook_limit)  # 60 a minute per address: generous for people, not for a robot
@public
def follow(token):
    response = redirect(clicks.follow(token), 302)
    response.headers["Cache-Control"] = "no-store"
    return response
