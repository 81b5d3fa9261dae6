"""Health, the OpenAPI document and a readable page of it."""
from datetime import UTC, datetime

from flask import current_app, jsonify, render_template

from vgk.api import bp
from vgk.api.base import ok, public_api
from vgk.api.openapi import build, envelope, operation, undocumented


@bp.get("/health/")
@public_api
@operation("Is the API up", tag="meta", ok=envelope({
    "status": {"const": "healthy"}, "timestamp": {"type": "string", "format": "date-time"},
    "version": {"type": "string"},
}))
def health():
    return ok(
        status="healthy",
        timestamp=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        version=current_app.config["APP_VERSION"],
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
