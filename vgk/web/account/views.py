"""A signed-in person's own account (any role): profile, phone, password, second factor, sessions,
deletion. Views are thin: read the form, call one accounts/sessions service, render."""
import time
from functools import wraps

import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from vgk.edge import auth_limit, client_ip, code_limit, local_target
from vgk.errors import Conflict, Forbidden, Invalid, RateLimited
from vgk.extensions import limiter
from vgk.models import TwoFactor
from vgk.security import client_required, signed_in
from vgk.services import accounts, paging, sessions
from vgk.services.catalogue import catalog
from vgk.services.messaging import inbox
from vgk.web.account import bp
from vgk.web.account.forms import (
    CodeForm,
    DeleteForm,
    NewPhoneForm,
    PasswordForm,
    ProfileForm,
    ReauthForm,
    TotpForm,
)
from vgk.web.auth.forms import city_choices
from vgk.web.auth.helpers import pending, sign_out_here
from vgk.web.form_errors import apply_errors
from vgk.web.htmx import is_htmx, render

NEW_PHONE_KEY = "new_phone"    # {"phone", "at"}: a number waiting for its SMS code
NEW_PHONE_AGE = 30 * 60
TOTP_KEY = "totp_setup"        # {"ref", "at"}: an authenticator app being set up (secret kept server-side)
TOTP_AGE = 30 * 60


# --- recent authentication ---------------------------------------------------------------------

def _reauth_redirect(back=None):
    target = request.full_path.rstrip("?") if request.method == "GET" else url_for(back or "account.security")
    flash(_("Pour votre sécurité, confirmez d'abord votre identité."), "warn")
    return redirect(url_for("account.reauthenticate", next=target))


def recent_auth_required(back=None):
    """Sensitive pages and actions: the person must have given the password (or a second factor)
    lately in this session, else they confirm it first and come back (to `back` after a POST)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not accounts.recently_authenticated(current_user):
                return _reauth_redirect(back)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.errorhandler(accounts.ReauthRequired)
def reauth_required(error):
    """The service's own check (the rule lives there): same answer as the decorator."""
    pages = ("account.password", "account.phone", "account.totp", "account.delete", "account.wallet_page")
    return _reauth_redirect(request.endpoint if request.endpoint in pages else None)


def _reauth_page(form, status=200, error=None):
    user = _me()
    return render_template("account/reauth.html", form=form, method=accounts.reauth_method(user),
                           error=error), status


