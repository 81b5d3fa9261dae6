"""Where a person is reached on each channel: their phone for SMS (and WhatsApp once its adapter is set up),
their email, and their newest push subscription (vgk.services.accounts.push_subscriptions).

Hooks: `register_book(channel, find)` gives the engine a way to find a user's address on a channel
(`find(user) -> str | None`, e.g. the newest push subscription as JSON); `register_forget(channel, forget)`
is called with an address the provider says is gone (push 404/410), so its owner deletes it."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from vgk.integrations import registry
from vgk.integrations.mail import mask_email
from vgk.integrations.phones import mask_phone
from vgk.models import User
from vgk.services.accounts import push_subscriptions
from vgk.services.notifications.events import EMAIL, PUSH, SMS, WHATSAPP


@dataclass(frozen=True)
class Guest:
    """Someone without an account (a guest buyer): reached by the phone or email they gave."""

    phone: str | None = None
    email: str | None = None
    language: str = "fr"


Recipient = User | Guest

_BOOKS: dict[str, Callable[[User], str | None]] = {}
_FORGET: dict[str, Callable[[str], None]] = {}


def register_book(channel: str, find: Callable[[User], str | None]) -> None:
    _BOOKS[channel] = find


def register_forget(channel: str, forget: Callable[[str], None]) -> None:
    _FORGET[channel] = forget


def forget(channel: str, address: str) -> None:
    """The provider said this address no longer exists: tell the channel's owner, if it listens."""
    hook = _FORGET.get(channel)
    if hook is not None:
        hook(address)
    elif channel == PUSH:
        try:
            endpoint = json.loads(address).get("endpoint")
        except (ValueError, AttributeError):
            return
        if isinstance(endpoint, str):
            push_subscriptions.forget(endpoint)


def adapter_for(channel: str) -> object | None:
    """The channel's adapter (with `deliver(Outgoing) -> Sent`), None when the application has none."""
    if channel == SMS:
        return registry.sms()
    if channel == EMAIL:
        return registry.mail()
    return getattr(registry.adapters_of(), channel, None)


def address(recipient: Recipient, channel: str) -> str | None:
    """The recipient's address on the channel, None when they have none there (the channel is "missing")."""
    if channel in _BOOKS and isinstance(recipient, User):
        return _BOOKS[channel](recipient)
    if channel == SMS:
        return recipient.phone or None
    if channel == EMAIL:
        return recipient.email or None
    if channel == WHATSAPP and adapter_for(WHATSAPP) is not None:
        return recipient.phone or None
    if channel == PUSH and isinstance(recipient, User):
        newest = push_subscriptions.subscriptions_of(recipient.id)[:1]
        return push_subscriptions.address(newest[0]) if newest else None
    return None


def masked(channel: str, found: str) -> str:
    """An address as any page or log shows it: '***123', 'a***@example.cm', or just "push"."""
    if not found:
        return ""
    if channel in (SMS, WHATSAPP):
        return mask_phone(found)
    if channel == EMAIL:
        return mask_email(found)
    return channel


def recipient_key(recipient: Recipient) -> str | None:
    """Who limits and dedup keys count for: "user:<id>", or a guest's phone (else email)."""
    if isinstance(recipient, User):
        return f"user:{recipient.id}"
    return recipient.phone or recipient.email or None


def language(recipient: Recipient) -> str:
    found = recipient.locale if isinstance(recipient, User) else recipient.language
    return found if found in ("fr", "en") else "fr"
