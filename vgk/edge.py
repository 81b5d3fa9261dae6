"""What the two faces of the app (the HTML pages in vgk.web, the JSON API in vgk.api) read from a
request the same way: who is calling (IP, browser), where it is safe to send them back, and the per-IP
rate limits. The JSON envelope belongs to the API: vgk.api.envelope."""
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


def report_limit() -> str:
    """Reports of listings (anyone may send one; an admin reads each)."""
    return str(current_app.config["REPORT_RATE_LIMIT"])


def callback_limit() -> str:
    """Providers' delivery reports and status webhooks (SMS, WhatsApp), per source address."""
    return str(current_app.config["DELIVERY_CALLBACK_RATE_LIMIT"])


def webhook_limit() -> str:
    """A payment provider's callbacks."""
    return str(current_app.config["PAYMENT_WEBHOOK_RATE_LIMIT"])


def translate_limit() -> str:
    """Translations of listings asked by visitors who are not signed in (each may cost a model call)."""
    return str(current_app.config["TRANSLATE_RATE_LIMIT"])
