"""Who may open what: one decorator per access level for views, and object policies.

Every view function carries an `access` attribute naming its rule, set by the decorators here;
the access-matrix test walks the URL map and fails on any endpoint without one.
"""
from functools import wraps

from flask import abort
from flask_login import current_user

from vgk.errors import NotFound
from vgk.extensions import login_manager
from vgk.models import Role

PUBLIC = "public"
SIGNED_IN = "signed-in"


def access_of(view):
    return getattr(view, "access", None)


def public(view):
    """Open to everyone, signed in or not."""
    view.access = PUBLIC
    return view


def role_guard(roles, caller, on_anonymous, on_refused):
    """The decorator admitting callers with one of `roles` (any role when none is named), for either face:
    `caller()` is the signed-in user or None, `on_anonymous()` answers (or raises) for nobody signed in,
    `on_refused()` for a role not admitted. It names its rule in the view's `access` attribute."""
    allowed = tuple(roles) or Role.ALL

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = caller()
            if user is None:
                return on_anonymous()
            if user.role not in allowed:
                return on_refused()
            return view(*args, **kwargs)

        wrapped.access = SIGNED_IN if not roles else "+".join(sorted(allowed))
        return wrapped

    return decorator


def _signed_in_user():
    return current_user if current_user.is_authenticated else None


def _forbidden():
    abort(403)


def roles_required(*roles):
    """Signed-in users with one of the roles (any role when none is named); nobody signed in gets the
    answer the web face registers with the login manager (vgk.web), another role a 403."""
    return role_guard(roles, _signed_in_user, login_manager.unauthorized, _forbidden)


signed_in = roles_required()
client_required = roles_required(Role.CLIENT)
admin_required = roles_required(Role.ADMIN)


def ensure_owner(user, obj, owner_attr="seller_id"):
    """Another person's object is 'not found' rather than 'forbidden': its existence is private."""
    if user is None or getattr(obj, owner_attr) != user.id:
        raise NotFound("Introuvable.")
    return obj
