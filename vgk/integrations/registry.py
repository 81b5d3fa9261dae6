"""The adapters of the running application, each behind its interface. create_app() builds them from the
configuration and installs them on the app; code that needs one asks for it here (`storage()`, `remote_storage()`,
`backup_storage()`, `sms()`, `mail()`, `whatsapp()`, `push()`, `payments()`, `oauth()`, `queue()`, `live()`,
`ai()`) and gets it typed. A test
swaps one by setting its attribute on `adapters_of(app)` (e.g. with monkeypatch.setattr)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from vgk.integrations.ai import Assistant, NoModel
from vgk.integrations.channels import Channel
from vgk.integrations.mail import MailSender
from vgk.integrations.payments.base import Gateway
from vgk.integrations.sms import SmsSender
from vgk.integrations.storage import RemoteStorage, Storage

if TYPE_CHECKING:
    from authlib.integrations.flask_client import OAuth
    from rq import Queue

_EXTENSION = "vgk"
# Publishes one real-time event: (event name, room, data). Socket.IO's emit once it is set up.
Publisher = Callable[[str, str, dict[str, Any]], None]


@dataclass
class Adapters:
    """One implementation of each outside service, chosen by create_app()."""

    storage: Storage
    sms: SmsSender
    mail: MailSender
    payments: Gateway
    oauth: OAuth | None = None  # Google sign-in: None unless GOOGLE_CLIENT_ID is set
    queue: Queue | None = None  # the RQ job queue: None without REDIS_URL (jobs then run inline)
    live: Publisher | None = None  # real-time events to connected browsers and apps (None: nobody listens)
    whatsapp: Channel | None = None  # WhatsApp messages: the Cloud API, or the outbox (create_app sets one)
    push: Channel | None = None  # Web Push: the outbox, or the browsers' push services with VAPID_PRIVATE_KEY
    ai: Assistant | None = None  # the language model: Gemini with GEMINI_API_KEY, else None (the rules answer)
    remote: RemoteStorage | None = None  # where heavy files are moved: Dropbox with STORAGE_BACKEND=dropbox
    backups: Storage | None = None  # where backups go: Dropbox's backups folder, or BACKUP_DIR


def install(app: Flask, adapters: Adapters) -> Adapters:
    """Make `adapters` the ones of `app`."""
    app.extensions[_EXTENSION] = adapters
    return adapters


def adapters_of(app: Flask | None = None) -> Adapters:
    """The adapters installed on `app` (by default the current application)."""
    found = (current_app if app is None else app).extensions.get(_EXTENSION)
    if not isinstance(found, Adapters):
        raise RuntimeError("no adapters are installed on this application (create_app installs them)")
    return found


def storage() -> Storage:
    return adapters_of().storage


def remote_storage() -> RemoteStorage | None:
    return adapters_of().remote


def backup_storage() -> Storage:
    found = adapters_of().backups
    if found is None:
        raise RuntimeError("no backup storage is installed (create_app installs one)")
    return found


def sms() -> SmsSender:
    return adapters_of().sms


def mail() -> MailSender:
    return adapters_of().mail


def whatsapp() -> Channel | None:
    return adapters_of().whatsapp


def ai() -> Assistant:
    return adapters_of().ai or NoModel()


def payments() -> Gateway:
    return adapters_of().payments


def oauth() -> OAuth | None:
    return adapters_of().oauth


def queue() -> Queue | None:
    return adapters_of().queue


def live() -> Publisher | None:
    return adapters_of().live


def push() -> Channel | None:
    return adapters_of().push
