"""Signed one-click unsubscribe links: the token names a person and a category of messages to stop.

Signed with the application's SECRET_KEY (SECRET_KEY_FALLBACKS are accepted too, so rotating the key does
not break links already sent) and a salt of their own, so no other signed value of the application (session,
CSRF token, ...) can pass for one. The tokens never expire: RFC 8058 asks that a link in an old email still
work, and one only ever turns a category of messages off for its person, which that person can turn back on.
Pure functions: the engine puts the link in messages, the route that applies it comes later.
"""
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

SALT = "vgk.notifications.unsubscribe"


def _serializer() -> URLSafeSerializer:
    config = current_app.config
    keys: list[Any] = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]  # the last one signs
    return URLSafeSerializer(keys, salt=SALT)


def make_token(user_id: int, category: str) -> str:
    """A URL-safe token standing for (user_id, category)."""
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not category:
        raise ValueError("an unsubscribe token needs a user id and a category")
    return _serializer().dumps([user_id, category])


def read_token(token: str) -> tuple[int, str] | None:
    """(user_id, category) of a token this application signed, else None (tampered, foreign, malformed)."""
    try:
        value = _serializer().loads(token)
    except (BadData, TypeError, ValueError):
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    user_id, category = value
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not isinstance(category, str) or not category:
        return None
    return user_id, category
