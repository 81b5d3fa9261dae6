"""One-click unsubscribe from alerts or news, from the signed link in their emails and SMS. The token is the
authority: no sign-in, no session, no CSRF token (RFC 8058: mail clients POST "List-Unsubscribe=One-Click"
to the same URL). GET asks, POST turns every channel of that category off for that person. A link that is
not ours is a "not found" page; every answer is no-store (the page names a person's choices)."""
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from vgk.extensions import csrf
from vgk.security import public
from vgk.services.notifications import preferences

bp = Blueprint("unsubscribe", __name__)
QUESTIONS = {"alerts": _l("Ne plus recevoir les alertes ?"), "news": _l("Ne plus recevoir les nouveautés ?")}
DONE = {"alerts": _l("Vous ne recevrez plus d’alertes."), "news": _l("Vous ne recevrez plus de nouveautés.")}


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/desabonnement/<token>", methods=["GET", "POST"])
@csrf.exempt
@public
def page(token):
    found = (preferences.stop_by_link if request.method == "POST" else preferences.by_link)(token)
    if found is None:
        return render_template("account/unsubscribe.html", broken=True), 404
    category = found[1]
    return render_template("account/unsubscribe.html", token=token, done=request.method == "POST",
                           question=QUESTIONS[category], done_text=DONE[category])
