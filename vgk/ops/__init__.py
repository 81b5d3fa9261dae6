"""Running the site and watching it run. Watching: log lines with a request id (`logs`), one access line and
the HTTP metrics per answer (`access`, the outermost middleware), Prometheus metrics (`metrics`); readiness
is a service (vgk.services.operations.health), its pages are vgk.web.health. Running, never imported by the
app: the production shape on one machine (`up`, `make up`: nginx in front of several gunicorn processes, an
RQ worker, PostgreSQL and Redis, `servers`), its nginx configuration (`nginx`) and the static files nginx
serves (`static`)."""
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
