"""A signed-in person's own account (any role): confirming one's identity again before a sensitive change,
the overview, profile, phone, email and password. The second factor, sessions and deletion are in
vgk.web.account.security; orders, sales, wallet and notifications in vgk.web.account.activity. Views
are thin: read the form, call one accounts/sessions service, render."""
import time
from functools import wraps

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from vgk.edge import auth_limit, client_ip, code_limit, local_target
from vgk.errors import Conflict, Invalid, RateLimited
from vgk.extensions import limiter
from vgk.security import signed_in
from vgk.services.accounts import passwords, people, personal, signin, signup
from vgk.services.catalogue import catalog
from vgk.web.account import bp
from vgk.web.account.forms import (
    CodeForm,
    NewPhoneForm,
    PasswordForm,
    ProfileForm,
    ReauthForm,
)
from vgk.web.auth.forms import city_choices
from vgk.web.auth.helpers import pending
from vgk.web.form_errors import apply_errors

NEW_PHONE_KEY = "new_phone"    # {"phone", "at"}: a number waiting for its SMS code
NEW_PHONE_AGE = 30 * 60


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
            if not signin.recently_authenticated(current_user):
                return _reauth_redirect(back)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.errorhandler(signin.ReauthRequired)
def reauth_required(error):
    """The service's own check (the rule lives there): same answer as the decorator."""
    pages = ("account.password", "account.phone", "account.totp", "account.delete", "account.wallet_page")
    return _reauth_redirect(request.endpoint if request.endpoint in pages else None)


def _reauth_page(form, status=200, error=None):
    user = _me()
    return render_template("account/reauth.html", form=form, method=signin.reauth_method(user),
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
        if signin.reauth_method(user) == "password":
            signin.confirm_password(user, form.password.data, ip=client_ip())
        else:
            signin.confirm_code(user, form.code.data)
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
        method = signin.send_reauth_code(_me(), ip=client_ip())
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
    return render_template("account/overview.html", user=current_user, phone=people.format_phone(current_user.phone))


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
        personal.update_profile(user, name=form.name.data, city=form.city.data or None, locale=form.locale.data)
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
        phone=people.format_phone(user.phone),
        new_phone=people.format_phone(state["phone"]) if state else None,
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
        new_phone = signup.start_phone_change(_me(), form.phone.data, ip=client_ip())
    except (Invalid, RateLimited) as error:
        top = apply_errors(form, error) if isinstance(error, Invalid) else str(error.message)
        return _phone_page(error.status_code, error=top, change_form=form)
    session[NEW_PHONE_KEY] = {"phone": new_phone, "at": int(time.time())}
    flash(_("Un code a été envoyé au %(phone)s.", phone=people.format_phone(new_phone)), "ok")
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
        signup.confirm_phone_change(_me(), state["phone"], form.code.data)
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
        signup.send_phone_code(user, ip=client_ip())
    except RateLimited as error:
        return _phone_page(429, error=str(error.message))
    flash(_("Un code a été envoyé au %(phone)s.", phone=people.format_phone(user.phone)), "ok")
    return redirect(url_for("account.phone"))


@bp.post("/telephone/verifier")
@limiter.limit(auth_limit)
@signed_in
def verify_phone():
    form = CodeForm(prefix="verify")
    if not form.validate_on_submit():
        return _phone_page(400, verify_form=form)
    try:
        signup.verify_phone(_me(), form.code.data)
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
        sent = signup.send_email_verification(_me(), ip=client_ip())
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
        passwords.change_password(_me(), form.current_password.data, form.password.data)
    except Invalid as error:
        return _refused("account/password.html", error, form=form, first=first)
    flash(_("Mot de passe changé. Vos autres appareils ont été déconnectés."), "ok")
    return redirect(url_for("account.overview"))
