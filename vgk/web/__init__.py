"""HTML faces of the app: shared template helpers, error pages and response policies."""
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import render_template, request, url_for
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from vgk import labels
from vgk.errors import DomainError
from vgk.extensions import login_manager
from vgk.services.accounts.people import format_phone
from vgk.services.messaging import inbox
from vgk.services.selling.media import image_url
from vgk.services.selling.photo_sizes import srcset as photo_srcset
from vgk.text import format_day, format_number, format_when, format_xaf, relative_age
from vgk.web import htmx


def register_template_helpers(app):
    app.jinja_env.filters["xaf"] = format_xaf
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["ago"] = _ago
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["phone"] = format_phone
    app.jinja_env.filters["notice_text"] = inbox.text
    app.jinja_env.globals["image_url"] = image_url
    app.jinja_env.globals["photo_srcset"] = photo_srcset
    labels.register(app)

    @app.context_processor
    def inject_locale():
        locale = str(get_locale() or "fr")
        return {"current_locale": locale, "lang": locale[:2]}


def _ago(moment, now=None):
    """`{{ product.created_at|ago }}`: 'il y a 2 h', in the reader's language (`now`: naive UTC)."""
    return relative_age(moment, now or datetime.now(UTC).replace(tzinfo=None))


def _error_answer(wants_json, json_error):
    """The answer to an error: what `json_error(status, message, code, fields)` builds for JSON clients
    (`wants_json()`), else the error page (its fragment for htmx)."""

    def answer(status, message, code="error", fields=None):
        if wants_json():
            return json_error(status, message, code, fields)
        if request_ctx.url_adapter is None:  # a Host outside TRUSTED_HOSTS: no page links can be built
            return message, status, {"Content-Type": "text/plain; charset=utf-8"}
        template = "errors/_error.html" if htmx.is_htmx_request() else "errors/error.html"
        return render_template(template, status=status, message=message), status

    return answer


def _sign_in_first(wants_json, json_error):
    """An anonymous request for a protected page: a 401 envelope for JSON clients, else the sign-in page,
    which sends the person back here afterwards."""

    def answer():
        if wants_json():
            return json_error(401, "Connexion requise.", "unauthenticated")
        target = url_for("auth.login", next=request.full_path if request.query_string else request.path)
        return htmx.redirect(target, htmx_status=401)

    return answer


def register_error_handlers(app, wants_json, json_error):
    """Error pages for people and the JSON envelope for JSON clients: `wants_json` and `json_error` come
    from vgk.api.envelope through the application factory, so the envelope has one home and the HTML
    face does not import the API."""
    _error_response = _error_answer(wants_json, json_error)
    login_manager.unauthorized_handler(_sign_in_first(wants_json, json_error))  # vgk.security's guards use it

    @app.errorhandler(DomainError)
    def domain_error(error):
        response = _error_response(error.status_code, str(error.message), error.code, error.fields)
        if error.status_code == 503:  # a moment of overload: say when to come back
            response = app.make_response(response)
            response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(OperationalError)
    def database_busy(error):
        # SQLite lets one writer at a time; past its busy timeout the write is refused whole (nothing
        # was half-written: the session rolls back when the request ends). Say "try again" rather than "our fault".
        if "database is locked" not in str(error.orig):
            return server_error(error)
        app.logger.warning("database busy on %s", request.path)
        response = app.make_response(_error_response(
            503, _("Le service est très sollicité. Réessayez dans un instant."), "busy"))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _error_response(400, _("Le formulaire a expiré. Rechargez la page et réessayez."), "csrf")

    @app.errorhandler(HTTPException)
    def http_error(error):
        messages = {
            400: _("La demande est invalide."),
            403: _("Vous n'avez pas accès à cette page."),
            404: _("Cette page n'existe pas."),
            405: _("Cette action n'est pas permise ici."),
            413: _("Le fichier envoyé est trop volumineux."),
            429: _("Trop de tentatives. Patientez un instant puis réessayez."),
        }
        message = messages.get(error.code, error.description)
        response = _error_response(error.code, message, error.name.lower().replace(" ", "_"))
        if error.code == 405 and getattr(error, "valid_methods", None):
            response = app.make_response(response)
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response

    @app.errorhandler(Exception)
    def server_error(error):
        app.logger.exception("unhandled error on %s", request.path)
        return _error_response(500, _("Une erreur est survenue de notre côté. Réessayez dans un instant."))


