"""The simulated gateway: Campay's behaviour without Campay, one JSON file per transaction, approved or
declined on a local "phone" page; the default when Campay is not configured. The address of that page
is given by the application (`simulator_url`): the gateway knows no web route."""
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
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from vgk.integrations.payments.base import (
    CURRENCY,
    FAILED,
    PENDING,
    SUCCESSFUL,
    USSD_CODES,
    Collection,
    PaymentError,
    Payout,
    Transaction,
    _plain,
    _text,
    campay_number,
    checked_amount,
    mask_phone,
    operator_for,
)

try:  # advisory file locks between web processes (POSIX); a thread lock elsewhere
    import fcntl
except ImportError:  # pragma: no cover - Windows development machines
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


# --- the simulated gateway ----------------------------------------------------------------------

_SIM_REFERENCE = re.compile(r"SIM-[A-Za-z0-9_-]{16,48}")


class SimulatedGateway:
    """Campay's behaviour without Campay: a collect waits (PENDING) until the simulator page calls
    `approve` or `decline`; withdrawals succeed at once. State is one JSON file per transaction in
    `directory` (written atomically), so every web process sees the same transactions. Callbacks are
    signed with HMAC-SHA256 (a key derived from SECRET_KEY) so the simulator can post one to our webhook
    through the same code path as Campay's. `simulator_url(reference)` is the address of the page that
    plays the payer's phone, given by the application; without it a collection has no approve_url."""

    name = "simulated"

    def __init__(self, directory: str | os.PathLike[str], secret_key: str,
                 simulator_url: Callable[[str], str] | None = None) -> None:
        if not secret_key:
            raise ValueError("the simulated gateway needs a secret key to sign its callbacks")
        self.directory = Path(directory)
        self._simulator_url = simulator_url
        self._key = hmac.new(str(secret_key).encode(), b"vgk.simulated-payments.callback",
                             hashlib.sha256).digest()
        self._thread_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<SimulatedGateway {self.directory}>"

    # --- the interface ---
    def collect(self, *, amount: int, phone: str, description: str, external_reference: str) -> Collection:
        number = campay_number(phone)
        record = self._new_record("COLLECT", checked_amount(amount), number, description, external_reference)
        record["status"] = PENDING
        record["ussd_code"] = USSD_CODES.get(record["operator"], "")
        self._write(record)
        log.info("Simulated collect for %s from %s: %s PENDING", external_reference, mask_phone(phone),
                 record["reference"])
        return Collection(
            reference=record["reference"],
            status=PENDING,
            ussd_code=record["ussd_code"],
            operator=record["operator"],
            approve_url=self._simulator_url(record["reference"]) if self._simulator_url else "",
        )

    def payment_link(self, *, amount: int, description: str, external_reference: str, redirect_url: str,
                     failure_redirect_url: str) -> Collection:
        """A simulated card payment page (the simulator page, in its card form): PENDING until it is paid
        or declined there; the payer is then sent to `redirect_url` or `failure_redirect_url`."""
        now = _now()
        record: dict[str, Any] = {
            "reference": "SIM-" + secrets.token_urlsafe(16), "kind": "CARD", "status": PENDING,
            "amount": checked_amount(amount), "currency": CURRENCY, "operator": "CARD", "phone": "",
            "description": str(description or ""), "external_reference": str(external_reference or ""),
            "ussd_code": "", "code": "", "operator_reference": "", "created_at": now, "updated_at": now,
            "redirect_url": str(redirect_url or ""), "failure_redirect_url": str(failure_redirect_url or ""),
        }
        self._write(record)
        log.info("Simulated card payment page for %s: %s PENDING", external_reference, record["reference"])
        return Collection(reference=record["reference"], status=PENDING, operator="CARD",
                          approve_url=self._simulator_url(record["reference"]) if self._simulator_url else "")

    def transaction(self, reference: str) -> Transaction:
        return self._transaction(self._read(reference))

    def withdraw(self, *, amount: int, phone: str, description: str, external_reference: str) -> Payout:
        number = campay_number(phone)
        record = self._new_record("WITHDRAW", checked_amount(amount), number, description, external_reference)
        self._settle_record(record, SUCCESSFUL)
        self._write(record)
        log.info("Simulated withdrawal for %s to %s: %s SUCCESSFUL", external_reference, mask_phone(phone),
                 record["reference"])
        return Payout(reference=record["reference"], status=SUCCESSFUL)

    def verify_callback(self, params: Mapping[str, Any]) -> bool:
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
    def approve(self, reference: str) -> Transaction:
        """The payer accepted on the "phone": PENDING -> SUCCESSFUL; any other change is refused."""
        return self._move(reference, SUCCESSFUL)

    def decline(self, reference: str) -> Transaction:
        """The payer refused (or let it time out): PENDING -> FAILED; any other change is refused."""
        return self._move(reference, FAILED)

    def details(self, reference: str) -> dict[str, Any]:
        """What the simulator page shows: the transaction plus its description, number and kind."""
        record = self._read(reference)
        return {key: record.get(key, "") for key in
                ("reference", "kind", "status", "amount", "currency", "operator", "phone", "description",
                 "external_reference", "ussd_code", "created_at", "updated_at", "redirect_url",
                 "failure_redirect_url")}

    def sign_callback(self, params: Mapping[str, Any]) -> dict[str, str]:
        """`params` plus the `signature` our webhook expects (HMAC-SHA256 over the other params, sorted)."""
        signed = {key: _text(value) for key, value in _plain(params).items() if key != "signature"}
        signed["signature"] = self._signature(signed)
        return signed

    def callback_for(self, reference: str) -> dict[str, str]:
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
    def _signature(self, params: Mapping[str, Any]) -> str:
        canonical = json.dumps(
            {str(key): _text(value) for key, value in _plain(params).items() if key != "signature"},
            sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        )
        return hmac.new(self._key, canonical.encode(), hashlib.sha256).hexdigest()

    def _new_record(self, kind: str, amount: int, number: str, description: str,
                    external_reference: str) -> dict[str, Any]:
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
    def _settle_record(record: dict[str, Any], status: str) -> None:
        record["status"] = status
        record["updated_at"] = _now()
        if status == SUCCESSFUL:
            record["code"] = "SIM" + datetime.now(UTC).strftime("%y%m%d") + secrets.token_hex(3).upper()
            record["operator_reference"] = str(secrets.randbelow(9 * 10**9) + 10**9)

    def _move(self, reference: str, status: str) -> Transaction:
        with self._locked():
            record = self._read(reference)
            if record["status"] != PENDING:
                raise PaymentError(f"simulated transaction {record['reference']} is already {record['status']}")
            self._settle_record(record, status)
            self._write(record)
        log.info("Simulated transaction %s for %s: %s", record["reference"], record["external_reference"], status)
        return self._transaction(record)

    def _path(self, reference: object) -> Path:
        reference = _text(reference)
        if not _SIM_REFERENCE.fullmatch(reference):
            raise PaymentError("unknown simulated transaction")
        return self.directory / f"{reference}.json"

    def _read(self, reference: str) -> dict[str, Any]:
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

    def _write(self, record: dict[str, Any]) -> None:
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

    def _locked(self) -> _DirectoryLock:
        return _DirectoryLock(self.directory, self._thread_lock)

    @staticmethod
    def _transaction(record: dict[str, Any]) -> Transaction:
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

    def __init__(self, directory: Path, thread_lock: threading.Lock) -> None:
        self.directory = directory
        self.thread_lock = thread_lock
        self.handle: IO[str] | None = None

    def __enter__(self) -> _DirectoryLock:
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

    def __exit__(self, *exc: object) -> None:
        try:
            if self.handle is not None:
                fcntl.flock(self.handle, fcntl.LOCK_UN)
                self.handle.close()
                self.handle = None
        finally:
            self.thread_lock.release()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
