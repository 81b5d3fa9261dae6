"""Browser tests: the app served on loopback, driven by Playwright in Debian's Chromium."""
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app, migrate

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    app = make_app(f"sqlite:///{root / 'e2e.sqlite3'}", str(root / "media"))
    migrate(app)
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = LiveServer(live_app).start()
    yield server
    server.stop()


class CspWatchingBrowser:
    """The browser, with every context reporting Content-Security-Policy violations from its console:
    a page that needs an inline script or style, or a resource the policy blocks, fails its test."""

    def __init__(self, browser):
        self._browser = browser
        self.violations = []

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.on("console", self._console)
        return context

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield CspWatchingBrowser(chromium)
        chromium.close()


@pytest.fixture(autouse=True)
def no_csp_violations(browser):
    browser.violations.clear()
    yield
    assert browser.violations == [], "Content-Security-Policy violations:\n" + "\n".join(browser.violations)


@pytest.fixture
def phone(browser):
    """A page in a 360×640 phone-sized viewport."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
