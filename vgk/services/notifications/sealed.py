"""Secrets in messages (a one-time code, a handover code): the delivery log keeps them sealed, never in
clear, and only until the message has left.

An event names its secret parameters (`Event.secret`); `notify` seals their values together (Fernet:
AES-128-CBC with HMAC-SHA256, keyed from SECRET_KEY) in the row's context under SEALED. The job opens them
to write the message; once the message is sent, or has failed on its last channel, `wipe` drops them. A
sealed value older than MAX_AGE cannot be opened any more (the message is then written without it)."""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

SEALED = "__sealed__"
MAX_AGE = 24 * 3600  # seconds


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"vgk notification secrets\0" + secret).digest()))


def seal(values: Mapping[str, object]) -> str:
    return _fernet().encrypt(json.dumps({str(k): str(v) for k, v in values.items()}).encode()).decode()


def opened(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context with its sealed values in clear (for writing the message only: never store this)."""
    token = context.get(SEALED)
    plain = {name: value for name, value in context.items() if name != SEALED}
    if not isinstance(token, str):
        return plain
    try:
        secrets = json.loads(_fernet().decrypt(token.encode(), ttl=MAX_AGE))
    except (InvalidToken, ValueError):
        return plain
    return {**plain, **secrets} if isinstance(secrets, dict) else plain


def wipe(context_json: str) -> str:
    """The stored context without its sealed values."""
    try:
        context = json.loads(context_json or "{}")
    except ValueError:
        return "{}"
    if isinstance(context, dict):
        context.pop(SEALED, None)
    return json.dumps(context, ensure_ascii=False)
