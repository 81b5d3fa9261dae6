"""Pytest fixtures that start the fakes. Import the ones a module needs:

    from tests.fakes.fixtures import africastalking_fake  # noqa: F401

- `africastalking_fake`: one Africa's Talking fake per test session, emptied before each test.
- `oidc_fake`: one OpenID Connect provider per session, reset (identity, knobs, records) before each test;
  `oidc_provider` is the same provider, session-scoped and not reset (for apps built once per module).
- `smtp_fake`: a plain SMTP server for one test; `smtp_fake_factory(security=..., credentials=...)`
  starts others ("starttls", "ssl") and stops them after the test.
- `campay_fake`: one Campay fake per test session, reset (transactions, tokens, knobs, records) before each test.
- `dropbox_fake`: one Dropbox API fake per test session, emptied (files, tokens, links, records) before each test;
  `dropbox_server` is the same fake, session-scoped and not reset (for apps built once per session).
"""
import pytest

from tests.fakes.africastalking import AfricasTalkingFake
from tests.fakes.campay import CampayFake
from tests.fakes.dropbox import DropboxFake
from tests.fakes.oidc import OidcFake
from tests.fakes.smtp import SmtpFake

_shared = {}


def _shared_fake(request, factory):
    """One running fake per kind for the whole session (so importing one fixture name is enough)."""
    fake = _shared.get(factory)
    if fake is None:
        fake = _shared[factory] = factory().start()

        def stop():
            _shared.pop(factory, None)
            fake.stop()

        request.session.addfinalizer(stop)
    return fake


@pytest.fixture
def africastalking_fake(request):
    fake = _shared_fake(request, AfricasTalkingFake)
    fake.reset()
    fake.sender_ids = None
    fake.content_type = "application/json"
    return fake


@pytest.fixture(scope="session")
def oidc_provider(request):
    """The running provider, not reset: for session- or module-scoped apps that need its URL."""
    return _shared_fake(request, OidcFake)


@pytest.fixture
def oidc_fake(request):
    fake = _shared_fake(request, OidcFake)
    fake.reset()
    return fake


@pytest.fixture
def smtp_fake_factory():
    started = []

    def start(security="none", credentials=None):
        fake = SmtpFake(security=security, credentials=credentials).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


@pytest.fixture
def smtp_fake(smtp_fake_factory):
    return smtp_fake_factory("none")


@pytest.fixture
def campay_fake(request):
    fake = _shared_fake(request, CampayFake)
    fake.reset()
    return fake


@pytest.fixture
def campay(app, campay_fake, monkeypatch):
    """The app's payments through the real Campay adapter, against the loopback fake (2 s timeout)."""
    from vgk.integrations.payments import CampayGateway
    from vgk.services.commerce import payments

    gateway = CampayGateway(campay_fake.url, campay_fake.username, campay_fake.password, campay_fake.webhook_key,
                            timeout=2)
    monkeypatch.setattr(payments, "gateway", lambda: gateway)
    return campay_fake


@pytest.fixture(scope="session")
def dropbox_server(request):
    return _shared_fake(request, DropboxFake)


@pytest.fixture
def dropbox_fake(request):
    fake = _shared_fake(request, DropboxFake)
    fake.reset()
    fake.page_size = 100
    return fake
