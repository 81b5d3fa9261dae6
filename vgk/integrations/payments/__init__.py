"""Mobile Money payments behind one small interface. Default: the simulated gateway (one JSON file per
transaction, approved or declined on a local "phone" page). Real: Campay over HTTP.

Services call only `collect`, `transaction`, `withdraw` and `verify_callback` of the gateway in
`current_app.extensions["vgk.payments"]`; amounts are int XAF, phones arrive as E.164 (+2376XXXXXXXX).

Campay (base URL = the host root, e.g. https://demo.campay.net; the API lives under /api/):
- `POST /api/token/` {"username", "password"} -> {"token", "expires_in"}; then `Authorization: Token <token>`.
- `POST /api/collect/` {"amount": "<int>", "currency": "XAF", "from": "2376XXXXXXXX", "description",
  "external_reference"} -> {"reference", "ussd_code", "operator"}; the payer approves on the phone.
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

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping, Protocol, runtime_checkable
from urllib.parse import quote

import requests
from joserfc import jwt
from joserfc.jwk import OctKey

try:  # advisory file locks between web processes (POSIX); a thread lock elsewhere
    import fcntl
except ImportError:  # pragma: no cover - Windows development machines
    fcntl = None

log = logging.getLogger(__name__)

PENDING = "PENDING"
SUCCESSFUL = "SUCCESSFUL"
FAILED = "FAILED"
STATUSES = (PENDING, SUCCESSFUL, FAILED)
CURRENCY = "XAF"
DEFAULT_CAMPAY_BASE_URL = "https://demo.campay.net"
SIMULATOR_PATH = "/simulateur/"  # the page that plays the payer's phone: SIMULATOR_PATH + reference

# The fields of a Campay callback besides its signature.
CALLBACK_FIELDS = (
    "status", "reference", "amount", "currency", "operator", "code", "operator_reference",
    "external_reference",
)

_CAMEROON_MOBILE = re.compile(r"\+2376\d{8}")
_SEPARATORS = re.compile(r"[\s\-.()]")
_LONG_DIGITS = re.compile(r"\d{6,}")
_CAMPAY_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


# --- the interface ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Collection:
    """The gateway's answer to a collect request."""

    reference: str  # the gateway's transaction reference (the key for idempotency)
    status: str  # PENDING | SUCCESSFUL | FAILED
    ussd_code: str = ""  # what the payer may dial to approve (Campay returns one)
    operator: str = ""  # MTN | ORANGE | ""
    approve_url: str = ""  # simulated gateway only: the page where the "phone" approves


@dataclass(frozen=True)
class Transaction:
    """The gateway's answer to a status check: the only source of truth for the amount paid."""

    reference: str
    status: str
    amount: int
    currency: str
    operator: str = ""
    external_reference: str = ""
    code: str = ""
    operator_reference: str = ""


@dataclass(frozen=True)
class Payout:
    """The gateway's answer to a withdrawal (money sent to a seller's number)."""

    reference: str
    status: str


class PaymentError(Exception):
    """The gateway refused or could not be reached. The message is safe to log (no secret, no full number)."""


@runtime_checkable
class Gateway(Protocol):
    name: str

    def collect(self, *, amount: int, phone: str, description: str, external_reference: str) -> Collection: ...

    def transaction(self, reference: str) -> Transaction: ...

    def withdraw(self, *, amount: int, phone: str, description: str, external_reference: str) -> Payout: ...

    def verify_callback(self, params: Mapping) -> bool: ...


# --- shared rules ---------------------------------------------------------------------------------

def mask_phone(number):
    """'+237690000001' -> '***001': enough to tell payers apart in logs, not enough to call them."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    return "***" + digits[-3:] if digits else "***"


def checked_amount(amount):
    """A positive whole number of XAF, or PaymentError (Campay refuses decimals: ER201)."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(f"amount must be a positive whole number of XAF, not {amount!r}")
    return amount


def campay_number(phone):
    """'+2376XXXXXXXX' (spaces and dashes tolerated) -> '2376XXXXXXXX', the form Campay wants; else PaymentError."""
    number = _SEPARATORS.sub("", str(phone or ""))
    if not _CAMEROON_MOBILE.fullmatch(number):
        raise PaymentError(f"number {mask_phone(phone)} is not a Cameroonian mobile number (+2376XXXXXXXX)")
    return number[1:]