@bp.route("/confirmer", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@signed_in
def reauthenticate():
    """Give the password again (or a second factor) before a sensitive change, then go back."""
    form = ReauthForm()
    if request.method == "GET":
        form.next.data = local_target(request.args.get("next")) or ""
    if not form.validate_on_submit():
        return _reauth_page(form, _status(form))
    user = _me()
    try:
        if accounts.reauth_method(user) == "password":
            accounts.confirm_password(user, form.password.data, ip=client_ip())
        else:
            accounts.confirm_code(user, form.code.data)
    except (Invalid, RateLimited) as error:
        top = apply_errors(form, error) if isinstance(error, Invalid) else str(error.message)
        return _reauth_page(form, error.status_code, error=top)
    return redirect(local_target(form.next.data) or url_for("account.overview"))


@bp.post("/confirmer/code")
@limiter.limit(code_limit)
@signed_in
def send_reauth_code():
    form = ReauthForm(formdata=None)
    form.next.data = local_target(request.form.get("next")) or ""
    try:
        method = accounts.send_reauth_code(_me(), ip=client_ip())
    except RateLimited as error:
        return _reauth_page(form, 429, error=str(error.message))
    if method:
        flash(_("Un code vous a été envoyé."), "ok")
    return redirect(url_for("account.reauthenticate", next=form.next.data or None))


def _me():
    return current_user._get_current_object()


def _refused(template, error, form, **context):
    """Re-render a form with a service error: Invalid under its fields, the rest on top."""
    top = apply_errors(form, error) if isinstance(error, Invalid) else str(error.message)
    return render_template(template, form=form, error=top, **context), error.status_code


def _status(form):
    return 400 if form.is_submitted() else 200


@bp.get("")
@signed_in
def overview():
    return render_template("account/overview.html", user=current_user, phone=accounts.format_phone(current_user.phone))


# --- profile -----------------------------------------------------------------------------------

@bp.route("/profil", methods=["GET", "POST"])
@signed_in
def profile():
    user = _me()
    form = ProfileForm(obj=None if request.method == "POST" else user)
    form.city.choices = city_choices(catalog.cities(), _("Non précisée"))
    if request.method == "GET":
        form.city.data = user.city.slug if user.city else ""
        form.locale.data = user.locale
    if not form.validate_on_submit():
        return render_template("account/profile.html", form=form), _status(form)
    try:
        accounts.update_profile(user, name=form.name.data, city=form.city.data or None, locale=form.locale.data)
    except Invalid as error:
        return _refused("account/profile.html", error, form=form)
    session["lang"] = form.locale.data
    refresh()  # the confirmation already speaks the chosen language
    flash(_("Profil enregistré."), "ok")
    return redirect(url_for("account.overview"))


# --- phone -------------------------------------------------------------------------------------

def _phone_page(status=200, error=None, **forms):
    state = pending(NEW_PHONE_KEY, NEW_PHONE_AGE)
    user = _me()
    context = dict(
        user=user,
        phone=accounts.format_phone(user.phone),
        new_phone=accounts.format_phone(state["phone"]) if state else None,
        new_phone_raw=state["phone"] if state else None,
        change_form=forms.get("change_form") or NewPhoneForm(formdata=None),
        confirm_form=forms.get("confirm_form") or CodeForm(formdata=None),
        verify_form=forms.get("verify_form") or CodeForm(formdata=None, prefix="verify"),
        error=error,
    )
    return render_template("account/phone.html", **context), status


@bp.route("/telephone", methods=["GET", "POST"])
@limiter.limit(code_limit, methods=["POST"])
@signed_in
@recent_auth_required(back="account.phone")
def phone():
    """Step 1 of a change: the new number, which gets an SMS code."""
    if request.method == "GET":
        return _phone_page()
    form = NewPhoneForm()
    if not form.validate_on_submit():
        return _phone_page(400, change_form=form)
    try:
        new_phone = accounts.start_phone_change(_me(), form.phone.data, ip=client_ip())
    except (Invalid, RateLimited) as error:
        top = apply_errors(form, error) if isinstance(error, Invalid) else str(error.message)
        return _phone_page(error.status_code, error=top, change_form=form)
    session[NEW_PHONE_KEY] = {"phone": new_phone, "at": int(time.time())}
    flash(_("Un code a été envoyé au %(phone)s.", phone=accounts.format_phone(new_phone)), "ok")
    return redirect(url_for("account.phone"))


@bp.post("/telephone/confirmer")
@limiter.limit(auth_limit)
@signed_in
@recent_auth_required(back="account.phone")
def confirm_phone():
    """Step 2 of a change: the code sent to the new number."""
    state = pending(NEW_PHONE_KEY, NEW_PHONE_AGE)
    if state is None:
        flash(_("Le changement de numéro a expiré. Recommencez."), "warn")
        return redirect(url_for("account.phone"))
    form = CodeForm()
    if not form.validate_on_submit():
        return _phone_page(400, confirm_form=form)
    try:
        accounts.confirm_phone_change(_me(), state["phone"], form.code.data)
    except (Invalid, RateLimited) as error:
        top = apply_errors(form, error) if isinstance(error, Invalid) else str(error.message)
        return _phone_page(error.status_code, error=top, confirm_form=form)
    except Conflict as error:  # the number was taken meanwhile
        session.pop(NEW_PHONE_KEY, None)
        return _phone_page(409, error=str(error.message))
    session.pop(NEW_PHONE_KEY, None)
    flash(_("Votre nouveau numéro est enregistré et vérifié."), "ok")
    return redirect(url_for("account.overview"))


@bp.post("/telephone/annuler")
@signed_in
def cancel_phone_change():
    session.pop(NEW_PHONE_KEY, None)
    return redirect(url_for("account.phone"))


@bp.post("/telephone/code")
@limiter.limit(code_limit)
@signed_in
def send_verification_code():
    """Send a code to the current, not yet verified, number."""
    user = _me()
    if user.phone_verified or not user.phone:
        return redirect(url_for("account.phone"))
    try:
        accounts.send_phone_code(user, ip=client_ip())
    except RateLimited as error:
        return _phone_page(429, error=str(error.message))
    flash(_("Un code a été envoyé au %(phone)s.", phone=accounts.format_phone(user.phone)), "ok")
    return redirect(url_for("account.phone"))


@bp.post("/telephone/verifier")
@limiter.limit(auth_limit)
@signed_in
def verify_phone():
    form = CodeForm(prefix="verify")
    if not form.validate_on_submit():
        return _phone_page(400, verify_form=form)
    try:
        accounts.verify_phone(_me(), form.code.data)
    except (Invalid, RateLimited) as error:
        top = apply_errors(form, error) if isinstance(error, Invalid) else str(error.message)
        return _phone_page(error.status_code, error=top, verify_form=form)
    flash(_("Votre numéro est vérifié."), "ok")
    return redirect(url_for("account.overview"))


# --- email ---------------------------------------------------------------------------------------

@bp.post("/email/verifier")
@limiter.limit(code_limit)
@signed_in
def resend_email_verification():
    """Send the link that verifies the account's email address again."""
    try:
        sent = accounts.send_email_verification(_me(), ip=client_ip())
    except RateLimited as error:
        flash(str(error.message), "error")
        return redirect(url_for("account.overview"))
    if sent:
        flash(_("Un lien de vérification a été envoyé à votre adresse email."), "ok")
    return redirect(url_for("account.overview"))


# --- password ----------------------------------------------------------------------------------

@bp.route("/mot-de-passe", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@signed_in
def password():
    form = PasswordForm()
    first = not _me().password_hash
    if not form.validate_on_submit():
        return render_template("account/password.html", form=form, first=first), _status(form)
    try:
        accounts.change_password(_me(), form.current_password.data, form.password.data)
    except Invalid as error:
        return _refused("account/password.html", error, form=form, first=first)
    flash(_("Mot de passe changé. Vos autres appareils ont été déconnectés."), "ok")
    return redirect(url_for("account.overview"))


# --- second factor -----------------------------------------------------------------------------

def _security_page(status=200, error=None):
    user = _me()
    return render_template(
        "account/security.html",
        user=user,
        has_recovery_codes=accounts.has_recovery_codes(user) if user.two_factor else False,
        phone=accounts.format_phone(user.phone),
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
        codes = accounts.enable_code_factor(_me(), method)
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
    secret = accounts.pending_totp_secret(user, state.get("ref")) if state else None
    if secret is None:
        # The secret stays on the account row; the (readable) session cookie only holds a reference.
        state = {"ref": accounts.start_totp_setup(user), "at": int(time.time())}
        session[TOTP_KEY] = state
        secret = accounts.pending_totp_secret(user, state["ref"])
    form = TotpForm()
    context = dict(
        form=form,
        secret=_grouped(secret),
        qr=segno.make(accounts.totp_uri(user, secret), error="m").svg_inline(
            scale=4, dark="#000", light="#fff", omitsize=False,
        ),
    )
    if not form.validate_on_submit():
        return render_template("account/totp.html", **context), _status(form)
    try:
        codes = accounts.enable_totp(user, state["ref"], form.code.data)
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
    codes = accounts.renew_recovery_codes(user)
    flash(_("Nouveaux codes de secours créés : les anciens ne marchent plus."), "ok")
    return _recovery_codes_page(codes, _("Vos nouveaux codes de secours"))


@bp.post("/securite/desactiver")
@client_required  # staff and admins must keep a second factor: declared here, checked by the service too
@recent_auth_required()
def disable_two_factor():
    try:
        accounts.disable_two_factor(_me())
    except Forbidden as error:
        return _security_page(403, error=str(error.message))
    flash(_("Double authentification désactivée."), "ok")
    return redirect(url_for("account.security"))


# --- sessions ----------------------------------------------------------------------------------

def device_label(user_agent):
    """'Chrome · Android' from a user-agent string: enough to recognise one's own phone."""
    ua = user_agent or ""
    browsers = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Opera Mini", "Opera Mini"), ("Firefox/", "Firefox"),
                ("SamsungBrowser/", "Samsung Internet"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
    systems = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
               ("Mac OS X", "Mac"), ("Linux", "Linux"))
    browser = next((name for mark, name in browsers if mark in ua), None)
    system = next((name for mark, name in systems if mark in ua), None)
    label = " · ".join(part for part in (browser, system) if part)
    return label or ua[:60] or _("Appareil inconnu")


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
            accounts.confirm_password(user, form.password.data, ip=client_ip())
        except (Invalid, RateLimited) as error:
            form.password.errors = [_("Mot de passe incorrect.")] if isinstance(error, Invalid) else []
            top = None if isinstance(error, Invalid) else str(error.message)
            return render_template("account/delete.html", form=form, needs_password=True, error=top), error.status_code
    else:
        try:
            accounts.require_recent_authentication(user)
        except accounts.ReauthRequired:
            return _reauth_redirect("account.delete")
    accounts.delete_account(user)
    sign_out_here()
    flash(_("Votre compte a été supprimé. Vos annonces ne sont plus visibles."), "ok")
    return redirect(url_for("visitor.home"))


# --- orders, sales and wallet ------------------------------------------------------------------

@bp.get("/commandes")
@signed_in
def my_orders():
    from vgk.services.commerce import orders

    return render_template("account/orders.html", orders=orders.for_buyer(_me()))


@bp.get("/ventes")
@signed_in
def my_sales():
    from vgk.services.commerce import orders

    return render_template("account/sales.html", items=orders.sales_of(_me()))


def _wallet_page(form, status=200, error=None):
    from vgk.services.commerce import wallet

    user = _me()
    return render_template("account/wallet.html", form=form, error=error, balance=wallet.balance(user),
                           entries=wallet.entries(user), payouts=wallet.payouts_of(user)), status


@bp.route("/portefeuille", methods=["GET", "POST"])
@signed_in
def wallet_page():
    from vgk.services.commerce import wallet
    from vgk.web.shop.forms import PayoutForm

    form = PayoutForm()
    if request.method == "GET" and not form.phone.data:
        form.phone.data = _me().phone
    if not form.validate_on_submit():
        return _wallet_page(form, _status(form))
    try:
        payout = wallet.request_payout(_me(), form.amount.data, form.phone.data)
    except Invalid as error:
        return _wallet_page(form, 400, apply_errors(form, error))
    flash(_("Retrait de %(amount)s demandé : il sera envoyé après validation.",
            amount=f"{payout.amount:,} FCFA".replace(",", " ")), "ok")
    return redirect(url_for("account.wallet_page"), 303)


# --- notifications -----------------------------------------------------------------------------

@bp.app_context_processor
def _unread():
    def unread_notifications():
        return inbox.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": unread_notifications}


def _notifications_page(status=200):
    page = paging.page_number(request.args.get("page"), 500)
    rows, count = inbox.page_for(_me(), page, inbox.PER_PAGE)
    last_page = max(1, -(-count // inbox.PER_PAGE))
    return render("account/notifications.html", "account/_notifications.html", rows=rows, page=page,
                  last_page=last_page, unread=inbox.unread_count(_me())), status


@bp.get("/notifications")
@signed_in
def notifications():
    return _notifications_page()


@bp.post("/notifications/lues")
@signed_in
def read_notifications():
    inbox.mark_read(_me())
    if is_htmx():
        return _notifications_page()
    flash(_("Toutes vos notifications sont marquées comme lues."), "ok")
    return redirect(url_for("account.notifications"), 303)
