"""What every JSON view shares: the success answer, reading the request body, pagination, bearer-token
access rules and CORS. The envelope itself is vgk.edge's; errors raised anywhere (vgk.errors, HTTP
errors) become `{"success": false, "error": {"code", "message", "fields"}}` through the app's error
handlers.
"""
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l

from vgk.api.envelope import success_body
from vgk.errors import Forbidden, Invalid, Unauthenticated
from vgk.models import Role
from vgk.security import PUBLIC, role_guard
from vgk.services import paging
from vgk.services.accounts import api_tokens
from vgk.services.discovery import events
from vgk.urls import public_url

MAX_PAGE = 500


# --- answers ------------------------------------------------------------------------------------

def ok(http_status=200, /, **body):
    """The success envelope; the HTTP status, when not 200, is the one positional argument."""
    response = jsonify(success_body(**body))
    response.status_code = http_status
    return response


def page_of(results, *, page, per_page, count, endpoint, count_capped=None, fields=None, **view_args):
    """The paginated envelope: count, absolute next/previous links (None at either end), results;
    with `count_capped` when the count stops at a limit, and any other `fields` of the answer."""
    last_page = max(1, -(-count // per_page))

    def link(number):
        # The caller's other query values are kept; path values and the page number always win over them,
        # and names of link-building options ("_anchor", ...) are not query values.
        args = {k: v for k, v in request.args.items() if not k.startswith("_")}
        return public_url(endpoint, **{**args, **view_args, "page": number})

    extra = dict(fields or {})
    if count_capped is not None:
        extra["count_capped"] = bool(count_capped)
    return ok(
        count=count,
        next=link(page + 1) if page < last_page and page < MAX_PAGE else None,
        previous=link(page - 1) if page > 1 else None,
        results=results,
        **extra,
    )


def page_number(value=None):
    """`?page=` as a number from 1 to MAX_PAGE; anything else is a clear 400."""
    raw = request.args.get("page", "1") if value is None else value
    return paging.page_number(raw, MAX_PAGE, strict=True)


# --- reading the request ------------------------------------------------------------------------

def body():
    """The request's fields: a JSON object, or the form of a multipart upload. Anything else is a 400."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.form.to_dict()
    data = request.get_json(silent=True)
    if data is None and not request.get_data(cache=True):
        return {}
    if not isinstance(data, dict):
        raise Invalid(_l("Le corps de la requête doit être un objet JSON."), {"body": "invalid"})
    return data


def text(data, name, *, required=False, max_length=500):
    """A string field, stripped; a number is taken as its text. Missing and required is a 400."""
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(_l("Champ obligatoire."), {name: "required"})
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Invalid(_l("Valeur invalide."), {name: "invalid"})
    value = str(value).strip()
    if "\x00" in value:
        raise Invalid(_l("Valeur invalide."), {name: "invalid"})
    if required and not value:
        raise Invalid(_l("Champ obligatoire."), {name: "required"})
    if len(value) > max_length:
        raise Invalid(_l("Texte trop long."), {name: "too_long"})
    return value


def integer(data, name, *, required=False, default=None, low=None, high=None):
    """A whole number field (JSON number or digits); outside [low, high] is a 400."""
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(_l("Champ obligatoire."), {name: "required"})
        return default
    if isinstance(value, bool):
        raise Invalid(_l("Nombre entier attendu."), {name: "invalid"})
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 48.0 is a whole number in JSON
    number = paging.parse_int(value)
    if number is None:
        raise Invalid(_l("Nombre entier attendu."), {name: "invalid"})
    if (low is not None and number < low) or (high is not None and number > high):
        raise Invalid(_l("Valeur hors limites."), {name: "out_of_range"})
    return number


def boolean(data, name, *, default=False):
    """A true/false field (a JSON boolean only); missing is the default, anything else a 400."""
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(_l("Valeur invalide."), {name: "invalid"})
    return value


# --- who is calling -----------------------------------------------------------------------------

def _bearer():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_api_user(optional=False):
    """The user of the request's bearer token (cached on `g`). Session cookies never count here:
    the API is exempt from CSRF, so only a token sent on purpose may act for someone."""
    if "api_user" not in g:
        token = _bearer()
        if token is None:
            g.api_user = None
        else:
            g.api_user = api_tokens.user_for_access_token(token)  # raises Unauthenticated
    if g.api_user is None and not optional:
        _sign_in_required()
    return g.api_user


VISITOR_HEADER = "X-Visitor-Id"


def api_person():
    """Whose behaviour a call is: the token's user, or an app without an account by the random id it sends
    in `X-Visitor-Id` (16 to 32 letters, digits, - or _); nobody when the app sends `Sec-GPC: 1` or
    `DNT: 1`, or the user turned their history off."""
    declined = request.headers.get("Sec-GPC") == "1" or request.headers.get("DNT") == "1"
    return events.person_of(current_api_user(optional=True), request.headers.get(VISITOR_HEADER), declined)


def public_api(view):
    """Open to everyone; a bearer token, when sent, must be valid and makes `current_api_user` known."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        current_api_user(optional=True)
        return view(*args, **kwargs)

    wrapped.access = PUBLIC
    return wrapped


def _sign_in_required():
    raise Unauthenticated(_l("Connexion requise."))


def _role_refused():
    raise Forbidden(_l("Votre compte n'a pas accès à cette action."))


def api_roles(*roles):
    """Callers with a valid access token and one of the roles (any role when none is named)."""
    return role_guard(roles, lambda: current_api_user(optional=True), _sign_in_required, _role_refused)


api_signed_in = api_roles()
api_client = api_roles(Role.CLIENT)
api_staff = api_roles(Role.STAFF)
api_admin = api_roles(Role.ADMIN)


# --- response policies --------------------------------------------------------------------------

def after_api_request(response):
    """CORS for the configured origins only; nothing a token unlocked is ever kept by a cache."""
    origin = request.headers.get("Origin", "").rstrip("/")
    allowed = current_app.config.get("MOBILE_CORS_ORIGINS") or ()
    if origin:
        response.vary.add("Origin")
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response.headers["Access-Control-Max-Age"] = "600"
    if request.headers.get("Authorization"):
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Authorization")
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-cache"
    return response
