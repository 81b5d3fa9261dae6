"""Installable-app plumbing: web manifest, service worker at the root scope, offline page, media files."""
from pathlib import Path

from flask import Blueprint, current_app, render_template, send_from_directory

from vgk.security import public
bp = Blueprint("pwa", __name__)

ROOT = Path(__file__).resolve().parent.parent.parent


@bp.get("/manifest.webmanifest")
@public
def manifest():
    response = send_from_directory(ROOT, "manifest.webmanifest", mimetype="application/manifest+json")
    response.cache_control.max_age = 86400
    return response


@bp.get("/sw.js")
@public
def service_worker():
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript")
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
    response = send_from_directory(current_app.config["MEDIA_ROOT"], key)
    response.cache_control.public = True
    response.cache_control.max_age = 60 * 60 * 24 * 365
    response.cache_control.immutable = True
    return response
