"""Shared column helpers."""
import base64
import secrets
from datetime import UTC, datetime

PUBLIC_ID_BYTES = 9  # 12 URL-safe characters, no padding


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def public_id_from(raw: bytes) -> str:
    """The URL-safe text of `raw` (a multiple of 3 bytes), never starting with "-" or "_".

    The first character carries the top six bits of the first byte; "-" and "_" are the last two of the
    64 (values 62 and 63). Clearing the top bit keeps the first character among A–Z and a–f: an id never
    looks like a command-line option or a spreadsheet formula (the CSV guard would quote it) and 71 random
    bits remain."""
    first, rest = raw[:1], raw[1:]
    return base64.urlsafe_b64encode(bytes([first[0] & 0x7F]) + rest).decode("ascii")


def new_public_id() -> str:
    """An opaque, URL-safe identifier shown in URLs instead of the integer key."""
    return public_id_from(secrets.token_bytes(PUBLIC_ID_BYTES))
