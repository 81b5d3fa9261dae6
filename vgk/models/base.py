"""Shared column helpers."""
import secrets
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_public_id() -> str:
    """An opaque, URL-safe identifier shown in URLs instead of the integer key."""
    return secrets.token_urlsafe(9)
