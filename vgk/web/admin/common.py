"""What every administration area shares: the `admin_only` guard (ADMIN with a second factor), the page
size of the lists, the answer to a decision on a list row, the page shown again after a refused change and
the safe "back to" target of a form."""
from functools import wraps

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.errors import Invalid
from vgk.models import Role
from vgk.security import roles_required
from vgk.web import htmx
from vgk.web.form_errors import field_messages

PER_PAGE = 20


def admin_only(view):
    """ADMIN only (roles_required), and only once the admin protects the account with a second factor."""

    @wraps(view)
    def second_factor_check(*args, **kwargs):
        if current_user.two_factor is None:
            flash(_("Activez d'abord la double authentification pour accéder à l'administration."), "error")
            return htmx.redirect(url_for("account.security"))
        return view(*args, **kwargs)

    guarded = roles_required(Role.ADMIN)(second_factor_check)
    guarded.access = Role.ADMIN
    return guarded


def refused(page, error, **context):
    """`page` shown again after a refused change: the error's message on top, an Invalid's field messages
    next to their fields, the error's HTTP status."""
    fields = field_messages(error) if isinstance(error, Invalid) else {}
    return page(error=str(error.message), field_errors=fields, status=error.status_code, **context)


def decided(status, notice, back, row, page):
    """Answer a decision taken on a row of a list: with htmx the row in place (`row()`); otherwise a redirect
    to `back` with the notice, or, when refused, the list shown again with its error (`page()`)."""
    if htmx.is_htmx():
        return row(), status
    if status < 400:
        flash(notice, "ok")
        return redirect(back)
    return page(), status


def back_to(default):
    """The admin page the form came from (never another site), else the default."""
    target = request.form.get("next", "")
    if target.startswith("/admin/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
