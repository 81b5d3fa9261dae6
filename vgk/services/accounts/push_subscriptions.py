"""The browsers and phones where a person allowed notifications (Web Push subscriptions).

A browser's `PushManager.subscribe()` gives `{"endpoint": <its push service URL>, "keys": {"p256dh", "auth"}}`;
the page (or the app) hands it over as is. The same endpoint subscribed again belongs to whoever subscribed
last (one browser, one signed-in person); a person keeps at most MAX_PER_PERSON, the oldest going first.
"""
import base64
import binascii
import json
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import User
from vgk.models.base import utcnow
from vgk.models.push import PushSubscription

MAX_PER_PERSON = 10
MAX_ENDPOINT = 1000
P256DH_BYTES = 65  # an uncompressed P-256 point
AUTH_BYTES = 16


def _key(value: object, size: int) -> str:
    """A base64url key of exactly `size` bytes (padding optional), as given; else ValueError."""
    if not isinstance(value, str) or not value or len(value) > 4 * size:
        raise ValueError
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValueError from None
    if len(raw) != size or (size == P256DH_BYTES and raw[0] != 4):
        raise ValueError
    return value.rstrip("=")


def _endpoint(value: object) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_ENDPOINT:
        raise Invalid(_l("Cet abonnement aux notifications n'a pas d'adresse valable."))
    parts = urlsplit(value)
    local_test = current_app.config.get("TESTING") and parts.scheme == "http" and parts.hostname == "127.0.0.1"
    if not parts.hostname or (parts.scheme != "https" and not local_test):
        raise Invalid(_l("Cet abonnement aux notifications n'a pas d'adresse valable."))
    return value


def clean(data: object) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) of a subscription as a browser gives it, or Invalid."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        raise Invalid(_l("Abonnement aux notifications illisible."))
    endpoint = _endpoint(data.get("endpoint"))
    keys = data.get("keys")
    try:
        if not isinstance(keys, dict):
            raise ValueError
        return endpoint, _key(keys.get("p256dh"), P256DH_BYTES), _key(keys.get("auth"), AUTH_BYTES)
    except ValueError:
        raise Invalid(_l("Les clés de cet abonnement aux notifications ne sont pas valables.")) from None


def subscribe(user: User, data: object, *, user_agent: str = "", now: datetime | None = None) -> PushSubscription:
    """Keep (or move to `user`) the subscription `data`; the person's oldest go beyond MAX_PER_PERSON."""
    endpoint, p256dh, auth = clean(data)
    now = now or utcnow()
    found = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if found is None:
        found = PushSubscription(endpoint=endpoint, created_at=now)
    found.user_id, found.p256dh, found.auth = user.id, p256dh, auth
    found.user_agent = (user_agent or "")[:200]
    found.last_used_at = now
    db.session.add(found)
    db.session.flush()
    kept = subscriptions_of(user.id)
    for extra in kept[MAX_PER_PERSON:]:
        db.session.delete(extra)
    db.session.commit()
    return found


def unsubscribe(user: User, endpoint: object) -> bool:
    """Forget this person's subscription at `endpoint`; False when they had none there."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT:
        return False
    done = db.session.execute(delete(PushSubscription).where(
        PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint))
    db.session.commit()
    return bool(getattr(done, "rowcount", 0))


def forget(endpoint: str) -> bool:
    """The push service said this subscription is gone (404/410): whoever it belonged to, drop it."""
    done = db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint == endpoint))
    db.session.commit()
    return bool(getattr(done, "rowcount", 0))


def subscriptions_of(user_id: int) -> list[PushSubscription]:
    """The person's subscriptions, the most recently used first."""
    return list(db.session.scalars(
        select(PushSubscription).where(PushSubscription.user_id == user_id)
        .order_by(PushSubscription.last_used_at.desc(), PushSubscription.id.desc())))


def address(subscription: PushSubscription) -> str:
    """The subscription as a push channel's Outgoing.to: the JSON a browser gave."""
    return json.dumps({"endpoint": subscription.endpoint,
                       "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}})


def mark_used(endpoint: str, now: datetime | None = None) -> None:
    """A message went to this subscription."""
    found = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if found is not None:
        found.last_used_at = now or utcnow()
        db.session.commit()
