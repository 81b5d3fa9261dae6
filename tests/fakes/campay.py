"""A fake of Campay's REST API (Mobile Money collections and withdrawals, Cameroon) on 127.0.0.1.

- `POST /api/token/` {"username", "password"}: the application's credentials, else 400 with Django REST
  framework's "Unable to log in with provided credentials."; answers {"token", "expires_in"}.
- Every other endpoint wants `Authorization: Token <token>` with a token it issued and that has not
  expired (else 401 {"detail": "Invalid token."}).
- `POST /api/collect/` {"amount", "currency", "from", "description", "external_reference"}: amount a
  positive whole number written as a string (ER201), currency XAF, `from` = 2376XXXXXXXX (ER101) on MTN
  (67x, 68x, 650-654) or Orange (69x, 655-659) (else ER102); answers {"reference", "ussd_code", "operator"}
  and keeps the transaction PENDING until the test calls `settle(reference, "SUCCESSFUL" | "FAILED")`.
- `GET /api/transaction/<reference>/`: {"reference", "status", "amount", "currency", "operator", "code",
  "operator_reference", "external_reference"}, 404 for an unknown reference.
- `POST /api/get_payment_link/` {"amount", "currency", "description", "external_reference", "redirect_url",
  "failure_redirect_url", "payment_options"}: {"link"} (no reference: the callback names the transaction,
  kept PENDING in `transactions` with operator "CARD" and the request's `links` entry).
- `POST /api/withdraw/` {"amount", "currency", "to", "description", "external_reference"}: {"reference"}
  (plus "status" when `withdraw_status` is set); ER301 above `balance`.
- `callback(reference, **overrides)`: the parameters Campay posts to the webhook, with `signature` a JWT
  (HS256) signed with `webhook_key`; `sign(claims, key=..., alg=...)` builds other (forged) signatures.

Knobs: `fail_next(kind, path=None)` makes the next request (to `path`, if given) fail: 500, "timeout"
(answers after `timeout_delay` seconds), "garbage" (200, not JSON), "unexpected" (200, JSON of another
shape); `expire_tokens()` revokes every issued token (the next call gets 401).
"""
import base64
import json
import re
import secrets
import threading
import time
import uuid

from joserfc import jwt
from joserfc.jwk import OctKey
from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer

_NUMBER = re.compile(r"2376\d{8}")
_AMOUNT = re.compile(r"[1-9]\d*")
USSD_CODES = {"MTN": "*126#", "ORANGE": "#150*50#"}


def _operator(number):
    local = number[3:]
    if local[:2] in ("67", "68") or local[:3] in ("650", "651", "652", "653", "654"):
        return "MTN"
    if local[:2] == "69" or local[:3] in ("655", "656", "657", "658", "659"):
        return "ORANGE"
    return ""


