"""Absolute links and the site's origins, always from the configured PUBLIC_URL, never from the
request's Host or X-Forwarded-Host headers (a forged Host would otherwise carry a reset token to
another site). Works in a request, in a job or in a CLI command alike."""
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit

from flask import current_app


def _base() -> SplitResult:
    public = current_app.config.get("PUBLIC_URL")
    if not public:
        raise RuntimeError("PUBLIC_URL is not configured: absolute links cannot be built")
    return urlsplit(public)


def public_url(endpoint: str, /, **values: Any) -> str:
    """The absolute URL of a view, on the public site: public_url("auth.reset_link", token=t)."""
    base = _base()
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def absolute_url(path: str) -> str:
    """A site path ("/media/x.jpg") made absolute on the public site; absolute URLs are kept."""
    if path.startswith(("http://", "https://")):
        return path
    base = _base()
    return f"{base.scheme}://{base.netloc}{base.path.rstrip('/')}/{path.lstrip('/')}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_origins(config: Mapping[str, Any]) -> Callable[[str | None], bool]:
    """What browsers may open a Socket.IO connection from: the PUBLIC_URL origin, plus any port on
    localhost/127.0.0.1 in development and tests. A callable for python-engineio's origin check."""
    allowed = {_origin(config["PUBLIC_URL"])} if config.get("PUBLIC_URL") else set()
    local_hosts = tuple(config.get("LOCAL_HOSTS") or ())

    def allow(origin: str | None) -> bool:
        if not origin:
            return False
        if origin in allowed:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.hostname in local_hosts and not parts.path

    return allow
