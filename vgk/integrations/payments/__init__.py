"""Mobile Money payments behind one small interface. Default: the simulated gateway (one JSON file per
transaction, approved or declined on a local "phone" page). Real: Campay over HTTP.

Services call only `collect`, `transaction`, `withdraw` and `verify_callback` of the gateway that
`vgk.integrations.registry.payments()` returns; amounts are int XAF, phones arrive as E.164 (+2376XXXXXXXX).

The protocol and its types live in `base`, the gateways in `campay` and `simulated`; this module chooses
one from the configuration.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from vgk.integrations.payments.base import (
    CURRENCY,
    FAILED,
    OPERATOR_PREFIXES,
    PENDING,
    STATUSES,
    SUCCESSFUL,
    USSD_CODES,
    Collection,
    Gateway,
    PaymentError,
    Payout,
    Transaction,
    campay_number,
    checked_amount,
    mask_phone,
    operator_for,
)
from vgk.integrations.payments.campay import CALLBACK_FIELDS, DEFAULT_CAMPAY_BASE_URL, CampayGateway
from vgk.integrations.payments.simulated import SimulatedGateway

__all__ = [
    "CALLBACK_FIELDS", "CURRENCY", "DEFAULT_CAMPAY_BASE_URL", "FAILED", "OPERATOR_PREFIXES", "PENDING", "STATUSES",
    "USSD_CODES",
    "SUCCESSFUL", "CampayGateway", "Collection", "Gateway", "PaymentError", "Payout", "SimulatedGateway",
    "Transaction", "campay_number", "checked_amount", "mask_phone", "operator_for", "payments_from_config",
]

log = logging.getLogger(__name__)


# --- the choice --------------------------------------------------------------------------------------

def payments_from_config(config: Mapping[str, Any],
                         simulator_url: Callable[[str], str] | None = None) -> Gateway:
    """Campay when CAMPAY_USERNAME is set, else the simulated gateway (files beside MEDIA_ROOT unless
    SIMULATED_PAYMENTS_DIR says where), whose payer's phone page is at `simulator_url(reference)`: the
    application knows its routes, the gateway does not."""
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
    directory = (config.get("SIMULATED_PAYMENTS_DIR")
                 or Path(config["MEDIA_ROOT"]).resolve().parent / "simulated-payments")
    return SimulatedGateway(directory, config["SECRET_KEY"], simulator_url=simulator_url)
