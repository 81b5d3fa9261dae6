"""The OpenAPI 3.1 document of the mobile API, built from the routes themselves.

Each view says what it takes and gives with `@operation(...)` right under its route; paths, path
parameters, security and the common error answers come from the URL map and the view's access rule,
so the document cannot drift from the code. Modules add their component schemas with `schemas()`.
"""
import re

from flask import current_app

from vgk.security import PUBLIC, SIGNED_IN

_SCHEMAS = {}
_SECTIONS = []
ERROR_MESSAGES = {
    400: "Invalid request: see error.fields",
    401: "Missing, expired or revoked access token",
    403: "The token's role may not do this",
    404: "Not found (or not yours)",
    409: "Conflicts with the current state (sold out, already paid, illegal move)",
    413: "Upload too large",
    429: "Too many attempts: wait and retry",
    503: "Busy (too many photos being processed at once) or a part of the service down: retry in a moment",
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    """A schema that may also be null (OpenAPI 3.1 writes it with a type list or anyOf)."""
    if "type" in schema and isinstance(schema["type"], str) and len(schema) == 1:
        return {"type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def envelope(properties, required=None):
    """A success body: {"success": true, ...properties}."""
    props = {"success": {"const": True}, **properties}
    return {"type": "object", "properties": props, "required": ["success", *(required or properties.keys())]}


def page_envelope(item):
    return envelope({
        "count": {"type": "integer", "minimum": 0},
        "next": nullable({"type": "string"}),
        "previous": nullable({"type": "string"}),
        "results": {"type": "array", "items": item},
    })


def query(name, schema, description="", required=False):
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def page_param():
    """`?page=`, as base.page_number reads it: 1 to MAX_PAGE (anything else is a 400)."""
    from vgk.api.base import MAX_PAGE

    return query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "page number")


def schemas(**definitions):
    _SCHEMAS.update(definitions)


def section(text):
    """A paragraph added to the document's description (what the paths alone cannot say)."""
    if text not in _SECTIONS:
        _SECTIONS.append(text)


def operation(summary, *, tag, body=None, multipart=None, ok=None, status=200, errors=(), params=(),
              description="", methods=None, binary=None):
    """Document a view: `body` is the JSON request schema, `multipart` the form-data schema, `ok` the
    success body's schema (or `binary`, the media type of a file answered as is), `errors` the 4xx
    statuses the view itself can answer (401, 403 and 404 for path parameters are added from the route)."""
    def decorator(view):
        view.openapi = {
            "summary": summary, "tag": tag, "body": body, "multipart": multipart, "ok": ok or envelope({}),
            "status": status, "errors": tuple(errors), "params": list(params), "description": description,
            "methods": methods, "binary": binary,
        }
        return view

    return decorator


def undocumented(view):
    """Routes of the API that are not part of the contract (the docs page itself)."""
    view.openapi = None
    return view


def _path(rule):
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)


def _operation(rule, method, view, doc):
    access = getattr(view, "access", None)
    spec = {
        "operationId": f"{rule.endpoint.split('.', 1)[-1]}_{method.lower()}",
        "tags": [doc["tag"]],
        "summary": doc["summary"],
        "parameters": [
            {"name": arg, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
            for arg in sorted(rule.arguments)
        ] + doc["params"],
        "responses": {
            str(doc["status"]): {
                "description": "Success",
                "content": ({doc["binary"]: {"schema": {"type": "string", "format": "binary"}}} if doc["binary"]
                            else {"application/json": {"schema": doc["ok"]}}),
            }
        },
    }
    if doc["description"]:
        spec["description"] = doc["description"]
    spec["x-access"] = access  # "public", "signed-in", or the roles allowed ("ADMIN", "CLIENT+STAFF"...)
    if method in ("POST", "PUT", "PATCH"):
        if doc["multipart"] is not None:
            spec["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": doc["multipart"]}}}
        elif doc["body"] is not None:
            spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": doc["body"]}}}
    codes = set(doc["errors"])
    if spec["parameters"] or "requestBody" in spec:
        codes.add(400)
    if rule.arguments:
        codes.add(404)
    codes.add(401)  # protected routes need a token; on public ones a bad token is refused too
    if access == PUBLIC:
        spec["security"] = [{}, {"bearerAuth": []}]
    else:
        spec["security"] = [{"bearerAuth": []}]
        if access != SIGNED_IN:
            codes.add(403)
    for code in sorted(codes):
        spec["responses"][str(code)] = {"$ref": f"#/components/responses/E{code}"}
    return spec


def build(app=None):
    app = app or current_app
    paths = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, "openapi", None)
        if doc is None:
            continue
        for method in METHODS:
            if method in rule.methods and (doc["methods"] is None or method in doc["methods"]):
                paths.setdefault(_path(rule), {})[method.lower()] = _operation(rule, method, view, doc)
    error = {
        "type": "object",
        "required": ["success", "error"],
        "properties": {
            "success": {"const": False},
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Vidé-Grenier Kamer mobile API",
            "version": app.config.get("APP_VERSION", "0.1.0"),
            "description": (
                "JSON API of the Vidé-Grenier Kamer marketplace for the Android app and partners. Every answer "
                "has `success`; errors are `{\"success\": false, \"error\": {\"code\", \"message\", \"fields\"}}` "
                "with a 4xx status. Amounts are integer XAF. Sign in with `auth/login/`, then send "
                "`Authorization: Bearer <access_token>`; refresh with `auth/refresh/` (refresh tokens are single-use)."
            ) + "".join("\n\n" + text for text in _SECTIONS),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {"Error": error, **_SCHEMAS},
            "responses": {
                f"E{code}": {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
                for code, text in ERROR_MESSAGES.items()
            },
        },
    }
