"""Health (the readiness report of vgk.services.operations.health), the OpenAPI document and a readable
page of it."""
from datetime import UTC, datetime

from flask import current_app, jsonify, render_template
from flask_babel import gettext as _

from vgk.api import bp
from vgk.api.base import ok, public_api
from vgk.api.envelope import json_error
from vgk.api.openapi import build, envelope, operation, undocumented
from vgk.services.operations.health import readiness


@bp.get("/health/")
@public_api
@operation("Is the API up and ready", tag="meta", errors=(503,), ok=envelope({
    "status": {"const": "healthy"}, "timestamp": {"type": "string", "format": "date-time"},
    "version": {"type": "string"}, "checks": {"type": "object"},
}), description="The same report as the site's /readyz: each part (database, redis, queue, scheduler, "
                "migrations) with `ok`. When one fails: 503, `error.fields` naming each failing part.")
def health():
    report = readiness()
    if report["status"] != "ok":
        return json_error(503, _("Le service est indisponible pour le moment."), "unavailable",
                          {name: report["checks"][name].get("error") or "failing" for name in report["failing"]})
    return ok(
        status="healthy",
        timestamp=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        version=current_app.config["APP_VERSION"],
        checks=report["checks"],
    )


@bp.get("/openapi.json")
@public_api
@undocumented
def openapi_document():
    return jsonify(build())


@bp.get("/docs/")
@public_api
@undocumented
def docs_page():
    return render_template("api/docs.html", spec=build())
