"""Google sign-in (OpenID Connect through Authlib), registered only when configured.

`/connexion/google` sends the browser to Google; `/connexion/google/retour` receives the answer,
which the accounts service checks (state, PKCE, ID token signature, issuer, audience, expiry, nonce)
before finding the account for its identity claims. Every failure ends on the sign-in page with a message.
"""
import logging

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.errors import DomainError
from vgk.security import public
from vgk.services.accounts import google
from vgk.urls import public_url
from vgk.web.auth.helpers import home_for, local_target
from vgk.web.auth.views import after_first_factor

log = logging.getLogger(__name__)

bp = Blueprint("google", __name__)

NEXT_KEY = "google_next"


@bp.app_context_processor
def google_sign_in_flag():
    """Templates show "Continuer avec Google" when this is true (the blueprint exists only when configured)."""
    return {"google_sign_in": True}


@bp.after_request
def never_store(response):
    # Part of the sign-in, like the auth blueprint's pages: never kept by any cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _back_to_sign_in(message):
    flash(message, "error")
    return redirect(url_for("auth.login"))


@bp.get("/connexion/google")
@public
def login():
    target = local_target(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or home_for(current_user))
    if target:
        session[NEXT_KEY] = target
    else:
        session.pop(NEXT_KEY, None)
    try:
        return google.authorization_redirect(public_url("google.callback"))
    except DomainError as error:  # Google out of reach
        return _back_to_sign_in(str(error.message))


@bp.get("/connexion/google/retour")
@public
def callback():
    if request.args.get("error"):
        reason = request.args["error"][:40]
        log.info("Google sign-in not completed: %r", reason)
        session.pop(f"_state_google_{request.args.get('state', '')}", None)  # Authlib's pending state
        if reason == "access_denied":
            return _back_to_sign_in(_("Connexion avec Google annulée."))
        return _back_to_sign_in(_("Google n'a pas pu vous connecter. Réessayez."))
    try:
        claims = google.claims_from_callback()
    except DomainError as error:  # wrong or replayed state, a refused code or ID token, Google unreachable
        return _back_to_sign_in(str(error.message))

    try:
        user = google.sign_in_with_google(claims)
    except DomainError as error:  # unverified email, suspended account, ...
        log.info("Google sign-in refused by the accounts service: %s", error.code)
        return _back_to_sign_in(str(error.message))

    target = local_target(session.pop(NEXT_KEY, None))
    log.info("account %s passed Google", user.public_id)
    # Google stands for the password only: the same rule as a password decides on a second factor.
    return after_first_factor(user, target=target, method="google")
