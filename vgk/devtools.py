"""Who may reach the development tools: the outbox of sign-in, reset and handover codes, and the
simulated payer's phone (web page and API). They exist only with DEV_TOOLS (VGK_ENV=development or
test) and answer only a browser on the same machine; anyone else gets the same 404 as in production.
A demo deployment may open the simulated payer's phone to everyone with ALLOW_SIMULATED_PAYMENTS=1.
"""
import ipaddress

from flask import abort, current_app, request

OUTBOX_ENDPOINTS = frozenset({"dev.outbox"})
SIMULATOR_ENDPOINTS = frozenset({"shop.simulator", "api.simulate_payment"})
# Headers a reverse proxy adds: with TRUSTED_PROXIES=0 their presence means the loopback peer is a
# proxy relaying someone else, so the request is not a local one.
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host", "X-Forwarded-Proto", "Via",
                      "CF-Connecting-IP", "True-Client-IP", "X-Client-IP", "X-Cluster-Client-IP")


def is_loopback(address):
    try:
        return ipaddress.ip_address((address or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def local_request():
    """True when the client is on this machine: a loopback address, and not a proxy relaying someone
    (behind TRUSTED_PROXIES proxies, remote_addr already is the real client's address)."""
    if not is_loopback(request.remote_addr):
        return False
    if not current_app.config.get("TRUSTED_PROXIES"):
        return not any(header in request.headers for header in FORWARDING_HEADERS)
    return True


def dev_tools_available():
    return bool(current_app.config.get("DEV_TOOLS")) and local_request()


def simulator_available():
    """The simulated payer's phone: open to everyone on a demo deployment, otherwise a development tool."""
    return bool(current_app.config.get("ALLOW_SIMULATED_PAYMENTS")) or dev_tools_available()


def guard(app):
    @app.before_request
    def development_tools_for_local_clients_only():
        endpoint = request.endpoint
        if endpoint in OUTBOX_ENDPOINTS and not dev_tools_available():
            abort(404)
        if endpoint in SIMULATOR_ENDPOINTS and not simulator_available():
            abort(404)
