"""Notifications on this phone (Web Push): static/js/push.js hands the browser's subscription over, as
JSON with the page's CSRF token, and takes it back when the person turns them off. Both answer 204; a
refusal is the JSON error envelope of the app-wide handlers (the script asks for JSON)."""
from flask import request
from flask_babel import lazy_gettext as _l

from vgk.edge import user_agent
from vgk.errors import Invalid
from vgk.security import signed_in
from vgk.services.accounts import push_subscriptions
from vgk.web.account import bp
from vgk.web.account.views import _me

MAX_BODY = 4096  # a subscription is about 500 bytes


def _json_body():
    if (request.content_length or 0) > MAX_BODY:
        raise Invalid(_l("Abonnement aux notifications illisible."))
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


@bp.post("/notifications/telephone")
@signed_in
def push_subscribe():
    push_subscriptions.subscribe(_me(), _json_body(), user_agent=user_agent())
    return "", 204


@bp.post("/notifications/telephone/retirer")
@signed_in
def push_unsubscribe():
    push_subscriptions.unsubscribe(_me(), _json_body().get("endpoint"))  # gone already: the same
    return "", 204
