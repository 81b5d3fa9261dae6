"""A short-lived cache of whole anonymous public pages in front of the app (as nginx micro-caching is),
shared by both faces.

Only a GET or HEAD with no Authorization, no htmx header, no If-Modified-Since and no cookie but the few
the web face names (`cookies`: a visitor's id, data-saver choice, city, keyed by what a page can read of
them, never by the id itself) is answered from it,
and only a page its view declared shareable (`shareable(response)`: the same for every anonymous
visitor) is kept, when it is a 200 that sets no cookie: that answer (and only that one) leaves marked
`Cache-Control: public, no-cache` (any cache may keep it, revalidating each time). The key is the full URL
(scheme, host, path, query) with the headers a page depends on (language, encoding, privacy signals).
A kept page is dropped after PAGE_CACHE_SECONDS, or as soon as the catalogue's version number moves on
(a product, price, stock, photo, review, category, city or pickup point changed:
vgk.services.catalogue.versions), which is read once per hit. A page that says which products it shows
(`shareable(..., products=...)`: a product page) is dropped only when the lineup moves on or one of those
products leaves sale or has less stock, and is kept up to TRACKED_SECONDS. PAGE_CACHE_SECONDS=0 turns it off.
While a page is being built, the same page asked for meanwhile waits for it instead of being built again.

A page whose request is worth remembering (a product page counts its view, a search its search event)
is kept with `on_hit`, a callable the cache runs in a request context of each answer it gives from the
entry: the visit is recorded as if the view had run (vgk.services.discovery.events' rules and dedup).
A browser's `If-None-Match` is answered from the entry too (304 when its ETag still matches), so coming
back to a kept page costs neither a rebuild nor a body. A kept page's answer says `X-Cache: hit`.

A kept page that records nothing at each answer (home, listings, the API's lists: not a product page nor a
search) also says `X-Accel-Expires: 1`: nginx in front (deploy/nginx-site.template) answers it for that
second from its own cache without asking a web process, then revalidates it with its ETag. Only nginx reads
that header, and only for a request without cookies or credentials."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from flask import Flask
from werkzeug.http import parse_cookie

from vgk.services.catalogue import versions

MARK = "X-VGK-Shareable"  # set by shareable(), taken off before the answer leaves
PROXY_SECONDS = 1  # a kept page that records nothing may be answered by nginx for this long (X-Accel-Expires)
MAX_ENTRIES = 1024  # pages of about 10 kB compressed: some 10 MB per process at most
DEFAULT_SECONDS = 10
TRACKED_SECONDS = 60  # at most, for a page that says which products it shows
WAIT_SECONDS = 10.0  # at most, for the same page being built by another thread
_SKIP_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_IF_MODIFIED_SINCE", "HTTP_X_VISITOR_ID", "HTTP_RANGE")
_KEY_HEADERS = ("HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_ACCEPT_LANGUAGE",
                "HTTP_ACCEPT_ENCODING", "HTTP_SEC_GPC", "HTTP_DNT", "HTTP_SAVE_DATA")
_NOT_IN_304 = ("content-length", "content-type", "content-encoding")
# What the view being built asks the cache to run at each hit (set by shareable(), read once it returns).
_ON_HIT: ContextVar[dict[str, Any] | None] = ContextVar("vgk_page_cache_on_hit", default=None)


def shareable(response: Any, on_hit: Callable[[], None] | None = None,
              products: Collection[int] | None = None) -> Any:
    """Declare a page the same for every anonymous visitor: public (and kept here) unless it sets a
    cookie or is not a 200. `on_hit` (run in a request context) records what the view recorded, each time
    the kept page is given instead of being built. `products`: every product the page shows, when it
    shows no list that another product could enter but through the lineup (a product page)."""
    response.headers[MARK] = "1"
    slot = _ON_HIT.get()
    if slot is not None:
        if on_hit is not None:
            slot["on_hit"] = on_hit
        if products is not None:
            slot["products"] = frozenset(products)
    return response


class _Entry:
    __slots__ = ("status", "headers", "body", "stamp", "products", "expires", "etag", "on_hit")

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes, stamp: versions.Stamp,
                 products: frozenset[int] | None, expires: float, on_hit: Callable[[], None] | None) -> None:
        self.status, self.headers, self.body, self.expires = status, headers, body, expires
        self.stamp, self.products = stamp, products
        self.etag = next((value for name, value in headers if name.lower() == "etag"), None)
        self.on_hit = on_hit

    def not_modified(self, environ: dict[str, Any]) -> bool:
        """Does the browser's If-None-Match name this page's ETag (weak comparison)?"""
        asked = environ.get("HTTP_IF_NONE_MATCH")
        if not asked or self.etag is None:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in asked.split(",")}
        return "*" in tags or self.etag.removeprefix("W/") in tags


class PageCache:
    """The WSGI middleware: `app.wsgi_app = PageCache(app, app.wsgi_app, seconds)`."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]], seconds: float,
                 cookies: Mapping[str, Callable[[str], str]] | None = None) -> None:
        self.app, self.wsgi_app, self.seconds = app, wsgi_app, seconds
        self.cookies = dict(cookies or {})
        self.entries: dict[tuple[str, ...], _Entry] = {}
        self.building: dict[tuple[str, ...], threading.Event] = {}
        self.lock = threading.Lock()

    def key(self, environ: dict[str, Any]) -> tuple[str, ...] | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if any(environ.get(name) for name in _SKIP_HEADERS) or any(name.startswith("HTTP_HX_") for name in environ):
            return None
        cookies: tuple[str, ...] = ()
        if environ.get("HTTP_COOKIE"):
            sent = parse_cookie(environ["HTTP_COOKIE"])
            if not sent.keys() <= self.cookies.keys():
                return None  # a session, a sign-in...: a page of its own
            cookies = tuple(f"{name}={self.cookies[name](sent[name])[:80]}" for name in sorted(sent.keys()))
        return (environ.get("wsgi.url_scheme", ""), environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""), *(str(environ.get(name, ""))[:200] for name in _KEY_HEADERS),
                *cookies)

    def good(self, entry: _Entry | None, stamp: versions.Stamp) -> bool:
        """Is this kept page what the view would build now?"""
        if entry is None or entry.expires <= time.monotonic():
            return False
        if entry.products is not None:
            return versions.fresh(entry.stamp, entry.products, self.app)
        catalogue = versions.KINDS.index(versions.CATALOGUE)
        return bool(entry.stamp.numbers[catalogue] == stamp.numbers[catalogue])

    def _hit(self, entry: _Entry, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if entry.on_hit is not None:
            with self.app.request_context(environ):
                entry.on_hit()
        return self._answer(entry, environ, start_response, "hit")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = self.key(environ) if self.seconds > 0 else None
        if key is None:
            return self.wsgi_app(environ, self._unmarked(start_response))
        stamp = versions.stamp(self.app)
        entry = self.entries.get(key)
        if self.good(entry, stamp):
            return self._hit(entry, environ, start_response)  # type: ignore[arg-type]
        with self.lock:
            building = self.building.get(key)
            if building is None:
                self.building[key] = mine = threading.Event()
        if building is not None:  # the same page is being built: its answer will do, if it is kept
            building.wait(WAIT_SECONDS)
            stamp = versions.stamp(self.app)
            entry = self.entries.get(key)
            if self.good(entry, stamp):
                return self._hit(entry, environ, start_response)  # type: ignore[arg-type]
            return self._build(key, stamp, environ, start_response)
        try:
            return self._build(key, stamp, environ, start_response)
        finally:
            with self.lock:
                self.building.pop(key, None)
            mine.set()

    def _build(self, key: tuple[str, ...], stamp: versions.Stamp, environ: dict[str, Any],
               start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            public, seen["shareable"] = self._public(status, headers)
            seen["status"], seen["headers"] = status, public
            if seen["shareable"] and environ["REQUEST_METHOD"] == "GET":
                return lambda data: None  # the body is collected below; the answer leaves from the entry
            seen["sent"] = True
            return start_response(status, public, exc_info) if exc_info else start_response(status, public)

        slot: dict[str, Any] = {}
        token = _ON_HIT.set(slot)
        try:
            body = self.wsgi_app(environ, remember)
        finally:
            _ON_HIT.reset(token)
        if seen.get("sent") or "status" not in seen:  # not kept (a 304 the app answered itself, too)
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        products, on_hit = slot.get("products"), slot.get("on_hit")
        life = self.seconds if products is None else max(self.seconds, TRACKED_SECONDS)
        # First: nginx (1.22) reads the headers in order, and a Cache-Control read before it would prevail.
        headers = seen["headers"] if on_hit is not None else [("X-Accel-Expires", str(PROXY_SECONDS)), *seen["headers"]]
        entry = _Entry(seen["status"], headers, content, stamp, products, time.monotonic() + life, on_hit)
        with self.lock:
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.pop(next(iter(self.entries)), None)  # the oldest
            self.entries[key] = entry
        return self._answer(entry, environ, start_response, "miss")

    @staticmethod
    def _answer(entry: _Entry, environ: dict[str, Any], start_response: Callable[..., Any],
                cache: str) -> Iterable[bytes]:
        if entry.not_modified(environ):
            start_response("304 Not Modified", [(name, value) for name, value in entry.headers
                                                if name.lower() not in _NOT_IN_304] + [("X-Cache", cache)])
            return []
        start_response(entry.status, [*entry.headers, ("X-Cache", cache)])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    @staticmethod
    def _public(status: str, headers: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
        """The headers without the mark and whether the answer is kept: a 200 the view declared shareable,
        setting no cookie, not private (then marked public)."""
        kept = [(name, value) for name, value in headers if name != MARK]
        if len(kept) == len(headers) or not status.startswith("200"):
            return kept, False
        names = {name.lower(): value for name, value in kept}
        control = {part.strip().split("=")[0] for part in names.get("cache-control", "").lower().split(",")}
        if "set-cookie" in names or control & {"private", "no-store"}:
            return kept, False
        kept = [(name, value) for name, value in kept if name.lower() != "cache-control"]
        return [*kept, ("Cache-Control", "public, no-cache")], True

    @classmethod
    def _unmarked(cls, start_response: Callable[..., Any]) -> Callable[..., Any]:
        def unmarked(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = cls._public(status, headers)[0]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return unmarked


def install(app: Flask, cookies: Mapping[str, Callable[[str], str]] | None = None) -> None:
    """Put the cache in front of the app (PAGE_CACHE_SECONDS=0: it keeps nothing, only marks the pages).
    `cookies`: the cookies a kept page may be given to, each with what of its value the key holds."""
    seconds = app.config.get("PAGE_CACHE_SECONDS")
    if seconds is None:
        seconds = float(os.environ.get("PAGE_CACHE_SECONDS") or DEFAULT_SECONDS)
    cache = PageCache(app, app.wsgi_app, float(seconds), cookies)
    app.wsgi_app = cache  # type: ignore[method-assign]
    app.extensions["vgk_page_cache"] = cache  # found again once other middleware (Socket.IO's) wraps it
