"""What the auth and account pages share: opening and closing the signed-in session, the short steps
kept in the session, and where a signed-in person lands."""
import logging
import time

from flask import current_app, g, request, session
from flask_login import login_user, logout_user, user_loaded_from_cookie

from vgk.edge import (
    client_ip,
    local_target,  # noqa: F401  (read here by vgk.web.google)
    user_agent,
)
from vgk.errors import Forbidden
from vgk.models import Role
from vgk.services.accounts import sessions, signin, tablets
from vgk.services.commerce import cart as carts
from vgk.web import visitors

log = logging.getLogger(__name__)

TABLET_COOKIE = "vgk_tablet"
TABLET_COOKIE_AGE = 60 * 60 * 24 * 365
def pending(key, max_age):
    """A short-lived step kept in the session (phone to verify, second factor owed), or None."""
    state = session.get(key)
    if not isinstance(state, dict) or time.time() - state.get("at", 0) > max_age:
        session.pop(key, None)
        return None
    return state


def renew_session():
    """A fresh session at each sign-in and sign-out (no fixation); only the language choice stays."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def home_for(user):
    if user.role == Role.STAFF:
        return "/staff"
    if user.role == Role.ADMIN:
        return "/admin"
    return "/compte"


def may_be_remembered(user):
    """"Se souvenir de moi" is for clients only: a staff or admin session must never come back from
    a long-lived cookie without its PIN, idle lock or second factor (a shared tablet, a back office)."""
    return user.role == Role.CLIENT


def finish_sign_in(user, *, remember=False, method="password"):
    """Every factor was checked: open the sign-in session in a renewed browser session.
    Returns the tablet token to set for staff (or None)."""
    carts.merge_into_user(user, session.get("cart_key"))  # the visitor's cart joins the saved one
    if user.role == Role.CLIENT:
        visitors.hand_over_to(user)  # and what they looked at, their history
    renew_session()
    signin.sign_in(user, ip=client_ip(), user_agent=user_agent(), method=method)
    login_user(user, remember=bool(remember) and may_be_remembered(user))
    if user.role != Role.STAFF:
        return None
    session["staff_seen"] = time.time()  # the idle lock's clock starts with the sign-in
    session["staff_sid"] = user.get_id()
    try:
        return tablets.enroll_device(user, request.cookies.get(TABLET_COOKIE))
    except Forbidden:
        log.warning("staff %s signed in without a pickup point: tablet not enrolled", user.public_id)
        return None


@user_loaded_from_cookie.connect
def _note_restored_from_cookie(app, user=None, **extra):
    """Flask-Login brought a session back from the remember-me cookie (the browser session was gone)."""
    g.vgk_restored_from_cookie = user


def refuse_restored_privileged_session():
    """A staff or admin session restored from a remember-me cookie (one set before staff and admins
    stopped getting it, or forged from a stolen one) is ended at once: the person gives the PIN or
    signs in again. Returns the role of the session refused, or None."""
    user = g.pop("vgk_restored_from_cookie", None)
    if user is None or may_be_remembered(user):
        return None
    log.info("%s %s: session restored from a remember-me cookie refused", user.role.lower(), user.public_id)
    sign_out_here(user)
    return user.role


def set_tablet_cookie(response, token):
    if token:
        response.set_cookie(
            TABLET_COOKIE, token, max_age=TABLET_COOKIE_AGE, path="/", httponly=True, samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


def sign_out_here(user=None):
    """End the current sign-in session (if any) and forget everything but the language."""
    if user is not None and user.is_authenticated:
        sessions.end(user)
    renew_session()
    logout_user()
