"""What every administration area shares: the `admin_only` guard (ADMIN with a second factor), the page
size of the lists, the field messages of a refused change and the safe "back to" target of a form."""
import re
from functools import wraps

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.models import Role
from vgk.security import roles_required
from vgk.web import htmx

PER_PAGE = 20
_CODE = re.compile(r"[a-z_]+")


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


def field_messages(error):
    """Field -> message from an Invalid error (services give either a message or a short code)."""
    return {
        field: str(error.message) if _CODE.fullmatch(str(value)) else str(value)
        for field, value in error.fields.items()
    }


def back_to(default):
    """The admin page the form came from (never another site), else the default."""
    target = request.form.get("next", "")
    if target.startswith("/admin/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
