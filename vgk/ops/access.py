"""The outermost WSGI middleware (inside the proxy fix): every answer gets a request id, one access
line and its metrics, whoever built it — a Flask view, the page cache's kept copy, Socket.IO.

- The id is a sane incoming X-Request-ID (nginx's) or a new one; it goes back as X-Request-ID, and every
  log line written meanwhile carries it (vgk.ops.logs), as do the jobs enqueued (vgk.jobs).
- The line: method, route (the URL rule, never the path with its ids or tokens, nor the query string),
  status, duration in ms, user id (none for visitors). Flask's teardown leaves the route and the user in
  the environ; for a page the cache answered, the route is matched here.
- /healthz is answered here, before anything else: no database, session, cookie or cache; its line is
  written at debug level and it is not counted, nor is /metrics. Socket.IO's requests are logged at
  debug level and not counted either (a WebSocket lasts as long as the visit)."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import ClosingIterator

from vgk.ops import logs, metrics

log = logging.getLogger("vgk.access")

HEALTHZ = "/healthz"
METRICS = "/metrics"
# What Flask's teardown leaves for the line, in a dict the environ holds: Socket.IO's middleware hands
# Flask a copy of the environ, which shares the dict.
NOTES, ID_KEY = "vgk.access", "vgk.request_id"
UNMATCHED = "unmatched"
_SOCKETIO = "/socket.io"


class AccessLog:
    """`app.wsgi_app = AccessLog(app, app.wsgi_app)`."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        rid = logs.accepted(environ.get("HTTP_X_REQUEST_ID")) or logs.new_request_id()
        environ[ID_KEY] = rid
        environ[NOTES] = {}
        if environ.get("PATH_INFO") == HEALTHZ and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._alive(environ, start_response, rid, started)
        token = logs.bind(rid)
        seen: dict[str, int] = {}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"] = int(status.split(" ", 1)[0])
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((logs.HEADER, rid))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            self._finish(environ, 500, started)
            logs.unbind(token)
            raise
        return ClosingIterator(body, [lambda: self._finish(environ, seen.get("status", 500), started),
                                      lambda: logs.unbind(token)])

    def _alive(self, environ: dict[str, Any], start_response: Callable[..., Any], rid: str,
               started: float) -> Iterable[bytes]:
        body = b"ok\n"
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-store"), (logs.HEADER, rid)])
        with logs.serving(rid):
            self._line(logging.DEBUG, environ, HEALTHZ, None, 200, started)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def route(self, environ: dict[str, Any]) -> str:
        """The URL rule that answered (left by Flask's teardown), else the one the path matches."""
        route = environ.get(NOTES, {}).get("route")
        if route:
            return str(route)
        try:
            rule, _args = self.app.url_map.bind_to_environ(environ).match(return_rule=True)
        except HTTPException:
            return UNMATCHED
        return str(rule.rule)

    def _finish(self, environ: dict[str, Any], status: int, started: float) -> None:
        path = environ.get("PATH_INFO") or ""
        if path.startswith(_SOCKETIO):
            self._line(logging.DEBUG, environ, _SOCKETIO + "/", None, status, started)
            return
        route = self.route(environ)
        seconds = time.perf_counter() - started
        if route != METRICS:
            metrics.observe_request(route, environ.get("REQUEST_METHOD", ""), status, seconds)
        # A 503 is an answer the site chose (not ready, busy): a warning; any other 5xx is an error.
        level = logging.INFO if status < 500 else logging.WARNING if status == 503 else logging.ERROR
        self._line(level, environ, route, environ.get(NOTES, {}).get("user_id"), status, started)

    @staticmethod
    def _line(level: int, environ: dict[str, Any], route: str, user_id: Any, status: int, started: float) -> None:
        if not log.isEnabledFor(level):
            return
        method = environ.get("REQUEST_METHOD", "")
        duration = round((time.perf_counter() - started) * 1000, 1)
        log.log(level, "%s %s %s %.1f ms", method, route, status, duration,
                extra={"method": method, "route": route, "status": status, "duration_ms": duration,
                       "user_id": user_id})


def note_request(_error: BaseException | None = None) -> None:
    """Flask teardown: leave the URL rule and the signed-in user's id (web session or API token, when
    already loaded: nothing is read for the log) for the access line."""
    notes = request.environ.get(NOTES)
    if notes is None:  # a request context made without the middleware (tests, the page cache's on_hit)
        return
    if request.url_rule is not None:
        notes["route"] = request.url_rule.rule
    user = g.get("api_user") or g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        notes["user_id"] = getattr(user, "id", None)


def install(app: Flask) -> None:
    app.teardown_request(note_request)
    app.wsgi_app = AccessLog(app, app.wsgi_app)  # type: ignore[method-assign]
