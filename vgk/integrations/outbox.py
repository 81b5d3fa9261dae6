"""The outbox the local message adapters write to instead of sending: the application gives them a
keeper (a function storing one message), so the adapters themselves store nothing."""
from typing import Protocol


class Keeper(Protocol):
    """Stores one kept message: channel "SMS" or "EMAIL", the recipient, the text and (emails) the subject."""

    def __call__(self, channel: str, recipient: str, body: str, subject: str = "") -> None: ...
