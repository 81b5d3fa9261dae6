"""Shared column helpers."""
import secrets
from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_public_id():
    """An opaque, URL-safe identifier shown in URLs instead of the integer key."""
    return secrets.token_urlsafe(9)
