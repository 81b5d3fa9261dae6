"""Readiness and metrics for the machines that watch the site: /readyz (200 or 503 with the report of
vgk.services.operations.health, JSON) and /metrics (Prometheus' text, for a METRICS_TOKEN bearer or a
loopback caller: vgk.ops.metrics). /healthz, "the process answers", is served before Flask by
vgk.ops.access. None of them is stored by anyone (no-store)."""
from flask import Blueprint, current_app, jsonify, request

from vgk.ops import metrics
from vgk.security import public
from vgk.services.operations import health, work

bp = Blueprint("health", __name__)


@bp.get("/readyz")
@public
def ready():
    """The report: 200 when every required part answers, else 503 naming the failing ones."""
    report = health.readiness()
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
@public
def scrape():
    """Prometheus' text exposition, for the bearer of METRICS_TOKEN (or loopback callers without one)."""
    if not metrics.allowed(request.headers, request.remote_addr, current_app.config.get("METRICS_TOKEN")):
        response = current_app.response_class("Forbidden\n", status=403, mimetype="text/plain")
    else:
        body, content_type = metrics.exposition(work.gauges)
        response = current_app.response_class(body, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    return response
