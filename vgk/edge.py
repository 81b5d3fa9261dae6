"""What the two faces of the app (the HTML pages in vgk.web, the JSON API in vgk.api) read from a
request and answer the same way: who is calling (IP, browser), where it is safe to send them back,
the per-IP rate limits, and the JSON envelope of every answer.

The envelope is `{"success": true, ...}` on success and
`{"success": false, "error": {"code", "message", "fields"}}` on failure, whichever face answers: the
app-wide error handlers (vgk.web) answer JSON to API paths and to clients that ask for it.
"""
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request

# --- who is calling ------------------------------------------------------------------------------


def client_ip() -> str:
    return request.remote_addr or ""


def user_agent() -> str:
    return (request.user_agent.string or "")[:255]


def local_target(target: str | None) -> str | None:
    """A path on this site to go back to, or None: never a redirect to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.netloc != request.host:
            return None
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


# --- per-IP rate limits (Flask-Limiter reads them at each request, from the configuration) -------


def auth_limit() -> str:
    """Password and code checks."""
    return str(current_app.config["AUTH_RATE_LIMIT"])


def code_limit() -> str:
    """Requests that send an SMS or an email (the per-number cap is in vgk.services.otp)."""
    return str(current_app.config["CODE_RATE_LIMIT"])


def checkout_limit() -> str:
    """Placing orders and asking for payments (each holds stock or sends a message)."""
    return str(current_app.config["CHECKOUT_RATE_LIMIT"])


def webhook_limit() -> str:
    """A payment provider's callbacks."""
    return str(current_app.config["PAYMENT_WEBHOOK_RATE_LIMIT"])


# --- the JSON envelope ---------------------------------------------------------------------------


def wants_json() -> bool:
    """An API path, or a client that prefers JSON over a page."""
    return request.path.startswith("/mobile/api/") or request.accept_mimetypes.best == "application/json"


def success_body(**body: Any) -> dict[str, Any]:
    return {"success": True, **body}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message, "fields": fields or {}}}
