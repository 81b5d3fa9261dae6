"""Log lines with context: the request id (taken from a sane X-Request-ID or made here) that every line
written while a request or a job runs carries, and the two formats, LOG_FORMAT "json" (one JSON object a
line: ts, level, logger, message, request_id and the fields a line adds) or "text" (for a terminal).

Nothing here reads a request body or a query string: what a line holds is what its caller gives."""
from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

FORMATS = ("json", "text")
HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:@+=-]{8,128}", re.ASCII)
_CURRENT: ContextVar[str | None] = ContextVar("vgk_request_id", default=None)
# What a line's `extra` may add to its JSON object (the access line's fields).
FIELDS = ("request_id", "user_id", "method", "route", "status", "duration_ms", "job")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def new_request_id() -> str:
    return secrets.token_hex(16)


def accepted(given: str | None) -> str | None:
    """An incoming X-Request-ID kept as is when it is 8 to 128 plain characters (letters, digits,
    `._:@+=-`), else None: anything else (spaces, quotes, control characters) could forge a log line."""
    if given and _SANE.fullmatch(given):
        return given
    return None


def request_id() -> str | None:
    """The id of the request or job being served in this thread, if any."""
    return _CURRENT.get()


@contextmanager
def serving(rid: str | None) -> Iterator[None]:
    """Lines written inside carry `rid` (a job run for a request carries the request's id)."""
    token = _CURRENT.set(rid)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def bind(rid: str | None) -> Any:
    """Set the current id until `unbind(token)` (for a WSGI answer that ends after its call returned)."""
    return _CURRENT.set(rid)


def unbind(token: Any) -> None:
    try:
        _CURRENT.reset(token)
    except ValueError:  # reset in another context than the one that set it: leave it, the next request sets its own
        pass


class JsonFormatter(logging.Formatter):
    """One JSON object per line; an exception's traceback goes in "exc"."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid is not None:
            line["request_id"] = rid
        for name in FIELDS[1:]:  # those a line gave (an access line's user_id is null for a visitor)
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The usual one-line format, with the request id in brackets ("-" outside a request or job)."""

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
            try:
                return super().format(record)
            finally:
                record.request_id = None
        return super().format(record)


_installed = {"factory": False}


def _install_record_factory() -> None:
    """Every record gets `request_id` (None outside a request or job), whichever handler formats it."""
    if _installed["factory"]:
        return
    _installed["factory"] = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not hasattr(record, "request_id"):
            record.request_id = _CURRENT.get()
        return record

    logging.setLogRecordFactory(factory)


def configure(log_format: str, level: str = "INFO") -> None:
    """The root logger's handlers format lines as LOG_FORMAT says (a handler is added if there is none)."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    _install_record_factory()
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level)
    formatter = JsonFormatter() if log_format == "json" else TextFormatter(TEXT_FORMAT)
    for handler in root.handlers:
        if type(handler).__module__.startswith("_pytest"):
            continue  # the test runner's capture keeps its own format
        handler.setFormatter(formatter)