def _b64url(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class CampayFake:
    def __init__(self, username="vgk-campay-app", password="campay-app-password-0123456789",
                 webhook_key="campay-webhook-key-0123456789abcdef"):
        self.username = username
        self.password = password
        self.webhook_key = webhook_key
        self.requests = []  # every request: method, path, headers, json (or None), body
        self.transactions = {}  # reference -> the transaction as the status endpoint returns it
        self._tokens = {}  # token -> expiry (time.time())
        self._failures = []  # [(kind, path)]
        self._lock = threading.Lock()
        self._server = LoopbackServer(self.wsgi)
        self._defaults()

    def _defaults(self):
        self.token_lifetime = 3600
        self.timeout_delay = 2.0
        self.withdraw_status = None
        self.balance = 10_000_000

    # --- lifecycle and knobs -----------------------------------------------------------------
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
            self.transactions.clear()
            self._tokens.clear()
            self._failures.clear()
        self._defaults()

    def fail_next(self, kind, path=None):
        """kind: 500 (or another status), "timeout", "garbage" or "unexpected"; path: only that endpoint."""
        with self._lock:
            self._failures.append((kind, path))

    def expire_tokens(self):
        with self._lock:
            self._tokens.clear()

    def settle(self, reference, status):
        """The payer approved (SUCCESSFUL) or refused/let it lapse (FAILED) on the phone."""
        assert status in ("SUCCESSFUL", "FAILED", "PENDING")
        with self._lock:
            transaction = self.transactions[reference]
            transaction["status"] = status
            if status == "SUCCESSFUL":
                transaction["code"] = "CP" + time.strftime("%y%m%d") + "T" + f"{secrets.randbelow(10**5):05d}"
                transaction["operator_reference"] = str(1_000_000_000 + secrets.randbelow(9 * 10**9))
        return transaction

    def paths(self):
        return [(r["method"], r["path"]) for r in self.requests]

    def count(self, path):
        return sum(1 for r in self.requests if r["path"] == path)

    # --- callbacks -----------------------------------------------------------------------------
    def sign(self, claims, key=None, alg="HS256"):
        """A JWT over `claims`; `key` another secret for a forgery; alg "none" for an unsigned token."""
        if alg == "none":
            return _b64url({"alg": "none", "typ": "JWT"}) + "." + _b64url(claims) + "."
        return jwt.encode({"alg": alg, "typ": "JWT"}, claims, OctKey.import_key(key or self.webhook_key),
                          algorithms=[alg])

    def callback(self, reference, /, claims=None, **overrides):
        """The parameters Campay sends to the webhook for this transaction, as strings (form or query);
        `claims` replaces the signed claims, `overrides` replace parameters after signing (even `reference`)."""
        transaction = self.transactions[reference]
        params = {field: str(transaction[field]) for field in
                  ("status", "reference", "amount", "currency", "operator", "code", "operator_reference",
                   "external_reference")}
        if claims is None:
            now = int(time.time())
            claims = {"reference": reference, "status": transaction["status"], "iat": now, "exp": now + 600}
        params["signature"] = self.sign(claims)
        params.update(overrides)
        return params

    # --- the API -----------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        request = Request(environ)
        body = request.get_data(as_text=True)
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = None
        record = {"method": request.method, "path": request.path, "headers": dict(request.headers),
                  "json": payload, "body": body}
        with self._lock:
            self.requests.append(record)
            failure = self._take_failure(request.path)
        if failure is not None:
            response = self._failure(failure)
        else:
            response = self._answer(request, payload)
        return response(environ, start_response)

    def _take_failure(self, path):
        for index, (kind, only) in enumerate(self._failures):
            if only is None or only == path:
                del self._failures[index]
                return kind
        return None

    def _failure(self, kind):
        if kind == "timeout":
            time.sleep(self.timeout_delay)
            return self._json({"detail": "too late"}, 200)
        if kind == "garbage":
            return Response("<html><body>502 Bad Gateway</body></html>", status=200, content_type="text/html")
        if kind == "unexpected":
            return self._json(["not", "an", "object"], 200)
        return Response("<h1>Server Error (500)</h1>", status=int(kind), content_type="text/html")

    @staticmethod
    def _json(body, status=200):
        return Response(json.dumps(body), status=status, content_type="application/json")

    def _error(self, code, message, status=400):
        return self._json({"message": message, "error_code": code}, status)

    def _authorized(self, request):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        with self._lock:
            expiry = self._tokens.get(token)
        return scheme == "Token" and expiry is not None and time.time() < expiry

    def _answer(self, request, payload):
        path = request.path
        if path == "/api/token/":
            if request.method != "POST":
                return self._json({"detail": f'Method "{request.method}" not allowed.'}, 405)
            return self._token(payload)
        if not path.startswith("/api/"):
            return Response("Not found", status=404, content_type="text/plain")
        if not self._authorized(request):
            return self._json({"detail": "Invalid token."}, 401)
        if path == "/api/collect/" and request.method == "POST":
            return self._collect(payload)
        if path == "/api/get_payment_link/" and request.method == "POST":
            return self._payment_link(payload)
        if path == "/api/withdraw/" and request.method == "POST":
            return self._withdraw(payload)
        match = re.fullmatch(r"/api/transaction/([^/]+)/", path)
        if match and request.method == "GET":
            with self._lock:
                transaction = self.transactions.get(match.group(1))
            if transaction is None:
                return self._json({"detail": "Not found."}, 404)
            return self._json(dict(transaction))
        return self._json({"detail": "Not found."}, 404)

    def _token(self, payload):
        payload = payload if isinstance(payload, dict) else {}
        if payload.get("username") != self.username or payload.get("password") != self.password:
            return self._json({"non_field_errors": ["Unable to log in with provided credentials."]}, 400)
        token = secrets.token_hex(20)
        with self._lock:
            self._tokens[token] = time.time() + self.token_lifetime
        return self._json({"token": token, "expires_in": self.token_lifetime})

    def _checked(self, payload, number_field):
        """(amount, number, operator) or an error response."""
        if not isinstance(payload, dict):
            return self._json({"detail": "JSON parse error"}, 400)
        amount = payload.get("amount")
        if not isinstance(amount, str) or not _AMOUNT.fullmatch(amount):
            return self._error("ER201", "Invalid amount. Decimal numbers are NOT allowed.")
        if payload.get("currency") != "XAF":
            return self._error("ER201", "Invalid currency.")
        number = payload.get(number_field)
        if not isinstance(number, str) or not _NUMBER.fullmatch(number):
            return self._error("ER101", "Invalid phone number. Ensure the number starts with the country code. "
                                        f"e.g 237xxxxxxxxx ({number})")
        operator = _operator(number)
        if not operator:
            return self._error("ER102", "Unsupported Carrier phone number.")
        return int(amount), number, operator

    def _new_transaction(self, amount, operator, payload, status="PENDING"):
        reference = str(uuid.uuid4())
        transaction = {
            "reference": reference, "status": status, "amount": amount, "currency": "XAF",
            "operator": operator, "code": "", "operator_reference": "",
            "external_reference": str(payload.get("external_reference") or ""),
        }
        with self._lock:
            self.transactions[reference] = transaction
        return transaction

    def _collect(self, payload):
        checked = self._checked(payload, "from")
        if isinstance(checked, Response):
            return checked
        amount, _, operator = checked
        transaction = self._new_transaction(amount, operator, payload)
        return self._json({"reference": transaction["reference"], "ussd_code": USSD_CODES[operator],
                           "operator": operator})

    def _payment_link(self, payload):
        if not isinstance(payload, dict):
            return self._json({"detail": "JSON parse error"}, 400)
        amount = payload.get("amount")
        if not isinstance(amount, str) or not _AMOUNT.fullmatch(amount) or payload.get("currency") != "XAF":
            return self._error("ER201", "Invalid amount. Decimal numbers are NOT allowed.")
        transaction = self._new_transaction(int(amount), "CARD", payload)
        return self._json({"link": f"{self.url}/pay/{transaction['reference']}"})

    def card_transaction(self, external_reference):
        """The transaction a payment link request opened for `external_reference`."""
        return next(t for t in self.transactions.values() if t["external_reference"] == external_reference)

    def _withdraw(self, payload):
        checked = self._checked(payload, "to")
        if isinstance(checked, Response):
            return checked
        amount, _, operator = checked
        if amount > self.balance:
            return self._error("ER301", "Insufficient balance.")
        self.balance -= amount
        transaction = self._new_transaction(amount, operator, payload, status=self.withdraw_status or "PENDING")
        answer = {"reference": transaction["reference"]}
        if self.withdraw_status:
            answer["status"] = self.withdraw_status
        return self._json(answer)
