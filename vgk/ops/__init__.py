"""Running the site rather than the site itself. Watching it run: log lines with a request id (`logs`), one
access line and the HTTP metrics per answer (`access`, the outermost middleware), Prometheus metrics
(`metrics`); readiness is a service (vgk.services.operations.health), its pages vgk.web.health. And its
production shape on one machine (`make up`: `up`, `servers`, `nginx`, `static`), which the app never imports."""
from __future__ import annotations

import os

from flask import Flask

from config import ConfigError
from vgk.ops import logs


def configure_logging(app: Flask) -> None:
    """Log lines in LOG_FORMAT ("json" or "text"); any other value refuses to start."""
    try:
        logs.configure(str(app.config.get("LOG_FORMAT") or "text"), os.environ.get("LOG_LEVEL", "INFO"))
    except ValueError as error:
        raise ConfigError(str(error)) from error


def install(app: Flask) -> None:
    """The access middleware in front of everything the app built (the page cache, Socket.IO)."""
    from vgk.ops import access

    access.install(app)
