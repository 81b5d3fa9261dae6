"""The account's protection: the second factor (SMS, email or an authenticator app, recovery codes), the
devices signed in (sessions) and deleting the account."""
import time

import segno
from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from vgk.edge import auth_limit, client_ip
from vgk.errors import Forbidden, Invalid, RateLimited
from vgk.extensions import limiter
from vgk.models import TwoFactor
from vgk.security import client_required, signed_in
from vgk.services.accounts import people, personal, sessions, signin, twofactor
from vgk.web.account import bp
from vgk.web.account.forms import DeleteForm, TotpForm
from vgk.web.account.views import _me, _reauth_redirect, _status, recent_auth_required
from vgk.web.auth.helpers import pending, sign_out_here
from vgk.web.form_errors import apply_errors
from vgk.web.htmx import is_htmx

TOTP_KEY = "totp_setup"        # {"ref", "at"}: an authenticator app being set up (secret kept server-side)
TOTP_AGE = 30 * 60


# --- second factor -----------------------------------------------------------------------------

def _security_page(status=200, error=None):
    user = _me()
    return render_template(
        "account/security.html",
        user=user,
        has_recovery_codes=twofactor.has_recovery_codes(user) if user.two_factor else False,
        phone=people.format_phone(user.phone),
        error=error,
    ), status


def _recovery_codes_page(codes, heading):
    return render_template("account/recovery_codes.html", codes=codes, heading=heading)


@bp.get("/securite")
@signed_in
def security():
    return _security_page()


def _enable_code_factor(method):
    try:
        codes = twofactor.enable_code_factor(_me(), method)
    except Invalid as error:
        return _security_page(400, error=str(error.message))
    session.pop(TOTP_KEY, None)
    if method == TwoFactor.SMS:
        message = _("Double authentification activée : un code par SMS vous sera demandé à chaque connexion.")
    else:
        message = _("Double authentification activée : un code par email vous sera demandé à chaque connexion.")
    flash(message, "ok")
    if codes:  # the first time a factor is turned on: shown on this page, never again
        return _recovery_codes_page(codes, _("Vos codes de secours"))
    return redirect(url_for("account.security"))


@bp.post("/securite/sms")
@signed_in
@recent_auth_required()
def enable_sms():
    return _enable_code_factor(TwoFactor.SMS)


@bp.post("/securite/email")
@signed_in
@recent_auth_required()
def enable_email():
    return _enable_code_factor(TwoFactor.EMAIL)


def _grouped(secret):
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@bp.route("/securite/application", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@signed_in
@recent_auth_required(back="account.totp")
def totp():
    user = _me()
    state = pending(TOTP_KEY, TOTP_AGE)
    secret = twofactor.pending_totp_secret(user, state.get("ref")) if state else None
    if secret is None:
        # The secret stays on the account row; the (readable) session cookie only holds a reference.
        state = {"ref": twofactor.start_totp_setup(user), "at": int(time.time())}
        session[TOTP_KEY] = state
        secret = twofactor.pending_totp_secret(user, state["ref"])
    form = TotpForm()
    context = dict(
        form=form,
        secret=_grouped(secret),
        qr=segno.make(twofactor.totp_uri(user, secret), error="m").svg_inline(
            scale=4, dark="#000", light="#fff", omitsize=False,
        ),
    )
    if not form.validate_on_submit():
        return render_template("account/totp.html", **context), _status(form)
    try:
        codes = twofactor.enable_totp(user, state["ref"], form.code.data)
    except Invalid as error:
        return render_template("account/totp.html", error=apply_errors(form, error), **context), 400
    session.pop(TOTP_KEY, None)
    flash(_("Application d'authentification activée."), "ok")
    return _recovery_codes_page(codes, _("Vos codes de secours"))


@bp.post("/securite/codes")
@signed_in
@recent_auth_required()
def recovery_codes():
    user = _me()
    if not user.two_factor:
        return redirect(url_for("account.security"))
    codes = twofactor.renew_recovery_codes(user)
    flash(_("Nouveaux codes de secours créés : les anciens ne marchent plus."), "ok")
    return _recovery_codes_page(codes, _("Vos nouveaux codes de secours"))


@bp.post("/securite/desactiver")
@client_required  # staff and admins must keep a second factor: declared here, checked by the service too
@recent_auth_required()
def disable_two_factor():
    try:
        twofactor.disable_two_factor(_me())
    except Forbidden as error:
        return _security_page(403, error=str(error.message))
    flash(_("Double authentification désactivée."), "ok")
    return redirect(url_for("account.security"))


# --- sessions ----------------------------------------------------------------------------------

def device_label(user_agent):
    """'Chrome · Android' from a user-agent string: enough to recognise one's own phone."""
    return sessions.device_label(user_agent) or _("Appareil inconnu")


@bp.get("/sessions")
@signed_in
def sessions_list():
    user = _me()
    current_id = user.auth_session.id if user.auth_session is not None else None
    rows = [
        dict(session=s, device=device_label(s.user_agent), current=s.id == current_id)
        for s in sessions.live_sessions(user)
    ]
    return render_template("account/sessions.html", rows=rows)


@bp.post("/sessions/<public_id>/revoquer")
@signed_in
def revoke_session(public_id):
    user = _me()
    if user.auth_session is not None and public_id == user.auth_session.public_id:
        sign_out_here(user)
        flash(_("Vous êtes déconnecté."), "ok")
        return redirect(url_for("visitor.home"))
    sessions.revoke(user, public_id[:64])
    if is_htmx():
        return ""  # the row goes away in place
    flash(_("Cet appareil a été déconnecté."), "ok")
    return redirect(url_for("account.sessions_list"))


@bp.post("/sessions/tout")
@signed_in
def revoke_all_sessions():
    user = _me()
    sessions.revoke_all(user)
    sign_out_here()
    flash(_("Vous êtes déconnecté de tous vos appareils."), "ok")
    return redirect(url_for("visitor.home"))


# --- deletion ----------------------------------------------------------------------------------

@bp.route("/supprimer", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@signed_in
def delete():
    user = _me()
    form = DeleteForm()
    needs_password = bool(user.password_hash)
    if not form.validate_on_submit():
        return render_template("account/delete.html", form=form, needs_password=needs_password), _status(form)
    if needs_password and not form.password.data:
        form.password.errors = [_("Ce champ est obligatoire.")]
        return render_template("account/delete.html", form=form, needs_password=True), 400
    if needs_password:
        # The password check (throttled per source like a sign-in) confirms it is the owner at the keyboard.
        try:
            signin.confirm_password(user, form.password.data, ip=client_ip())
        except (Invalid, RateLimited) as error:
            form.password.errors = [_("Mot de passe incorrect.")] if isinstance(error, Invalid) else []
            top = None if isinstance(error, Invalid) else str(error.message)
            return render_template("account/delete.html", form=form, needs_password=True, error=top), error.status_code
    else:
        try:
            signin.require_recent_authentication(user)
        except signin.ReauthRequired:
            return _reauth_redirect("account.delete")
    personal.delete_account(user)
    sign_out_here()
    flash(_("Votre compte a été supprimé. Vos annonces ne sont plus visibles."), "ok")
    return redirect(url_for("visitor.home"))
