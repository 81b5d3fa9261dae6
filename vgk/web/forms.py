"""An expired form keeps what was typed.

A form page left open too long (a session that ran out, a long pause on a slow network) posts a CSRF token
that no longer checks. For the pages marked `@keeps_typed_form`, a plain HTML form post with such a token is
not refused outright: the view runs with `g.csrf_expired` set, every `Form` then refuses to validate (so the
action never runs on a bad token) and the view re-renders the same form, 400, with what was typed, a fresh
token and a message. Passwords and one-time codes are never shown again. JSON clients, htmx fragment posts
and every unmarked page keep the plain CSRF error.

Only views whose POST acts solely after `form.validate_on_submit()` (or `validate()`) may be marked.

The forms of public pages (`@same_origin_form`) are shown to visitors who have no session, hence no token:
there the browser's word on where the post comes from (Sec-Fetch-Site, else Origin) stands in for the token;
a post from another site is refused, and one carrying neither header is checked by its token as usual.
"""
from urllib.parse import urlsplit

from flask import current_app, flash, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import PasswordField

from vgk.extensions import csrf
from vgk.security import PUBLIC, access_of
from vgk.web import htmx

EXPIRED = "csrf_expired"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def keeps_typed_form(view):
    """Mark a view (under its route decorator) whose form comes back filled in when its token expired."""
    view.keeps_typed_form = True
    return view


def same_origin_form(view):
    """Mark a view (under its route decorator) whose form is on public pages, shown without a session."""
    view.same_origin_form = True
    return view


def from_this_site() -> bool | None:
    """Does the browser say this request comes from one of this site's pages? None when it does not say."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin:  # the site's address is the configured one when there is one, never what the Host header says
        site = urlsplit(current_app.config.get("PUBLIC_URL") or request.host_url)
        return origin == f"{site.scheme}://{site.netloc}"
    return None


def form_expired():
    return bool(g.get(EXPIRED))


class Form(FlaskForm):
    """The base of the site's forms: never valid while its request's CSRF token was refused."""

    def validate(self, extra_validators=None):
        if form_expired():
            self._forget_secrets()
            if not g.get("csrf_expired_said"):
                g.csrf_expired_said = True
                flash(_("Le formulaire a expiré : vérifiez et envoyez à nouveau."), "error")
            return False
        return super().validate(extra_validators)

    def _forget_secrets(self):
        for field in self:
            if isinstance(field, PasswordField) or (field.render_kw or {}).get("autocomplete") == "one-time-code":
                field.data = None
                field.raw_data = []


def _may_keep_form(wants_json):
    view = current_app.view_functions.get(request.endpoint or "")
    return (
        request.method == "POST"
        and getattr(view, "keeps_typed_form", False)
        and request.mimetype in FORM_TYPES
        and not wants_json()
        and not htmx.is_htmx()
    )


def _only_for_people_signed_in(view) -> bool:
    """Is nobody signed in, on a view whose guard admits only people who are? (A visitor without a session
    has no token to send: sending them to sign in says more than "the form expired".)"""
    access = access_of(view)
    return not current_user.is_authenticated and access is not None and access != PUBLIC


def register_csrf_check(app, wants_json):
    """Check CSRF tokens here rather than in Flask-WTF's own hook (same place among the request hooks:
    call right after `csrf.init_app`), so a marked form page can re-show an expired form."""
    if not app.config.get("WTF_CSRF_CHECK_DEFAULT", True):
        return
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def check_csrf():
        if not app.config["WTF_CSRF_ENABLED"]:
            return
        view = current_app.view_functions.get(request.endpoint or "")
        if request.method == "POST" and getattr(view, "same_origin_form", False):
            verdict = from_this_site()
            if verdict is False:
                raise CSRFError("The request comes from another site.")
            if verdict:
                g.csrf_valid = True  # as Flask-WTF marks a checked request: the view's Form skips its token
                return
        try:
            csrf.protect(apply_exemptions=True)
        except CSRFError:
            if _only_for_people_signed_in(view):
                return  # the view's guard sends the visitor to sign in; nothing of the post is acted on
            if not _may_keep_form(wants_json):
                raise
            g.setdefault(EXPIRED, True)
