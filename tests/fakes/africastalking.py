"""A fake of Africa's Talking's SMS API (`POST /version1/messaging`) on 127.0.0.1.

Like the documented API it wants the `apiKey` header and the `username` form field of the account
(else HTTP 401 "The supplied authentication is invalid"), and the form fields `to` (comma-separated
international numbers) and `message`, plus `from` for a sender id. It answers 201 with
`{"SMSMessageData": {"Message", "Recipients": [{"number", "status", "statusCode", "cost", "messageId"}]}}`:
statusCode 101 "Success" for a valid number, 403 "InvalidPhoneNumber" for a number without "+" or,
for Cameroon (+237), one that is not a 9-digit mobile number (6XXXXXXXX), 402 "InvalidSenderId" for a
sender id the account does not own (when `sender_ids` is set).

Scripted answers (cleared by reset()): `cost` (the accepted recipient's "cost", "XAF 25.0000" by default),
`http_status` (answer every sending request with that HTTP status, e.g. 500 or 429, and a text body) and
`refusal` ((statusCode, status) for every valid number, e.g. (405, "InsufficientBalance")) and `raw_body`
(answer 201 with that text instead of the JSON).
"""
import json
import re
import threading
import uuid

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer

COST = "XAF 25.0000"
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")
_CAMEROON_MOBILE = re.compile(r"\+2376\d{8}")


class AfricasTalkingFake:
    def __init__(self, username="vgk", api_key="at-test-key", sender_ids=None,
                 content_type="application/json"):
        self.username = username
        self.api_key = api_key
        self.sender_ids = sender_ids  # None: any sender id is accepted
        self.content_type = content_type
        self.requests = []  # every request received: method, path, headers, form
        self.cost = COST
        self.http_status = None
        self.refusal = None
        self.raw_body = None
        self._lock = threading.Lock()
        self._server = LoopbackServer(self.wsgi)

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self):
        return self._server.url

    def start(self):
        self._server.start()
        return self

    def stop(self):
        self._server.stop()

    def reset(self):
        with self._lock:
            self.requests.clear()
            self.cost, self.http_status, self.refusal, self.raw_body = COST, None, None, None

    @property
    def messages(self):
        """The forms of the accepted sending requests."""
        return [r["form"] for r in self.requests if r.get("accepted")]

    # --- the API -----------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        request = Request(environ)
        record = {
            "method": request.method,
            "path": request.path,
            "headers": dict(request.headers),
            "form": request.form.to_dict(),
            "accepted": False,
        }
        with self._lock:
            self.requests.append(record)
        response = self._answer(request, record)
        return response(environ, start_response)

    def _json(self, body, status):
        return Response(json.dumps(body), status=status, content_type=self.content_type)

    def _answer(self, request, record):
        if request.path != "/version1/messaging":
            return Response("Not found", status=404, content_type="text/plain")
        if request.method != "POST":
            return Response("Method not allowed", status=405, content_type="text/plain")
        form = request.form
        if request.headers.get("apiKey") != self.api_key or form.get("username") != self.username:
            return Response("The supplied authentication is invalid", status=401, content_type="text/plain")
        for field in ("to", "message"):
            if not form.get(field):
                return Response(f"Request is missing required form field '{field}'", status=400,
                                content_type="text/plain")
        if self.http_status:
            return Response("Scripted failure", status=self.http_status, content_type="text/plain")
        if self.raw_body is not None:
            return Response(self.raw_body, status=201, content_type=self.content_type)
        sender = form.get("from")
        recipients = [self._recipient(number.strip(), sender) for number in form["to"].split(",")]
        sent = [r for r in recipients if r["statusCode"] == 101]
        record["accepted"] = bool(sent)
        total = f"XAF {25 * len(sent)}.0000"
        return self._json(
            {"SMSMessageData": {"Message": f"Sent to {len(sent)}/{len(recipients)} Total Cost: {total}",
                                "Recipients": recipients}},
            201,
        )

    def _recipient(self, number, sender):
        cameroon_not_mobile = number.startswith("+237") and not _CAMEROON_MOBILE.fullmatch(number)
        if not _INTERNATIONAL.fullmatch(number) or cameroon_not_mobile:
            return {"number": number, "status": "InvalidPhoneNumber", "statusCode": 403, "cost": "0",
                    "messageId": "None"}
        if sender and self.sender_ids is not None and sender not in self.sender_ids:
            return {"number": number, "status": "InvalidSenderId", "statusCode": 402, "cost": "0",
                    "messageId": "None"}
        if self.refusal:
            code, status = self.refusal
            return {"number": number, "status": status, "statusCode": code, "cost": "0", "messageId": "None"}
        return {"number": number, "status": "Success", "statusCode": 101, "cost": self.cost,
                "messageId": f"ATXid_{uuid.uuid4().hex}"}
