"""Installable-app plumbing: web manifest, service worker at the root scope, offline page, media files."""
import hashlib
import weakref
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_from_directory
from werkzeug.exceptions import NotFound

from vgk.security import public
from vgk.services.conversations.safety import PRIVATE_PREFIX
from vgk.services.selling import photo_sizes

bp = Blueprint("pwa", __name__)

ROOT = Path(__file__).resolve().parent.parent.parent

# Each application's service worker, built on first request (its cache version is a digest of the static files).
_service_workers = weakref.WeakKeyDictionary()


@bp.get("/manifest.webmanifest")
@public
def manifest():
    response = send_from_directory(ROOT, "manifest.webmanifest", mimetype="application/manifest+json")
    response.cache_control.max_age = 86400
    return response


def _static_digest(folder):
    """A short digest of every static file: the service worker's cache version."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and path.name != "sw.js":
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
@public
def service_worker():
    app = current_app._get_current_object()
    cached = _service_workers.get(app)
    if cached is None:
        source = Path(app.static_folder, "sw.js").read_text(encoding="utf-8")
        cached = source.replace("__STATIC_VERSION__", _static_digest(app.static_folder))
        _service_workers[app] = cached
    response = current_app.response_class(cached, mimetype="text/javascript")
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/hors-ligne")
@public
def offline():
    return render_template("offline.html")


@bp.get("/media/<path:key>")
@public
def media(key):
    if key.startswith(PRIVATE_PREFIX):  # chat photos: handed out to the conversation's members only
        abort(404)
    try:
        response = send_from_directory(current_app.config["MEDIA_ROOT"], key)
    except NotFound:
        # A photo stored before its 640 px size existed gets it the first time a page asks.
        if not photo_sizes.make_missing(key):
            raise
        response = send_from_directory(current_app.config["MEDIA_ROOT"], key)
    response.cache_control.public = True
    response.cache_control.max_age = 60 * 60 * 24 * 365
    response.cache_control.immutable = True
    return response
