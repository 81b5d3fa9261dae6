"""Installable-app plumbing: web manifest, service worker at the root scope, offline page, media files
(from the disk, or by a redirect to their link once moved to the remote store: vgk.services.storage.links).

The manifest and the service worker name static files by their hashed URLs (vgk.web.assets): both are
filled in when served, and sent with an ETag so a browser checking them gets a 304 while nothing changed."""
import hashlib
import json
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_from_directory, url_for
from werkzeug.exceptions import NotFound

from vgk.security import public
from vgk.services.conversations.safety import PRIVATE_PREFIX
from vgk.services.selling import photo_sizes
from vgk.services.storage import links

bp = Blueprint("pwa", __name__)

ROOT = Path(__file__).resolve().parent.parent.parent

# What the service worker keeps at installation (the offline page is added to it): what every page loads,
# so it comes from the browser's HTTP cache, not from the network again.
SHELL = ("css/app.css", "js/htmx.min.js", "js/app.js", "js/live.js", "js/photos.js", "img/favicon.png")
ICON = "img/icon-192.png"


def _static_path(url: str) -> str:
    return url.removeprefix("/static/")


def _validated(body: str, mimetype: str, max_age: int = 0):
    """`body` with an ETag of its text, as a 304 when the browser already holds it."""
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:20], weak=True)
    if max_age:
        response.cache_control.max_age = max_age
    else:
        response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.get("/manifest.webmanifest")
@public
def manifest():
    document = json.loads((ROOT / "manifest.webmanifest").read_text(encoding="utf-8"))
    for icon in document.get("icons", []):
        if icon["src"].startswith("/static/"):
            icon["src"] = url_for("static", filename=_static_path(icon["src"]))
    return _validated(json.dumps(document, ensure_ascii=False), "application/manifest+json", 86400)


def service_worker_source() -> str:
    """static/sw.js with its shell's hashed URLs, its notification icon and its version filled in."""
    shell = [url_for("static", filename=name) for name in SHELL]
    version = hashlib.sha256(" ".join(shell).encode()).hexdigest()[:12]
    source = current_app.extensions["vgk_assets"].get("sw.js").body.decode("utf-8")
    return (source.replace('"__SHELL_URLS__"', json.dumps(shell))
            .replace("__ICON_URL__", url_for("static", filename=ICON))
            .replace("__STATIC_VERSION__", version))


@bp.get("/sw.js")
@public
def service_worker():
    response = _validated(service_worker_source(), "text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/hors-ligne")
@public
def offline():
    return render_template("offline.html")


def _to_remote(link, now):
    """The redirect to a file moved to the remote store, kept by browsers no longer than its link lives."""
    response = redirect(link.url, 302)
    response.cache_control.public = True
    response.cache_control.max_age = link.max_age(now)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/media/<path:key>")
@public
def media(key):
    if key.startswith(PRIVATE_PREFIX):  # chat photos: handed out to the conversation's members only
        abort(404)
    now = time.monotonic()
    if (link := links.cached(key, now)) is not None:  # moved, with a fresh link: no disk, query or call
        return _to_remote(link, now)
    try:
        response = send_from_directory(current_app.config["MEDIA_ROOT"], key)
    except NotFound:
        try:
            link = links.link_for(key)  # moved to the remote store (its record says so)
        except FileNotFoundError:
            link = None
        except OSError:  # the remote store did not answer: the browser may try again shortly
            abort(503)
        if link is not None:
            return _to_remote(link, now)
        # A photo stored before its 640 px size existed gets it the first time a page asks.
        if not photo_sizes.make_missing(key):
            raise
        response = send_from_directory(current_app.config["MEDIA_ROOT"], key)
    response.cache_control.public = True
    response.cache_control.max_age = 60 * 60 * 24 * 365
    response.cache_control.immutable = True
    for name in ("Content-Disposition", "Expires", "Last-Modified"):  # bytes a kept-for-good photo never needs
        response.headers.pop(name, None)
    return response
