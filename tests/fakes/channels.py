"""A notification channel that keeps what it is given, and can be told to refuse the next messages."""
from vgk.integrations.channels import Sent


class FakeChannel:
    def __init__(self, name):
        self.name = name
        self.sent = []
        self.errors = []  # raised, in order, by the next deliveries

    def deliver(self, message):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(message)
        return Sent(reference=f"{self.name}-{len(self.sent)}", cost_xaf=25 if self.name in ("sms", "whatsapp") else 0)


def install_channels(app, monkeypatch, *names):
    """Fake adapters for the named channels (sms, email, whatsapp, push) on `app`; returns them by name."""
    from vgk.integrations.registry import adapters_of

    adapters = adapters_of(app)
    fakes = {}
    for name in names:
        fakes[name] = FakeChannel(name)
        monkeypatch.setattr(adapters, {"email": "mail"}.get(name, name), fakes[name], raising=False)
    return fakes
