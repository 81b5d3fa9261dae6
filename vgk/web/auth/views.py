"""Sign-up, phone verification, sign-in with a second factor, sign-out and password reset.

Views are thin: read the form, call one accounts service, render. Service errors come back to the
form: Invalid -> 400 with messages under the fields, RateLimited -> 429, Forbidden -> 403.
"""
import time

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import auth_limit, client_ip, code_limit, local_target
from vgk.errors import Forbidden, Invalid, NotFound, RateLimited
from vgk.extensions import limiter
from vgk.models import Role, TwoFactor
from vgk.security import public
from vgk.services.accounts import passwords, people, signin, signup
from vgk.services.catalogue import catalog
from vgk.web.auth import bp
from vgk.web.auth.forms import (
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    ResetWithCodeForm,
    ResetWithLinkForm,
    SecondFactorForm,
    SignUpForm,
    city_choices,
)
from vgk.web.auth.helpers import (
    finish_sign_in,
    home_for,
    pending,
    refuse_restored_privileged_session,
    set_tablet_cookie,
    sign_out_here,
)
from vgk.web.form_errors import apply_errors
from vgk.web.forms import keeps_typed_form

VERIFY_KEY = "verify"          # {"uid", "at"}: a new account whose phone is not verified yet
VERIFY_AGE = 60 * 60
TWO_FACTOR_KEY = "2fa"         # {"challenge", "uid", "remember", "next", "at", "method"}: second factor owed
TWO_FACTOR_AGE = 10 * 60


def _page(template, status=200, **context):
    return render_template(template, **context), status


def _refused(template, error, **context):
    """Re-render a form with a service error: Invalid under its fields, the rest on top."""
    top = apply_errors(context["form"], error) if isinstance(error, Invalid) else str(error.message)
    return _page(template, error.status_code, error=top, **context)


def _signed_in_redirect(user, remember=False, target=None, method="password"):
    """Full sign-in, then the safe `next`, else the role's home; staff tablets get their cookie."""
    token = finish_sign_in(user, remember=remember, method=method)
    if user.needs_two_factor and not user.two_factor:
        flash(_("Votre rôle exige la double authentification : activez-la maintenant."), "warn")
        target = url_for("account.security")
    response = redirect(local_target(target) or home_for(user))
    return set_tablet_cookie(response, token)


@bp.after_request
def never_store(response):
    # Sign-in, sign-up, codes, password reset (a valid reset form), email verification: no cache
    # (proxy, browser or the service worker, which also skips these paths) may keep any of them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_app_request
