"""A fake of the WhatsApp Business Cloud API's messages endpoint
(`POST /<version>/<phone-number-id>/messages`) on 127.0.0.1.

Like the documented API it wants `Authorization: Bearer <token>` (else 401 with error code 190) and a JSON
body with `"messaging_product": "whatsapp"`, `to` and `type` ("text" with `text.body`, or "template" with
`template.name` and `template.language.code`). It answers 200 with
`{"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}`,
or, when a test scripts one with `fail_next(status, code)`, that error:
`{"error": {"message", "type": "OAuthException", "code", "error_subcode", "fbtrace_id"}}`.
"""
import itertools
import json
import threading
import time

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer

TITLES = {
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    132001: "Template name does not exist in the translation",
    130429: "Rate limit hit",
    131000: "Something went wrong",
}


class WhatsAppFake(LoopbackServer):
    """The API served by its own loopback server: start(), stop() and url come from LoopbackServer."""

    def __init__(self, token="wa-test-token", phone_number_id="106540352242922", version="v21.0"):
        super().__init__(self.wsgi)
        self.token = token
        self.phone_number_id = phone_number_id
        self.version = version
        self.requests = []  # every request received: method, path, bearer, json
        self._errors = []  # scripted answers, first in first out: (status, code)
        self.delay = 0  # seconds to wait before answering (a slow provider)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def reset(self):
        with self._lock:
            self.requests.clear()
            self._errors.clear()
        self.delay = 0

    def fail_next(self, status, code=None):
        """Answer the next request with HTTP `status` and, when given, that WhatsApp error code."""
        with self._lock:
            self._errors.append((status, code))

    @property
    def messages(self):
        """The JSON bodies of the accepted messages."""
        return [r["json"] for r in self.requests if r.get("accepted")]

    # --- the API -----------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        request = Request(environ)
        authorization = request.headers.get("Authorization", "")
        record = {
            "method": request.method,
            "path": request.path,
            "bearer": authorization[len("Bearer "):] if authorization.startswith("Bearer ") else None,
            "json": request.get_json(silent=True),
            "accepted": False,
        }
        with self._lock:
            self.requests.append(record)
            scripted = self._errors.pop(0) if self._errors else None
        if self.delay:
            time.sleep(self.delay)
        response = self._answer(request, record, scripted)
        return response(environ, start_response)

    @staticmethod
    def _json(body, status):
        return Response(json.dumps(body), status=status, content_type="application/json")

    def _error(self, status, code, message=None):
        return self._json({"error": {"message": message or TITLES.get(code, "Error"), "type": "OAuthException",
                                     "code": code, "error_subcode": 2494010, "fbtrace_id": "AbCdEf"}}, status)

    def _answer(self, request, record, scripted):
        if request.path != f"/{self.version}/{self.phone_number_id}/messages":
            return self._error(404, 100, "Unsupported post request")
        if request.method != "POST":
            return self._error(405, 100, "Method not allowed")
        if record["bearer"] != self.token:
            return self._error(401, 190, "Invalid OAuth access token")
        if scripted is not None:
            status, code = scripted
            return self._error(status, code) if code is not None else Response("Upstream error", status=status)
        body = record["json"]
        problem = self._invalid(body)
        if problem:
            return self._error(400, 100, problem)
        record["accepted"] = True
        return self._json({"messaging_product": "whatsapp",
                           "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                           "messages": [{"id": f"wamid.FAKE{next(self._ids):06d}"}]}, 200)

    @staticmethod
    def _invalid(body):
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp" or not body.get("to"):
            return "(#100) Invalid parameter"
        if body.get("type") == "text":
            return None if (body.get("text") or {}).get("body") else "(#100) text.body is required"
        if body.get("type") == "template":
            template = body.get("template") or {}
            if template.get("name") and (template.get("language") or {}).get("code"):
                return None
            return "(#100) template name and language are required"
        return "(#100) Unsupported message type"