def content_security_policy(config):
    """Scripts and styles from our own static files only (no inline code, so an injected <script> or
    style attribute does nothing); images also from an absolute MEDIA_URL; sockets back to the site."""
    images = ["'self'", "data:"]
    media = urlsplit(config.get("MEDIA_URL") or "")
    if media.scheme in ("http", "https") and media.netloc:
        images.append(f"{media.scheme}://{media.netloc}")
    if config.get("STORAGE_BACKEND") == "dropbox":  # offloaded photos: redirects to Dropbox's links
        images += ["https://www.dropbox.com", "https://*.dropboxusercontent.com"]
    connect = ["'self'"]
    public = urlsplit(config.get("PUBLIC_URL") or "")
    if public.netloc:
        connect.append(f"{'wss' if public.scheme == 'https' else 'ws'}://{public.netloc}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": connect,
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


HSTS_VALUE = "max-age=31536000; includeSubDomains"


def register_response_policies(app):
    csp = content_security_policy(app.config)
    hsts = bool(app.config.get("HSTS"))

    @app.after_request
    def policies(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if hsts:  # production only: browsers then refuse plain http for a year
            response.headers.setdefault("Strict-Transport-Security", HSTS_VALUE)
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", csp)
            htmx.vary(response)
            if request.cookies:  # a visitor without cookies gets the same page as every other one
                response.vary.add("Cookie")
        if current_user.is_authenticated and response.mimetype in ("text/html", "application/json"):
            # Private pages must never be kept by the service worker, a proxy or a shared tablet.
            # Static files and photos stay cacheable: they hold nothing personal.
            response.headers["Cache-Control"] = "no-store"
        return response


def register_housekeeping(app, every_seconds=None):
    """Without a job worker (no REDIS_URL), sweep expired reservations, remind sellers of drop-offs due
    soon and sweep the notifications (deferred messages now due, lost jobs, stuck sends) from time to time
    as requests come in, and rebuild the recommenders every DISCOVERY_REFRESH_MINUTES (in a thread); with
    RQ, the checkout and the sale's SMS schedule the same jobs on the worker, and the worker sweeps the
    notifications every minute (vgk.jobs.worker) — unless Redis does not answer: the worker is idle then,
    and the web processes sweep meanwhile. Every quarter of an hour, the backup (once due) and an offload
    batch run on the background thread (the worker schedules them itself)."""
    import time

    every_seconds = every_seconds or float(app.config.get("HOUSEKEEPING_SECONDS") or 60)
    state = {"next": 0.0}

    @app.before_request
    def sweep_expired_reservations():
        from vgk.jobs import enqueue, reachable

        if time.monotonic() < state["next"]:
            return
        state["next"] = time.monotonic() + every_seconds
        if reachable():
            return
        from vgk.services.commerce.drop_off import remind_sellers
        from vgk.services.commerce.orders import expire_unpaid
        from vgk.services.notifications.delivery import sweep

        enqueue(expire_unpaid)
        enqueue(remind_sellers)
        enqueue(sweep)
        refresh = float(app.config.get("DISCOVERY_REFRESH_MINUTES") or 0) * 60
        if refresh and time.monotonic() >= state.setdefault("discovery", time.monotonic() + refresh):
            state["discovery"] = time.monotonic() + refresh
            from vgk.services.discovery.build import rebuild_in_background

            rebuild_in_background(app)
        if time.monotonic() >= state.setdefault("storage", time.monotonic() + 900):
            state["storage"] = time.monotonic() + 900  # the backup when due, and an offload batch
            from vgk.jobs import in_background
            from vgk.services.storage import backups, offload

            in_background(backups.backup_job)
            in_background(offload.offload_job)