def no_remembered_staff_or_admin():
    """Staff and admin sessions never come back from the remember-me cookie (see helpers)."""
    if request.endpoint is None or request.endpoint == "static" or not current_user.is_authenticated:
        return None
    role = refuse_restored_privileged_session()
    if role is None:
        return None
    if role == Role.STAFF:
        return redirect(url_for("staff.lock_screen"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


# --- sign-up and phone verification ------------------------------------------------------------

@bp.route("/inscription", methods=["GET", "POST"])
@keeps_typed_form
@limiter.limit(auth_limit, methods=["POST"])
@public
def register():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(url_for("account.overview"))
    form = SignUpForm()
    form.city.choices = city_choices(catalog.cities(), _("Choisissez votre ville"))
    if not form.validate_on_submit():
        return _page("auth/register.html", 400 if form.is_submitted() else 200, form=form)
    try:
        user = signup.register(
            name=form.name.data, phone=form.phone.data, email=form.email.data, password=form.password.data,
            city=form.city.data or None, locale=str(session.get("lang") or "fr"), ip=client_ip(),
        )
    except RateLimited as error:
        # The account exists; only the SMS was refused (too many codes for this number lately).
        user = people.find_by_identifier(form.phone.data)
        if user is None:
            return _refused("auth/register.html", error, form=form)
        flash(str(error.message), "error")
    except Invalid as error:
        return _refused("auth/register.html", error, form=form)
    session[VERIFY_KEY] = {"uid": user.public_id, "at": int(time.time())}
    flash(_("Compte créé. Saisissez le code reçu par SMS pour vérifier votre numéro."), "ok")
    if user.email:
        flash(_("Un lien de vérification a été envoyé à votre adresse email."), "ok")
    return redirect(url_for("auth.verify_phone"))


def _user_to_verify():
    state = pending(VERIFY_KEY, VERIFY_AGE)
    if state is None:
        return None
    try:
        user = people.user_by_public_id(state["uid"])
    except NotFound:  # the account went away meanwhile
        session.pop(VERIFY_KEY, None)
        return None
    return None if user.phone_verified else user


def _step_expired(message):
    """A step page opened without its pending state (expired, or never started). Public pages
    answer with a page of their own rather than bouncing to the sign-in form."""
    return _page("auth/expired.html", 400 if request.method == "POST" else 200, message=message)


def _no_pending_verification():
    if current_user.is_authenticated:
        return redirect(url_for("account.phone"))
    return _step_expired(_("Aucune vérification en cours. Connectez-vous pour vérifier votre numéro."))


@bp.route("/verification", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@public
def verify_phone():
    user = _user_to_verify()
    if user is None:
        return _no_pending_verification()
    form = CodeForm()
    context = dict(form=form, phone=people.format_phone(user.phone))
    if not form.validate_on_submit():
        return _page("auth/verify.html", 400 if form.is_submitted() else 200, **context)
    try:
        signup.verify_phone(user, form.code.data)
    except (Invalid, RateLimited) as error:
        return _refused("auth/verify.html", error, **context)
    try:
        response = _signed_in_redirect(user)
    except Forbidden as error:
        return _refused("auth/verify.html", error, **context)
    flash(_("Votre numéro est vérifié. Bienvenue !"), "ok")
    return response


@bp.post("/verification/renvoyer")
@limiter.limit(code_limit)
@public
def resend_phone_code():
    user = _user_to_verify()
    if user is None:
        return _no_pending_verification()
    context = dict(form=CodeForm(formdata=None), phone=people.format_phone(user.phone))
    try:
        signup.send_phone_code(user, ip=client_ip())
    except RateLimited as error:
        return _page("auth/verify.html", 429, error=str(error.message), **context)
    flash(_("Un nouveau code vous a été envoyé par SMS."), "ok")
    return redirect(url_for("auth.verify_phone"))


# --- sign-in and the second factor --------------------------------------------------------------

@bp.route("/connexion", methods=["GET", "POST"])
@keeps_typed_form
@limiter.limit(auth_limit, methods=["POST"])
@public
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = local_target(request.args.get("next")) or ""
        if current_user.is_authenticated:
            return redirect(local_target(form.next.data) or home_for(current_user))
    if not form.validate_on_submit():
        return _page("auth/login.html", 400 if form.is_submitted() else 200, form=form)
    try:
        user = signin.authenticate(form.identifier.data, form.password.data, ip=client_ip())
    except (Invalid, RateLimited, Forbidden) as error:
        form.password.data = ""
        return _refused("auth/login.html", error, form=form)
    return after_first_factor(user, remember=bool(form.remember.data), target=form.next.data)


def after_first_factor(user, *, remember=False, target=None, method="password"):
    """The password (or Google) was right: the accounts service says whether a second factor is
    owed; then either the code step or the signed-in session. Every web way in goes through here."""
    public_id, own_factor = user.public_id, user.two_factor  # read before a code is sent (an inline job)
    owed = signin.owe_second_factor(user, ip=client_ip(), first_factor="google" if method == "google" else "password")
    if owed is not None and owed.send_error is not None:
        flash(str(owed.send_error.message), "error")  # a code sent earlier or a recovery code still works
    if owed and not own_factor:
        # The account has no second factor of its own: say why a code is asked this time.
        flash(_("Par sécurité, un code vous est demandé pour cette connexion."), "warn")
    if not owed:
        try:
            return _signed_in_redirect(user, remember=remember, target=target, method=method)
        except Forbidden as error:
            flash(str(error.message), "error")
            return redirect(url_for("auth.login"))
    # The challenge lives in this browser's session only: the code step answers this sign-in, no other.
    session[TWO_FACTOR_KEY] = {
        "challenge": owed.challenge, "uid": public_id, "remember": bool(remember),
        "next": local_target(target) or "", "at": int(time.time()), "method": method,
    }
    return redirect(url_for("auth.two_factor"))


def _second_factor_state():
    """This browser's pending sign-in (its state and the live challenge), or (None, None)."""
    state = pending(TWO_FACTOR_KEY, TWO_FACTOR_AGE)
    if state is None:
        return None, None
    sign_in = signin.pending_sign_in(state.get("challenge"))
    if sign_in is None:  # expired, ended by wrong codes, or finished
        session.pop(TWO_FACTOR_KEY, None)
        return None, None
    return state, sign_in


def _two_factor_context(sign_in, form):
    method = sign_in.method
    destination = signin.second_factor_destination(sign_in.user, method)
    if method == TwoFactor.SMS:
        destination = people.format_phone(destination)
    return dict(form=form, method=method, destination=_masked(destination))


def _masked(value):
    """Enough of a phone or email to recognise it, not enough to learn it."""
    if not value:
        return ""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:2]}…@{domain}"
    return "•• •• " + value[-5:]


def _expired_sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return _step_expired(_("La connexion a expiré. Recommencez."))


@bp.route("/connexion/code", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@public
def two_factor():
    state, sign_in = _second_factor_state()
    if sign_in is None:
        return _expired_sign_in()
    form = SecondFactorForm()
    context = _two_factor_context(sign_in, form)
    if not form.validate_on_submit():
        return _page("auth/two_factor.html", 400 if form.is_submitted() else 200, **context)
    try:
        user = signin.verify_owed_second_factor(state["challenge"], form.code.data)
        session.pop(TWO_FACTOR_KEY, None)
        return _signed_in_redirect(user, remember=state.get("remember", False), target=state.get("next"),
                                   method=state.get("method") or "password")
    except (Invalid, RateLimited, Forbidden) as error:
        return _refused("auth/two_factor.html", error, **context)


@bp.post("/connexion/code/renvoyer")
@limiter.limit(code_limit)
@public
def resend_sign_in_code():
    state, sign_in = _second_factor_state()
    if sign_in is None:
        return _expired_sign_in()
    context = _two_factor_context(sign_in, SecondFactorForm(formdata=None))
    try:
        signin.send_sign_in_code(sign_in.user, ip=client_ip(), method=sign_in.method)
    except RateLimited as error:
        return _page("auth/two_factor.html", 429, error=str(error.message), **context)
    flash(_("Un nouveau code vous a été envoyé."), "ok")
    return redirect(url_for("auth.two_factor"))


# --- sign-out ------------------------------------------------------------------------------------

@bp.get("/deconnexion")
@public
def logout_confirm():
    """GET (and HEAD) only ask for confirmation: a link, a prefetch or a HEAD never signs anyone out."""
    if not current_user.is_authenticated:
        return redirect(url_for("visitor.home"))
    return render_template("auth/logout.html")


@bp.post("/deconnexion")
@public
def logout():
    """Signing out is a POST with its CSRF token (the confirmation page's form, the account page's button)."""
    sign_out_here(current_user)
    flash(_("Vous êtes déconnecté."), "ok")
    return redirect(url_for("visitor.home"))


# --- forgotten password ------------------------------------------------------------------------

@bp.route("/mot-de-passe/oublie", methods=["GET", "POST"])
@limiter.limit(code_limit, methods=["POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return _page("auth/forgot.html", 400 if form.is_submitted() else 200, form=form)
    identifier = form.identifier.data.strip()
    phone = None
    if "@" not in identifier:
        try:
            phone = people.normalize_phone(identifier)
        except Invalid as error:
            form.identifier.errors = [str(error.message)]
            return _page("auth/forgot.html", 400, form=form)
    try:
        passwords.request_password_reset(identifier, ip=client_ip())
    except Invalid as error:
        form.identifier.errors = [str(error.message)]
        return _page("auth/forgot.html", 400, form=form)
    except RateLimited:
        pass  # same answer as for any number: saying "too many codes" would tell the account exists
    if phone is None:
        flash(_("Si un compte correspond à cette adresse, un lien vient de lui être envoyé par email."), "ok")
        return redirect(url_for("auth.login"))
    flash(_("Si un compte correspond à ce numéro, un code vient de lui être envoyé par SMS."), "ok")
    return redirect(url_for("auth.reset_with_code", phone=phone))


@bp.route("/mot-de-passe/nouveau", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@public
def reset_with_code():
    form = ResetWithCodeForm()
    if request.method == "GET":
        form.phone.data = (request.args.get("phone") or "")[:32]
    if not form.validate_on_submit():
        return _page("auth/reset_code.html", 400 if form.is_submitted() else 200, form=form)
    try:
        passwords.reset_password_with_code(form.phone.data, form.code.data, form.password.data)
    except (Invalid, RateLimited) as error:
        return _refused("auth/reset_code.html", error, form=form)
    flash(_("Mot de passe changé. Connectez-vous avec le nouveau."), "ok")
    return redirect(url_for("auth.login"))


# --- email verification --------------------------------------------------------------------------

@bp.get("/email/verifier/<token>")
@public
def verify_email(token):
    """The link sent to a new address: opening it proves the address is the person's."""
    try:
        signup.verify_email(token[:512])
    except Invalid as error:
        return _page("auth/expired.html", 400, message=str(error.message))
    flash(_("Votre adresse email est vérifiée."), "ok")
    return redirect(url_for("account.overview") if current_user.is_authenticated else url_for("auth.login"))


@bp.route("/mot-de-passe/lien/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@public
def reset_link(token):
    form = ResetWithLinkForm()
    try:
        passwords.user_for_reset_token(token)
    except Invalid as error:
        return _page("auth/reset_link.html", 400, form=None, error=str(error.message))
    if not form.validate_on_submit():
        return _page("auth/reset_link.html", 400 if form.is_submitted() else 200, form=form)
    try:
        passwords.reset_password_with_token(token, form.password.data)
    except Invalid as error:
        return _refused("auth/reset_link.html", error, form=form)
    flash(_("Mot de passe changé. Connectez-vous avec le nouveau."), "ok")
    return redirect(url_for("auth.login"))
