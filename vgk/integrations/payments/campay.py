"""Campay over HTTP: the real Mobile Money gateway (collect, status check, withdrawal, signed callbacks).

Campay (base URL = the host root, e.g. https://demo.campay.net; the API lives under /api/):
- `POST /api/token/` {"username", "password"} -> {"token", "expires_in"}; then `Authorization: Token <token>`.
- `POST /api/collect/` {"amount": "<int>", "currency": "XAF", "from": "2376XXXXXXXX", "description",
  "external_reference"} -> {"reference", "ussd_code", "operator"}; the payer approves on the phone.
- `POST /api/get_payment_link/` {"amount", "currency", "description", "external_reference", "redirect_url",
  "failure_redirect_url", "payment_options": "CARD"} -> {"link"} (and, if given, the transaction's
  "reference"): Campay's hosted payment page; the callback then names the transaction and echoes
  external_reference.
- `GET /api/transaction/<reference>/` -> {"reference", "status": PENDING|SUCCESSFUL|FAILED, "amount",
  "currency", "operator", "code", "operator_reference", "external_reference"}.
- `POST /api/withdraw/` {"amount", "currency", "to", "description", "external_reference"} -> {"reference"}.
- Errors come back as a 4xx with {"message", "error_code"} (ER101 bad number, ER102 unsupported carrier,
  ER201 bad amount, ER301 insufficient balance).
- The callback to our webhook carries status, reference, amount, currency, operator, code,
  operator_reference, external_reference and `signature`: a JWT (HS256) signed with the application's
  webhook key. A genuine signature proves the sender, not the amount: services confirm with
  `transaction(reference)` before moving money.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests
from joserfc import jwt
from joserfc.jwk import OctKey

from vgk.integrations.payments.base import (
    CURRENCY,
    PENDING,
    STATUSES,
    Collection,
    PaymentError,
    Payout,
    Transaction,
    _plain,
    _text,
    campay_number,
    checked_amount,
    mask_phone,
)

log = logging.getLogger(__name__)

DEFAULT_CAMPAY_BASE_URL = "https://demo.campay.net"

# The fields of a Campay callback besides its signature.
CALLBACK_FIELDS = (
    "status", "reference", "amount", "currency", "operator", "code", "operator_reference",
    "external_reference",
)

_LONG_DIGITS = re.compile(r"\d{6,}")
_CAMPAY_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


def _status(value: object) -> str:
    status = str(value or "").strip().upper()
    if status not in STATUSES:
        raise PaymentError(f"unexpected transaction status {str(value)[:20]!r}")
    return status


def _whole_amount(value: object) -> int:
    """Campay sends amounts as numbers or strings ("5", 5, 5.0); anything else is an unexpected answer."""
    if isinstance(value, bool):
        raise PaymentError("unexpected amount in the answer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text) if "." in text else int(text)
        except ValueError:
            raise PaymentError("unexpected amount in the answer") from None
        if isinstance(number, float):
            if not number.is_integer():
                raise PaymentError("unexpected amount in the answer")
            number = int(number)
        return number
    raise PaymentError("unexpected amount in the answer")


# --- Campay -----------------------------------------------------------------------------------------

class CampayGateway:
    """Campay's REST API with a temporary token (username/password of the Campay application)."""

    name = "campay"
    # A token is reused until this many seconds before it expires (at most a tenth of its life).
    TOKEN_MARGIN = 60

    def __init__(self, base_url: str | None, username: str, password: str | None, webhook_key: str | None,
                 timeout: float | tuple[float, float] = 15, clock: Callable[[], float] = time.monotonic) -> None:
        self.base_url = (base_url or DEFAULT_CAMPAY_BASE_URL).rstrip("/")
        self.username = username
        self._password = password or ""
        self._webhook_key = OctKey.import_key(webhook_key) if webhook_key else None
        self.timeout = timeout  # seconds, or (connect, read)
        self._clock = clock
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = threading.Lock()

    def __repr__(self) -> str:  # never the password, the token or the webhook key
        return f"<CampayGateway {self.base_url} username={self.username!r}>"

    # --- the interface ---
    def collect(self, *, amount: int, phone: str, description: str, external_reference: str) -> Collection:
        data, reference, status = self._move_money("/api/collect/", "from", "collect", amount=amount, phone=phone,
                                                   description=description, external_reference=external_reference)
        collection = Collection(
            reference=reference,
            status=status,
            ussd_code=_text(data.get("ussd_code")),
            operator=_text(data.get("operator")).upper(),
        )
        log.info("Campay collect for %s from %s: %s %s (%s)", external_reference, mask_phone(phone),
                 reference, collection.status, collection.operator or "operator unknown")
        return collection

    def payment_link(self, *, amount: int, description: str, external_reference: str, redirect_url: str,
                     failure_redirect_url: str) -> Collection:
        """A hosted page where the payer pays by card. Its transaction's reference is often known only
        from the callback (which echoes `external_reference`): then the Collection's reference is ""."""
        body = {
            "amount": str(checked_amount(amount)),
            "currency": CURRENCY,
            "description": str(description or ""),
            "external_reference": str(external_reference or ""),
            "redirect_url": redirect_url,
            "failure_redirect_url": failure_redirect_url,
            "payment_options": "CARD",
        }
        data = self._call("POST", "/api/get_payment_link/", body, what="payment link",
                          external_reference=external_reference)
        link = _text(data.get("link")).strip()
        if not link.startswith("https://") and not link.startswith(self.base_url + "/"):
            raise PaymentError("Campay payment link answer has no usable link")
        reference = _text(data.get("reference")).strip()
        log.info("Campay payment link for %s%s", external_reference, f": {reference}" if reference else "")
        return Collection(reference=reference, status=PENDING, approve_url=link)

    def transaction(self, reference: str) -> Transaction:
        reference = _text(reference).strip()
        if not _CAMPAY_REFERENCE.fullmatch(reference):  # Campay's are UUIDs; never a path of our making
            raise PaymentError(f"not a Campay transaction reference: {reference[:40]!r}")
        data = self._call("GET", f"/api/transaction/{quote(reference, safe='')}/", None, what="status check",
                          external_reference=reference)
        try:
            transaction = Transaction(
                reference=_text(data.get("reference") or reference),
                status=_status(data.get("status")),
                amount=_whole_amount(data.get("amount")),
                currency=_text(data.get("currency") or CURRENCY).upper(),
                operator=_text(data.get("operator")).upper(),
                external_reference=_text(data.get("external_reference")),
                code=_text(data.get("code")),
                operator_reference=_text(data.get("operator_reference")),
            )
        except PaymentError as error:
            raise PaymentError(f"Campay status check of {reference}: {error}") from None
        if transaction.reference != reference:
            raise PaymentError(f"Campay answered about another transaction than {reference}")
        return transaction

    def withdraw(self, *, amount: int, phone: str, description: str, external_reference: str) -> Payout:
        _, reference, status = self._move_money("/api/withdraw/", "to", "withdrawal", amount=amount, phone=phone,
                                                description=description, external_reference=external_reference)
        payout = Payout(reference=reference, status=status)
        log.info("Campay withdrawal for %s to %s: %s %s", external_reference, mask_phone(phone), reference,
                 payout.status)
        return payout

    def verify_callback(self, params: Mapping[str, Any]) -> bool:
        """True only if `signature` is a JWT signed (HS256) with our webhook key, not expired, and, for the
        callback fields it carries as claims, agreeing with the parameters."""
        if self._webhook_key is None or not params:
            return False
        reference = ""
        try:
            params = _plain(params)
            reference = _text(params.get("reference"))[:64]
            signature = params.get("signature")
            if not isinstance(signature, str) or not signature.strip():
                return False
            token = jwt.decode(signature.strip(), self._webhook_key, algorithms=["HS256"])
            jwt.JWTClaimsRegistry(leeway=30).validate(token.claims)  # exp, nbf, iat when present
            for field in CALLBACK_FIELDS:
                if field in token.claims and field in params:
                    if _text(token.claims[field]) != _text(params.get(field)):
                        return False
        except Exception:  # malformed, wrongly signed, "alg": "none", expired, odd claims: all forged
            log.warning("Campay callback with an invalid signature (reference %r)", reference)
            return False
        return True

    # --- HTTP ---
    def _move_money(self, path: str, number_field: str, what: str, *, amount: int, phone: str, description: str,
                    external_reference: str) -> tuple[dict[str, Any], str, str]:
        """POST a collect (`number_field` "from") or a withdrawal ("to"); returns the answer, its reference
        and its status. Without a status in the answer the request is in progress (PENDING): confirm
        with transaction(reference)."""
        body = {
            "amount": str(checked_amount(amount)),
            "currency": CURRENCY,
            number_field: campay_number(phone),
            "description": str(description or ""),
            "external_reference": str(external_reference or ""),
        }
        data = self._call("POST", path, body, what=what, external_reference=external_reference)
        reference = _text(data.get("reference")).strip()
        if not reference:
            raise PaymentError(f"Campay {what} answer has no reference")
        return data, reference, _status(data["status"]) if data.get("status") else PENDING

    def _fetch_token(self) -> str:
        url = self.base_url + "/api/token/"
        try:
            response = requests.post(url, json={"username": self.username, "password": self._password},
                                     headers={"Accept": "application/json"}, timeout=self.timeout,
                                     allow_redirects=False)
        except requests.RequestException as error:
            raise PaymentError(f"Campay token request failed: {error.__class__.__name__}") from None
        if response.status_code in (400, 401, 403):
            raise PaymentError(f"Campay refused the application credentials (HTTP {response.status_code})")
        if not 200 <= response.status_code < 300:
            raise PaymentError(f"Campay token request answered HTTP {response.status_code}")
        data = self._json(response, "token request")
        token = data.get("token")
        if not isinstance(token, str) or not token:
            raise PaymentError("Campay token answer has no token")
        expires_in: Any = data.get("expires_in")  # seconds, as a number or a string; None when missing
        try:
            lifetime = float(expires_in)
        except (TypeError, ValueError):
            lifetime = 0.0  # unknown: use it for this call only, then ask again
        margin = min(self.TOKEN_MARGIN, lifetime / 10)
        self._token = token
        self._token_expires = self._clock() + max(0.0, lifetime - margin)
        return token

    def _current_token(self, stale: str | None = None) -> str:
        """The cached token, or a fresh one (only one thread asks Campay at a time)."""
        with self._token_lock:
            if self._token and self._token != stale and self._clock() < self._token_expires:
                return self._token  # still valid, or already replaced by another thread after a 401
            return self._fetch_token()

    def _call(self, method: str, path: str, body: dict[str, str] | None, *, what: str,
              external_reference: str) -> dict[str, Any]:
        token = self._current_token()
        response = self._send(method, path, body, token, what, external_reference)
        if response.status_code == 401:  # the token expired or was revoked early: one new token, one retry
            token = self._current_token(stale=token)
            response = self._send(method, path, body, token, what, external_reference)
        if not 200 <= response.status_code < 300:
            raise PaymentError(self._refusal(response, what))
        data = self._json(response, what)
        if not isinstance(data, dict):
            raise PaymentError(f"Campay {what} returned an unexpected answer")
        return data

    def _send(self, method: str, path: str, body: dict[str, str] | None, token: str, what: str,
              external_reference: str) -> requests.Response:
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        try:
            return requests.request(method, self.base_url + path, json=body, headers=headers,
                                    timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as error:
            log.warning("Campay %s for %s failed: %s", what, external_reference, error.__class__.__name__)
            raise PaymentError(f"Campay {what} failed: {error.__class__.__name__}") from None

    @staticmethod
    def _json(response: requests.Response, what: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise PaymentError(f"Campay {what} returned an answer that is not JSON") from None
        if not isinstance(data, dict):
            raise PaymentError(f"Campay {what} returned an unexpected answer")
        return data

    @staticmethod
    def _refusal(response: requests.Response, what: str) -> str:
        detail = ""
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            code = _text(data.get("error_code")).strip()
            message = _text(data.get("message") or data.get("detail")).strip()
            detail = " ".join(part for part in (code, message) if part)
        # Campay may quote the payer's number back: keep its last digits only.
        detail = _LONG_DIGITS.sub(lambda m: mask_phone(m.group()), detail)[:200]
        suffix = f": {detail}" if detail else ""
        return f"Campay refused the {what} (HTTP {response.status_code}){suffix}"