def operator_for(number):
    """The Mobile Money operator of a Cameroonian mobile number (MTN: 67x, 68x, 650-654; Orange: 69x,
    655-659), or "" for another network."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    if digits.startswith("237"):
        digits = digits[3:]
    prefix = digits[:3]
    if prefix[:2] in ("67", "68") or prefix in ("650", "651", "652", "653", "654"):
        return "MTN"
    if prefix[:2] == "69" or prefix in ("655", "656", "657", "658", "659"):
        return "ORANGE"
    return ""


def _status(value):
    status = str(value or "").strip().upper()
    if status not in STATUSES:
        raise PaymentError(f"unexpected transaction status {str(value)[:20]!r}")
    return status


def _whole_amount(value):
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


def _text(value):
    return "" if value is None else str(value)


def _plain(params):
    """A plain dict of single values from a dict or a request's MultiDict (first value of each key)."""
    if hasattr(params, "to_dict"):
        return params.to_dict()
    return dict(params.items())


# --- Campay -----------------------------------------------------------------------------------------

class CampayGateway:
    """Campay's REST API with a temporary token (username/password of the Campay application)."""

    name = "campay"
    # A token is reused until this many seconds before it expires (at most a tenth of its life).
    TOKEN_MARGIN = 60

    def __init__(self, base_url, username, password, webhook_key, timeout=15, clock=time.monotonic):
        self.base_url = (base_url or DEFAULT_CAMPAY_BASE_URL).rstrip("/")
        self.username = username
        self._password = password or ""
        self._webhook_key = OctKey.import_key(webhook_key) if webhook_key else None
        self.timeout = timeout  # seconds, or (connect, read)
        self._clock = clock
        self._token = None
        self._token_expires = 0.0
        self._token_lock = threading.Lock()

    def __repr__(self):  # never the password, the token or the webhook key
        return f"<CampayGateway {self.base_url} username={self.username!r}>"

    # --- the interface ---
    def collect(self, *, amount, phone, description, external_reference):
        body = {
            "amount": str(checked_amount(amount)),
            "currency": CURRENCY,
            "from": campay_number(phone),
            "description": str(description or ""),
            "external_reference": str(external_reference or ""),
        }
        data = self._call("POST", "/api/collect/", body, what="collect", external_reference=external_reference)
        reference = _text(data.get("reference")).strip()
        if not reference:
            raise PaymentError("Campay collect answer has no reference")
        status = _status(data["status"]) if data.get("status") else PENDING
        collection = Collection(
            reference=reference,
            status=status,
            ussd_code=_text(data.get("ussd_code")),
            operator=_text(data.get("operator")).upper(),
        )
        log.info("Campay collect for %s from %s: %s %s (%s)", external_reference, mask_phone(phone),
                 reference, collection.status, collection.operator or "operator unknown")
        return collection

    def transaction(self, reference):
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

    def withdraw(self, *, amount, phone, description, external_reference):
        body = {
            "amount": str(checked_amount(amount)),
            "currency": CURRENCY,
            "to": campay_number(phone),
            "description": str(description or ""),
            "external_reference": str(external_reference or ""),
        }
        data = self._call("POST", "/api/withdraw/", body, what="withdrawal", external_reference=external_reference)
        reference = _text(data.get("reference")).strip()
        if not reference:
            raise PaymentError("Campay withdrawal answer has no reference")
        # Without a status in the answer the payout is in progress: confirm with transaction(reference).
        payout = Payout(reference=reference, status=_status(data["status"]) if data.get("status") else PENDING)
        log.info("Campay withdrawal for %s to %s: %s %s", external_reference, mask_phone(phone), reference,
                 payout.status)
        return payout

    def verify_callback(self, params):
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
    def _fetch_token(self):
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
        try:
            lifetime = float(data.get("expires_in"))
        except (TypeError, ValueError):
            lifetime = 0.0  # unknown: use it for this call only, then ask again
        margin = min(self.TOKEN_MARGIN, lifetime / 10)
        self._token = token
        self._token_expires = self._clock() + max(0.0, lifetime - margin)
        return token

    def _current_token(self, stale=None):
        """The cached token, or a fresh one (only one thread asks Campay at a time)."""
        with self._token_lock:
            if self._token and self._token != stale and self._clock() < self._token_expires:
                return self._token  # still valid, or already replaced by another thread after a 401
            return self._fetch_token()

    def _call(self, method, path, body, *, what, external_reference):
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

    def _send(self, method, path, body, token, what, external_reference):
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        try:
            return requests.request(method, self.base_url + path, json=body, headers=headers,
                                    timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as error:
            log.warning("Campay %s for %s failed: %s", what, external_reference, error.__class__.__name__)
            raise PaymentError(f"Campay {what} failed: {error.__class__.__name__}") from None

    @staticmethod
    def _json(response, what):
        try:
            data = response.json()
        except ValueError:
            raise PaymentError(f"Campay {what} returned an answer that is not JSON") from None
        if not isinstance(data, dict):
            raise PaymentError(f"Campay {what} returned an unexpected answer")
        return data

    @staticmethod
    def _refusal(response, what):
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


# --- the simulated gateway ----------------------------------------------------------------------

_SIM_REFERENCE = re.compile(r"SIM-[A-Za-z0-9_-]{16,48}")


class SimulatedGateway:
    """Campay's behaviour without Campay: a collect waits (PENDING) until the simulator page calls
    `approve` or `decline`; withdrawals succeed at once. State is one JSON file per transaction in
    `directory` (written atomically), so every web process sees the same transactions. Callbacks are
    signed with HMAC-SHA256 (a key derived from SECRET_KEY) so the simulator can post one to our webhook
    through the same code path as Campay's."""

    name = "simulated"

    def __init__(self, directory, secret_key):
        if not secret_key:
            raise ValueError("the simulated gateway needs a secret key to sign its callbacks")
        self.directory = Path(directory)
        self._key = hmac.new(str(secret_key).encode(), b"vgk.simulated-payments.callback",
                             hashlib.sha256).digest()
        self._thread_lock = threading.Lock()

    def __repr__(self):
        return f"<SimulatedGateway {self.directory}>"

    # --- the interface ---
    def collect(self, *, amount, phone, description, external_reference):
        number = campay_number(phone)
        record = self._new_record("COLLECT", checked_amount(amount), number, description, external_reference)
        record["status"] = PENDING
        record["ussd_code"] = "*126#" if record["operator"] == "MTN" else "#150*50#"
        self._write(record)
        log.info("Simulated collect for %s from %s: %s PENDING", external_reference, mask_phone(phone),
                 record["reference"])
        return Collection(
            reference=record["reference"],
            status=PENDING,
            ussd_code=record["ussd_code"],
            operator=record["operator"],
            approve_url=SIMULATOR_PATH + record["reference"],
        )

    def transaction(self, reference):
        return self._transaction(self._read(reference))

    def withdraw(self, *, amount, phone, description, external_reference):
        number = campay_number(phone)
        record = self._new_record("WITHDRAW", checked_amount(amount), number, description, external_reference)
        self._settle_record(record, SUCCESSFUL)
        self._write(record)
        log.info("Simulated withdrawal for %s to %s: %s SUCCESSFUL", external_reference, mask_phone(phone),
                 record["reference"])
        return Payout(reference=record["reference"], status=SUCCESSFUL)

    def verify_callback(self, params):
        if not params:
            return False
        try:
            params = _plain(params)
            signature = params.get("signature")
            if not isinstance(signature, str) or not signature:
                return False
            return hmac.compare_digest(signature, self._signature(params))
        except Exception:
            return False

    # --- for the simulator page ---
    def approve(self, reference):
        """The payer accepted on the "phone": PENDING -> SUCCESSFUL; any other change is refused."""
        return self._move(reference, SUCCESSFUL)

    def decline(self, reference):
        """The payer refused (or let it time out): PENDING -> FAILED; any other change is refused."""
        return self._move(reference, FAILED)

    def details(self, reference):
        """What the simulator page shows: the transaction plus its description, number and kind."""
        record = self._read(reference)
        return {key: record.get(key, "") for key in
                ("reference", "kind", "status", "amount", "currency", "operator", "phone", "description",
                 "external_reference", "ussd_code", "created_at", "updated_at")}

    def sign_callback(self, params):
        """`params` plus the `signature` our webhook expects (HMAC-SHA256 over the other params, sorted)."""
        signed = {key: _text(value) for key, value in _plain(params).items() if key != "signature"}
        signed["signature"] = self._signature(signed)
        return signed

    def callback_for(self, reference):
        """The signed callback Campay would send for this transaction (fields as strings, as in a form)."""
        transaction = self.transaction(reference)
        return self.sign_callback({
            "status": transaction.status,
            "reference": transaction.reference,
            "amount": transaction.amount,
            "currency": transaction.currency,
            "operator": transaction.operator,
            "code": transaction.code,
            "operator_reference": transaction.operator_reference,
            "external_reference": transaction.external_reference,
        })

    # --- storage ---
    def _signature(self, params):
        canonical = json.dumps(
            {str(key): _text(value) for key, value in _plain(params).items() if key != "signature"},
            sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        )
        return hmac.new(self._key, canonical.encode(), hashlib.sha256).hexdigest()

    def _new_record(self, kind, amount, number, description, external_reference):
        operator = operator_for(number)
        if not operator:  # as Campay's ER102: Mobile Money is MTN or Orange only
            raise PaymentError(f"number {mask_phone(number)} is on neither MTN nor Orange (unsupported carrier)")
        now = _now()
        return {
            "reference": "SIM-" + secrets.token_urlsafe(16),
            "kind": kind,
            "status": PENDING,
            "amount": amount,
            "currency": CURRENCY,
            "operator": operator,
            "phone": "+" + number,
            "description": str(description or ""),
            "external_reference": str(external_reference or ""),
            "ussd_code": "",
            "code": "",
            "operator_reference": "",
            "created_at": now,
            "updated_at": now,
        }

    @staticmethod
    def _settle_record(record, status):
        record["status"] = status
        record["updated_at"] = _now()
        if status == SUCCESSFUL:
            record["code"] = "SIM" + datetime.now(timezone.utc).strftime("%y%m%d") + secrets.token_hex(3).upper()
            record["operator_reference"] = str(secrets.randbelow(9 * 10**9) + 10**9)

    def _move(self, reference, status):
        with self._locked():
            record = self._read(reference)
            if record["status"] != PENDING:
                raise PaymentError(f"simulated transaction {record['reference']} is already {record['status']}")
            self._settle_record(record, status)
            self._write(record)
        log.info("Simulated transaction %s for %s: %s", record["reference"], record["external_reference"], status)
        return self._transaction(record)

    def _path(self, reference):
        reference = _text(reference)
        if not _SIM_REFERENCE.fullmatch(reference):
            raise PaymentError("unknown simulated transaction")
        return self.directory / f"{reference}.json"

    def _read(self, reference):
        path = self._path(reference)
        try:
            with open(path, encoding="utf-8") as handle:
                record = json.load(handle)
        except FileNotFoundError:
            raise PaymentError(f"unknown simulated transaction {reference}") from None
        except (OSError, ValueError) as error:
            raise PaymentError(f"simulated transaction {reference} cannot be read: "
                               f"{error.__class__.__name__}") from None
        if not isinstance(record, dict) or record.get("reference") != reference:
            raise PaymentError(f"simulated transaction {reference} is damaged")
        return record

    def _write(self, record):
        path = self._path(record["reference"])
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(record, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    def _locked(self):
        return _DirectoryLock(self.directory, self._thread_lock)

    @staticmethod
    def _transaction(record):
        return Transaction(
            reference=record["reference"],
            status=record["status"],
            amount=int(record["amount"]),
            currency=record.get("currency", CURRENCY),
            operator=record.get("operator", ""),
            external_reference=record.get("external_reference", ""),
            code=record.get("code", ""),
            operator_reference=record.get("operator_reference", ""),
        )


class _DirectoryLock:
    """One settlement at a time across threads and processes (an flock on `.lock` in the directory), so
    an approve and a decline racing from two web processes cannot both win."""

    def __init__(self, directory, thread_lock):
        self.directory = directory
        self.thread_lock = thread_lock
        self.handle = None

    def __enter__(self):
        self.thread_lock.acquire()
        try:
            if fcntl is not None:
                self.directory.mkdir(parents=True, exist_ok=True)
                self.handle = open(self.directory / ".lock", "a")
                fcntl.flock(self.handle, fcntl.LOCK_EX)
        except BaseException:
            self.thread_lock.release()
            raise
        return self

    def __exit__(self, *exc):
        try:
            if self.handle is not None:
                fcntl.flock(self.handle, fcntl.LOCK_UN)
                self.handle.close()
                self.handle = None
        finally:
            self.thread_lock.release()


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- the choice --------------------------------------------------------------------------------------

def payments_from_config(config):
    """Campay when CAMPAY_USERNAME is set, else the simulated gateway (files beside MEDIA_ROOT unless
    SIMULATED_PAYMENTS_DIR says where)."""
    if config.get("CAMPAY_USERNAME"):
        if not config.get("CAMPAY_WEBHOOK_KEY"):
            log.warning("CAMPAY_WEBHOOK_KEY is not set: every Campay callback will be refused as forged")
        if not config.get("CAMPAY_PASSWORD"):
            log.warning("CAMPAY_PASSWORD is not set: Campay will refuse the token request")
        return CampayGateway(
            config.get("CAMPAY_BASE_URL") or DEFAULT_CAMPAY_BASE_URL,
            config["CAMPAY_USERNAME"],
            config.get("CAMPAY_PASSWORD"),
            config.get("CAMPAY_WEBHOOK_KEY"),
            timeout=config.get("CAMPAY_TIMEOUT") or 15,
        )
    directory = config.get("SIMULATED_PAYMENTS_DIR") or Path(config["MEDIA_ROOT"]).resolve().parent / "simulated-payments"
    return SimulatedGateway(directory, config["SECRET_KEY"])
