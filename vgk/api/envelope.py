"""The JSON envelope of every answer the API gives, and of every JSON error the app answers.

Success is `{"success": true, ...}`; failure is `{"success": false, "error": {"code", "message",
"fields"}}` with a 4xx or 5xx status. The app-wide error handlers (registered by vgk.web) are handed
`wants_json` and `json_error` by the application factory, so an error on an API path, or for a client
that asks for JSON, gets this envelope whichever code raised it.
"""
from typing import Any

from flask import Response, jsonify, request


def wants_json() -> bool:
    """An API path, or a client that prefers JSON over a page."""
    return request.path.startswith("/mobile/api/") or request.accept_mimetypes.best == "application/json"


def success_body(**body: Any) -> dict[str, Any]:
    return {"success": True, **body}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message, "fields": fields or {}}}


def json_error(status: int, message: str, code: str = "error", fields: dict[str, Any] | None = None) -> Response:
    response = jsonify(error_body(code, message, fields))
    response.status_code = status
    return response
