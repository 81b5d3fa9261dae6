"""What every notification channel adapter speaks: one message out, a receipt back, or an error that says
whether trying again (later, or through the next channel) makes sense.

The notification engine (vgk.services.notifications) is the only caller. Each channel module
(vgk.integrations.sms, mail, whatsapp, push) offers an adapter with `name` and `deliver(Outgoing) -> Sent`,
a local default that keeps the message in the outbox, and a real adapter for its provider.
"""
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """One message to one address, already written in the recipient's language."""

    to: str                      # SMS/WhatsApp: +2376XXXXXXXX; email: an address; push: the subscription's JSON
    text: str                    # the plain text: the SMS, WhatsApp free text, push body, email text part
    subject: str = ""            # email subject, push title
    html: str = ""               # email HTML part ("" for text only)
    link: str = ""               # absolute URL the message opens (push click, email button)
    language: str = "fr"         # "fr" or "en"
    unsubscribe_url: str = ""    # signed one-click unsubscribe link (email List-Unsubscribe), "" for none
    template: str = ""           # WhatsApp: approved template name, used outside the 24-hour window
    template_params: tuple[str, ...] = ()  # WhatsApp template body parameters, in order
    window_open: bool = False    # WhatsApp: the person wrote to us in the last 24 hours (free text allowed)
    tag: str = ""                # push: messages with the same tag replace each other on the device
    headers: dict[str, str] = field(default_factory=dict)  # extra provider headers (email), rarely needed


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message: its reference (to match delivery callbacks) and what it cost."""

    reference: str
    cost_xaf: int = 0


class ChannelError(Exception):
    """The provider did not take the message. `retryable`: a later try may work (timeout, 429, 5xx); else
    the engine moves to the next channel at once (a bad number, a push subscription that is gone). The
    message text never appears in this error."""

    def __init__(self, reason: str, *, retryable: bool = False, gone: bool = False) -> None:
        super().__init__(reason)
        self.retryable = retryable
        self.gone = gone  # the address no longer exists (push 404/410): forget it


class Channel(Protocol):
    name: str

    def deliver(self, message: Outgoing) -> Sent: ...


@dataclass(frozen=True)
class StatusUpdate:
    """What a provider's delivery callback says about one message it took earlier."""

    reference: str               # the Sent.reference it answered
    status: str                  # "delivered", "read" or "failed"
    reason: str = ""             # the provider's failure reason, when failed
    cost_xaf: int | None = None  # the final cost, when the callback carries one
