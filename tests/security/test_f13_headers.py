"""Finding 13 (headers): no Content-Security-Policy, no HSTS, X-Forwarded-* either never trusted or
trusted blindly, and Socket.IO accepting a handshake from any site. Now: a strict CSP on every HTML
page (and templates with no inline script or style for it to block), HSTS in production,
X-Forwarded-For used only behind TRUSTED_PROXIES proxies, and sockets opened only from the site."""
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from config import ProductionConfig
from tests import factories as f
from tests.conftest import make_app, migrate
from tests.web.test_auth import post
from vgk import create_app
from vgk.extensions import db
from vgk.models import AuthSession, Role, TwoFactor
from vgk.models.base import utcnow

ROOT = Path(__file__).resolve().parents[2]
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


# --- Content-Security-Policy --------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/connexion", "/produits", "/page-qui-n-existe-pas", "/mobile/api/docs/"])
def test_every_html_page_has_a_strict_policy(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    for name in ("frame-ancestors", "base-uri", "form-action"):
        assert csp[name] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'self'" in csp["connect-src"] and "ws://localhost" in csp["connect-src"]
    assert not any("unsafe" in source or source == "*" for sources in csp.values() for source in sources)


def test_the_policy_follows_a_https_site_and_an_outside_media_host(media_root):
    app = make_app("sqlite://", media_root, PUBLIC_URL="https://vgk.cm", MEDIA_URL="https://cdn.vgk.cm/media/",
                   TRUSTED_HOSTS=["vgk.cm"])
    csp = directives(app.test_client().get("/connexion", base_url="https://vgk.cm"))
    assert "wss://vgk.cm" in csp["connect-src"] and "https://cdn.vgk.cm" in csp["img-src"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "on…= handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"hx-on[:-]", re.I), "hx-on handler (needs eval)"),
]


def test_no_template_carries_inline_code_the_policy_would_block():
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        if template.is_relative_to(ROOT / "templates" / "notifications"):
            continue  # emails, not pages: mail clients need inline styles (previewed under their own policy)
        source = template.read_text()
        found += [f"{template.relative_to(ROOT)}: {what}" for pattern, what in INLINE if pattern.search(source)]
    assert found == []


def test_htmx_injects_no_style_and_evaluates_no_code(client):
    html = client.get("/").get_data(as_text=True)
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'", html).group(1)
    assert '"includeIndicatorStyles":false' in config and '"allowEval":false' in config
    css = (ROOT / "static" / "css" / "app.css").read_text()
    assert ".htmx-request .htmx-indicator" in css and ".category-list .depth-1" in css and ".api-op" in css


def test_the_admin_category_tree_indents_without_inline_style(app, client):
    f.category("Cuisine", parent=f.category("Maison"))
    f.sign_in(client, f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow()))
    response = client.get("/admin/categories")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cuisine" in html and 'class="depth-1"' in html
    assert not re.search(r"\sstyle\s*=|<style", html)


# --- HSTS -----------------------------------------------------------------------------------------

class Production(ProductionConfig):
    SECRET_KEY = "a-real-secret-for-this-test-of-at-least-32-bytes"
    PUBLIC_URL = "https://vgk.cm"
    TRUSTED_HOSTS = None
    CAMPAY_USERNAME = "vgk-app"
    CAMPAY_PASSWORD = "not-used-here"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    HSTS = True


def test_hsts_in_production_only(client, media_root):
    assert "Strict-Transport-Security" not in client.get("/connexion").headers  # development and tests
    production = create_app(Production, MEDIA_ROOT=media_root).test_client()
    for path in ("/robots.txt", "/page-qui-n-existe-pas", "/mobile/api/meta/"):
        response = production.get(path, base_url="https://vgk.cm")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path


# --- trusted proxies ------------------------------------------------------------------------------

def login(client, identifier, password="secret-pass-1", headers=None):
    return post(client, "/connexion", {"identifier": identifier, "password": password}, headers=headers or {})


def ip_of_latest_session():
    db.session.expire_all()
    return db.session.scalars(select(AuthSession).order_by(AuthSession.id.desc())).first().ip


def test_without_trusted_proxies_x_forwarded_for_is_ignored(app, client, monkeypatch):
    f.user(email="awa@example.cm", email_verified_at=utcnow())
    assert login(client, "awa@example.cm", headers={"X-Forwarded-For": "198.51.100.23"}).status_code == 302
    assert ip_of_latest_session() == "127.0.0.1"
    client = app.test_client()
    # a client cannot dodge the per-address limit by inventing a new address each time
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", "3 per hour")
    answers = [login(client, "nobody@example.cm", "whatever", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
               for n in range(4)]
    assert answers == [400, 400, 400, 429]


@pytest.fixture(scope="module")
def proxied_app(tmp_path_factory, media_root):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('proxied') / 'vgk.sqlite3'}", media_root, TRUSTED_PROXIES=1)
    migrate(app)
    return app


def test_behind_one_trusted_proxy_the_real_client_address_is_used(proxied_app, monkeypatch):
    from tests.conftest import clean_database
    from vgk.extensions import limiter

    client = proxied_app.test_client()
    with proxied_app.app_context():
        try:
            f.user(email="awa@example.cm", email_verified_at=utcnow())
            # nginx appends the address it saw: a value the client forged comes first and is ignored
            forged = {"X-Forwarded-For": "6.6.6.6, 198.51.100.23"}
            assert login(client, "awa@example.cm", headers=forged).status_code == 302
            assert ip_of_latest_session() == "198.51.100.23"

            client = proxied_app.test_client()
            monkeypatch.setitem(proxied_app.config, "AUTH_RATE_LIMIT", "3 per hour")
            others = [login(client, "nobody@example.cm", "whatever", headers={"X-Forwarded-For": f"203.0.113.{n}"})
                      for n in range(4)]
            assert [r.status_code for r in others] == [400, 400, 400, 400]  # four different people
            same = [login(client, "nobody@example.cm", "whatever", headers={"X-Forwarded-For": "203.0.113.99"})
                    for _ in range(4)]
            assert [r.status_code for r in same] == [400, 400, 400, 429]  # one person, limited
        finally:
            db.session.rollback()
            clean_database()
            db.session.remove()
            limiter.reset()


def test_the_development_outbox_sees_through_a_trusted_proxy(proxied_app):
    client = proxied_app.test_client()
    assert client.get("/dev/outbox", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 404
    assert client.get("/dev/outbox", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


# --- Socket.IO origins ----------------------------------------------------------------------------

def test_a_socket_handshake_from_another_site_is_refused(media_root):
    client = make_app("sqlite://", media_root).test_client()  # PUBLIC_URL http://localhost
    refused = client.get(HANDSHAKE, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 400 and b"Not an accepted origin" in refused.data
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert client.get(HANDSHAKE, headers={"Origin": "http://localhost"}).status_code == 200
    assert client.get(HANDSHAKE, headers={"Origin": "http://127.0.0.1:5123"}).status_code == 200  # tests, make run


def test_production_sockets_accept_only_the_public_site(media_root):
    client = create_app(Production, MEDIA_ROOT=media_root).test_client()
    base = "https://vgk.cm"
    assert client.get(HANDSHAKE, base_url=base, headers={"Origin": "https://vgk.cm"}).status_code == 200
    for origin in ("http://127.0.0.1:5000", "http://vgk.cm", "https://vgk.cm.evil.example", "null"):
        assert client.get(HANDSHAKE, base_url=base, headers={"Origin": origin}).status_code == 400, origin
