"""The payment gateway interface shared by every gateway: the protocol services call, the answers it
returns (Collection, Transaction, Payout), PaymentError, the transaction statuses, and the rules every
gateway applies to amounts and Cameroonian Mobile Money numbers (the form Campay wants, the operator)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from vgk.integrations.phones import compact_number, mask_phone

PENDING = "PENDING"
SUCCESSFUL = "SUCCESSFUL"
FAILED = "FAILED"
STATUSES = (PENDING, SUCCESSFUL, FAILED)
CURRENCY = "XAF"

_CAMEROON_MOBILE = re.compile(r"\+2376\d{8}")


# --- the interface ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Collection:
    """The gateway's answer to a collect request."""

    reference: str  # the gateway's transaction reference (the key for idempotency)
    status: str  # PENDING | SUCCESSFUL | FAILED
    ussd_code: str = ""  # what the payer may dial to approve (Campay returns one)
    operator: str = ""  # MTN | ORANGE | ""
    approve_url: str = ""  # where the payer goes: the simulated "phone", or a hosted card payment page


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

    def payment_link(self, *, amount: int, description: str, external_reference: str, redirect_url: str,
                     failure_redirect_url: str) -> Collection: ...

    def transaction(self, reference: str) -> Transaction: ...

    def withdraw(self, *, amount: int, phone: str, description: str, external_reference: str) -> Payout: ...

    def verify_callback(self, params: Mapping[str, Any]) -> bool: ...


# --- shared rules ---------------------------------------------------------------------------------

def checked_amount(amount: object) -> int:
    """A positive whole number of XAF, or PaymentError (Campay refuses decimals: ER201)."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(f"amount must be a positive whole number of XAF, not {amount!r}")
    return amount


def campay_number(phone: object) -> str:
    """'+2376XXXXXXXX' (spaces and dashes tolerated) -> '2376XXXXXXXX', the form Campay wants; else PaymentError."""
    number = compact_number(phone)
    if not _CAMEROON_MOBILE.fullmatch(number):
        raise PaymentError(f"number {mask_phone(phone)} is not a Cameroonian mobile number (+2376XXXXXXXX)")
    return number[1:]


# Which Mobile Money operator serves a Cameroonian mobile number, by the first digits after +237: the
# one rule, read by the gateways, the payment service (a method that does not match the number is
# refused) and the checkout page's script (it picks the operator as the buyer types, from these data).
OPERATOR_PREFIXES: dict[str, tuple[str, ...]] = {
    "MTN": ("650", "651", "652", "653", "654", "67", "680", "681", "682", "683"),
    "ORANGE": ("655", "656", "657", "658", "659", "69", "640"),
}
# What a payer may dial to approve a request when the gateway did not say.
USSD_CODES: dict[str, str] = {"MTN": "*126#", "ORANGE": "#150#"}


def operator_for(number: object) -> str:
    """The Mobile Money operator ("MTN" or "ORANGE") of a Cameroonian mobile number, or "" for another
    network (OPERATOR_PREFIXES)."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    if digits.startswith("237"):
        digits = digits[3:]
    for operator, prefixes in OPERATOR_PREFIXES.items():
        if len(digits) == 9 and digits.startswith(prefixes):
            return operator
    return ""


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    """A plain dict of single values from a dict or a request's MultiDict (first value of each key)."""
    if hasattr(params, "to_dict"):
        plain: dict[str, Any] = params.to_dict()
        return plain
    return dict(params.items())

