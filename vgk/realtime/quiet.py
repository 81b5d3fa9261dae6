"""The access token a client may put in a WebSocket address (`?token=`) never reaches the logs: the
development server's request lines ("werkzeug") and gunicorn's access log ("gunicorn.access", when one
is configured) are written with the value hidden."""
import logging
import re
from typing import Any

_TOKEN = re.compile(r"((?:^|[?&\s])token=)[^&\s\"']*", re.IGNORECASE)
HIDDEN = "[hidden]"
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def hide_tokens(value: Any) -> Any:
    if isinstance(value, str):
        return _TOKEN.sub(rf"\1{HIDDEN}", value)
    if isinstance(value, tuple):
        return tuple(hide_tokens(item) for item in value)
    if isinstance(value, dict):
        return {key: hide_tokens(item) for key, item in value.items()}
    return value


class HideTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = hide_tokens(record.msg)
        if record.args:
            record.args = hide_tokens(record.args)
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, HideTokens) for existing in logger.filters):
            logger.addFilter(HideTokens())
