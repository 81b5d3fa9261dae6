"""Tracked links of the messages in an A/B experiment: the message's link becomes /n/<token>, where the token
(signed with the application's key and a salt of its own, see unsubscribe.py) carries the delivery's id and
the path the link led to. Following it records the delivery's first click (clicked_at, by a conditional
UPDATE, so two clicks count once) and leads to that path: only ever a path on this site, never elsewhere."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import update

from vgk.extensions import db
from vgk.models import NotificationDelivery
from vgk.models.base import utcnow

SALT = "vgk.notifications.click"
HOME = "/"


def _serializer() -> URLSafeSerializer:
    config = current_app.config
    keys: list[Any] = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]  # the last one signs
    return URLSafeSerializer(keys, salt=SALT)


def safe_path(target: object) -> str | None:
    """`target` when it is a path on this site ("/commandes/1"), else None (an outside or odd address)."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target):
        return None
    return target


def make_token(delivery_id: int, target: str) -> str:
    """A URL-safe token standing for (delivery_id, target path)."""
    path = safe_path(target)
    if isinstance(delivery_id, bool) or not isinstance(delivery_id, int) or path is None:
        raise ValueError("a tracked link needs a delivery id and a path on this site")
    return _serializer().dumps([delivery_id, path])


def read_token(token: str) -> tuple[int, str] | None:
    """(delivery_id, path) of a token this application signed, else None (tampered, foreign, malformed)."""
    try:
        value = _serializer().loads(token)
    except (BadData, TypeError, ValueError):
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    delivery_id, target = value
    path = safe_path(target)
    if isinstance(delivery_id, bool) or not isinstance(delivery_id, int) or path is None:
        return None
    return delivery_id, path


def tracked_path(delivery_id: int, target: object) -> str | None:
    """The tracked path ("/n/<token>") standing for `target` in delivery `delivery_id`'s message, None when
    `target` is not a path on this site (left as it is)."""
    path = safe_path(target)
    return f"/n/{make_token(delivery_id, path)}" if path is not None else None


def follow(token: str, at: datetime | None = None) -> str:
    """Record the first click of the token's delivery and answer where to go: its path, the home page for a
    token that is not ours. Commits."""
    found = read_token(token)
    if found is None:
        return HOME
    delivery_id, path = found
    db.session.execute(update(NotificationDelivery)
                       .where(NotificationDelivery.id == delivery_id, NotificationDelivery.clicked_at.is_(None))
                       .values(clicked_at=at or utcnow()))
    db.session.commit()
    return path
