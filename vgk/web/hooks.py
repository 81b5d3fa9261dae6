"""Providers' callbacks about the notifications we sent: Africa's Talking's SMS delivery reports and WhatsApp
Cloud's webhook. No session, no CSRF token (the providers sign or carry a secret instead, checked by
vgk.services.notifications.callbacks); rate limited like the payment provider's webhook. Refused calls change
nothing and get 403, malformed ones 400; valid ones get 200 at once."""
from flask import Blueprint, abort, request

from vgk.edge import callback_limit
from vgk.extensions import csrf, limiter
from vgk.security import public
from vgk.services.notifications import callbacks

bp = Blueprint("hooks", __name__, url_prefix="/hooks")
csrf.exempt(bp)
MAX_BODY = 256 * 1024  # WhatsApp batches at most a few hundred statuses; reports are a few hundred bytes
_STATUS = {callbacks.OK: 200, callbacks.REFUSED: 403, callbacks.MALFORMED: 400}


def _answer(outcome):
    return ("", 200) if outcome == callbacks.OK else abort(_STATUS[outcome])


def _too_large():
    if (request.content_length or 0) > MAX_BODY:
        abort(413)


@bp.post("/sms/<token>")
@limiter.limit(callback_limit)
@public
def sms_report(token):
    _too_large()
    return _answer(callbacks.sms_report(token, request.form.to_dict()))


@bp.get("/whatsapp")
@limiter.limit(callback_limit)
@public
def whatsapp_handshake():
    challenge = callbacks.whatsapp_challenge(request.args.to_dict())
    if challenge is None:
        abort(403)
    return challenge, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.post("/whatsapp")
@limiter.limit(callback_limit)
@public
def whatsapp_webhook():
    _too_large()
    return _answer(callbacks.whatsapp_webhook(request.get_data(cache=False),
                                              request.headers.get("X-Hub-Signature-256")))
