"""A short-lived cache of whole anonymous public pages in front of the app (as nginx micro-caching is),
shared by both faces.

Only a GET or HEAD with no cookie, no Authorization, no htmx or conditional header is answered from it,
and only a page its view declared shareable (`shareable(response)`: the same for every anonymous
visitor) is kept, when it is a 200 that sets no cookie: that answer (and only that one) leaves marked
`Cache-Control: public, max-age=0` (any cache may keep it, revalidating each time). The key is the full URL
(scheme, host, path, query) with the headers a page depends on (language, encoding, privacy signals).
A kept page is dropped after PAGE_CACHE_SECONDS, or as soon as the catalogue's version number moves on
(a product, price, stock, photo, category, city or pickup point changed: vgk.services.catalogue.versions),
which is read once per hit. PAGE_CACHE_SECONDS=0 turns it off."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from vgk.services.catalogue import versions

MARK = "X-VGK-Shareable"  # set by shareable(), taken off before the answer leaves
MAX_ENTRIES = 256
DEFAULT_SECONDS = 10
_SKIP_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE",
                 "HTTP_X_VISITOR_ID", "HTTP_RANGE")
_KEY_HEADERS = ("HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_ACCEPT_LANGUAGE",
                "HTTP_ACCEPT_ENCODING", "HTTP_SEC_GPC", "HTTP_DNT")


def shareable(response: Any) -> Any:
    """Declare a page the same for every anonymous visitor: public (and kept here) unless it sets a
    cookie or is not a 200."""
    response.headers[MARK] = "1"
    return response


class _Entry:
    __slots__ = ("status", "headers", "body", "version", "expires")

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes, version: Any,
                 expires: float) -> None:
        self.status, self.headers, self.body, self.version, self.expires = status, headers, body, version, expires


class PageCache:
    """The WSGI middleware: `app.wsgi_app = PageCache(app, app.wsgi_app, seconds)`."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]], seconds: float) -> None:
        self.app, self.wsgi_app, self.seconds = app, wsgi_app, seconds
        self.entries: dict[tuple[str, ...], _Entry] = {}
        self.lock = threading.Lock()

    @staticmethod
    def key(environ: dict[str, Any]) -> tuple[str, ...] | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if any(environ.get(name) for name in _SKIP_HEADERS) or any(name.startswith("HTTP_HX_") for name in environ):
            return None
        return (environ.get("wsgi.url_scheme", ""), environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""), *(str(environ.get(name, ""))[:200] for name in _KEY_HEADERS))

    def version(self) -> Any:
        return versions.current(self.app)[versions.KINDS.index(versions.CATALOGUE)]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = self.key(environ) if self.seconds > 0 else None
        if key is None:
            return self.wsgi_app(environ, self._unmarked(start_response))
        version = self.version()
        entry = self.entries.get(key)
        if entry is not None and entry.version == version and entry.expires > time.monotonic():
            start_response(entry.status, list(entry.headers))
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]
        seen: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers, seen["shareable"] = self._public(status, headers)
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body = self.wsgi_app(environ, remember)
        if not (seen.get("shareable") and environ["REQUEST_METHOD"] == "GET"):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        with self.lock:
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.pop(next(iter(self.entries)), None)  # the oldest
            self.entries[key] = _Entry(seen["status"], seen["headers"], content, version,
                                       time.monotonic() + self.seconds)
        return [content]

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
        return [*kept, ("Cache-Control", "public, max-age=0")], True

    @classmethod
    def _unmarked(cls, start_response: Callable[..., Any]) -> Callable[..., Any]:
        def unmarked(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = cls._public(status, headers)[0]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return unmarked


def install(app: Flask) -> None:
    """Put the cache in front of the app (PAGE_CACHE_SECONDS=0: it keeps nothing, only marks the pages)."""
    seconds = app.config.get("PAGE_CACHE_SECONDS")
    if seconds is None:
        seconds = float(os.environ.get("PAGE_CACHE_SECONDS") or DEFAULT_SECONDS)
    app.wsgi_app = PageCache(app, app.wsgi_app, float(seconds))  # type: ignore[method-assign]
