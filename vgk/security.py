"""Who may open what: one decorator per access level for views, and object policies.

Every view function carries an `access` attribute naming its rule, set by the decorators here;
the access-matrix test walks the URL map and fails on any endpoint without one.
"""
from functools import wraps

from flask import abort, jsonify, redirect, request, url_for
from flask_login import current_user

from vgk.errors import NotFound
from vgk.models import Role

PUBLIC = "public"
SIGNED_IN = "signed-in"


def access_of(view):
    return getattr(view, "access", None)


def public(view):
    """Open to everyone, signed in or not."""
    view.access = PUBLIC
    return view


def wants_json():
    return request.path.startswith("/mobile/api/") or request.accept_mimetypes.best == "application/json"


def unauthenticated():
    """The answer to an anonymous request for a protected resource."""
    if wants_json():
        body = {"success": False, "error": {"code": "unauthenticated", "message": "Connexion requise.", "fields": {}}}
        return jsonify(body), 401
    target = url_for("auth.login", next=request.full_path if request.query_string else request.path)
    if request.headers.get("HX-Request"):
        response = jsonify({})
        response.status_code = 401
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def roles_required(*roles):
    """Signed-in users with one of the roles (any role when none is named)."""
    allowed = tuple(roles) or Role.ALL

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return unauthenticated()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = SIGNED_IN if not roles else "+".join(sorted(allowed))
        return wrapped

    return decorator


signed_in = roles_required()
client_required = roles_required(Role.CLIENT)
admin_required = roles_required(Role.ADMIN)


def ensure_owner(user, obj, owner_attr="seller_id"):
    """Another person's object is 'not found' rather than 'forbidden': its existence is private."""
    if user is None or getattr(obj, owner_attr) != user.id:
        raise NotFound("Introuvable.")
    return obj
