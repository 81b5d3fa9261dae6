"""Static files (/static/): content-hashed URLs and their delivery.

`url_for('static', filename='css/app.css')` gives `/static/css/app.<hash>.css`, the hash being the first
ten hex digits of the file's SHA-256, so a browser may keep it for a year (`immutable`): a new version of
the file has a new URL. A URL without a hash, or with one that is not the file's current hash (a page kept
from before a deployment), gets the current file with `no-cache`, revalidated by its ETag.

Text files (CSS, JavaScript, SVG, JSON) are sent precompressed: their gzip and brotli variants are built once
per version of the file, on its first request, kept in memory, and the smaller one the browser accepts is
sent. Nothing is built ahead: `make run` serves the files as they are on disk, and an edited file gets a new
hash at its next request."""
import gzip
import hashlib
import mimetypes
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from flask import Flask, abort, current_app, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
RECHECK = 1.0  # seconds during which a file just looked at is taken as unchanged (pages name a dozen)
DIGEST_LENGTH = 10
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")
COMPRESSIBLE = {".css", ".js", ".mjs", ".svg", ".json", ".webmanifest", ".txt", ".map"}
ENCODERS = {
    "br": lambda data: brotli.compress(data, quality=11),
    "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
}


@dataclass(frozen=True)
class Asset:
    """One version of a static file: its bytes, its digest and its compressed variants smaller than it."""

    name: str
    body: bytes
    digest: str
    mimetype: str
    variants: dict[str, bytes] = field(default_factory=dict)

    def hashed_name(self) -> str:
        stem, ext = os.path.splitext(self.name)
        return f"{stem}.{self.digest}{ext}" if ext and stem and not stem.endswith("/") else self.name

    def encoding_for(self, accepted) -> str | None:
        """The smallest variant the browser accepts (`request.accept_encodings`), or None for the file as is."""
        usable = [(len(data), encoding) for encoding, data in self.variants.items() if accepted[encoding]]
        return min(usable)[1] if usable else None


def _build(name: str, path: Path) -> Asset:
    body = path.read_bytes()
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    variants = {}
    if path.suffix.lower() in COMPRESSIBLE:
        for encoding, encode in ENCODERS.items():
            data = encode(body)
            if len(data) < len(body):
                variants[encoding] = data
    return Asset(name, body, hashlib.sha256(body).hexdigest()[:DIGEST_LENGTH], mimetype, variants)


class Assets:
    """The static folder's files, each read (and compressed) once per version: a file's size and time of
    change, looked at again at most once a second, tell when it was replaced."""

    def __init__(self, folder: str):
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, int], Asset]] = {}
        self._seen: dict[str, tuple[float, Asset]] = {}  # looked at on disk less than RECHECK seconds ago

    def get(self, name: str) -> Asset | None:
        seen = self._seen.get(name)
        now = time.monotonic()
        if seen is not None and now - seen[0] < RECHECK:
            return seen[1]
        asset = self._look(name)
        if asset is not None:
            self._seen[name] = (now, asset)
        return asset

    def _look(self, name: str) -> Asset | None:
        path = safe_join(self.folder, name)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path):
            return None
        version = (stat.st_mtime_ns, stat.st_size)
        known = self._known.get(name)
        if known is not None and known[0] == version:
            return known[1]
        asset = _build(name, Path(path))
        self._known[name] = (version, asset)
        return asset

    def find(self, name: str) -> tuple[Asset | None, bool]:
        """The file a URL names and whether the URL carries its current hash (the file may then be kept for
        good)."""
        asset = self.get(name)
        if asset is not None:
            return asset, False
        hashed = HASHED.match(name)
        if hashed is None:
            return None, False
        asset = self.get(hashed["stem"] + hashed["ext"])
        return asset, asset is not None and asset.digest == hashed["digest"]


def _assets() -> Assets:
    return current_app.extensions["vgk_assets"]


def static_url_name(name: str) -> str:
    """The hashed name of a static file (the name as given when there is no such file)."""
    asset = _assets().get(name)
    return asset.hashed_name() if asset is not None else name


def serve_static(filename: str):
    asset, current = _assets().find(filename)
    if asset is None:
        abort(404)
    encoding = asset.encoding_for(request.accept_encodings)
    response = current_app.response_class(asset.variants[encoding] if encoding else asset.body,
                                          mimetype=asset.mimetype)
    response.vary.add("Accept-Encoding")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.set_etag(f"{asset.digest}-{encoding or 'identity'}")
    response.cache_control.public = True
    if current:
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response.make_conditional(request)


def register(app: Flask) -> None:
    """Serve /static/ from here and give `url_for('static', ...)` the hashed names."""
    app.extensions["vgk_assets"] = Assets(str(app.static_folder))
    app.view_functions["static"] = serve_static

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = static_url_name(values["filename"])
