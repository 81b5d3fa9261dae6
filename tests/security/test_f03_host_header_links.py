"""Finding 3: absolute links were built from the request's Host header, so `Host: evil.example` on a
password-reset request mailed the victim a link carrying the reset token to the attacker's site. Now
every absolute link comes from PUBLIC_URL, and a request for a host outside TRUSTED_HOSTS gets 400."""
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.conftest import make_app
from tests.web.test_auth import csrf_token, post
from vgk.extensions import db
from vgk.models import User
from vgk.models.base import utcnow
from vgk.urls import absolute_url, public_url

PUBLIC = "https://vgk.cm"
EVIL = "evil.example"


@pytest.fixture
def public_site(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    return app


def mails_to(email):
    return [m.body for m in f.outbox(email)]


def test_a_reset_request_for_a_foreign_host_is_refused_and_sends_nothing(public_site, client):
    f.user(email="awa@example.cm", email_verified_at=utcnow())
    token = csrf_token(client, "/mot-de-passe/oublie")
    for forged in ({"Host": EVIL}, {"Host": f"{EVIL}:443"}, {"Host": f"localhost.{EVIL}"}):
        response = client.post("/mot-de-passe/oublie", headers=forged,
                               data={"csrf_token": token, "identifier": "awa@example.cm"})
        assert response.status_code == 400
        assert "La demande est invalide." in response.get_data(as_text=True)
    assert mails_to("awa@example.cm") == []


def test_a_forwarded_host_does_not_reach_the_reset_link(public_site, client):
    f.user(email="awa@example.cm", email_verified_at=utcnow())
    response = post(client, "/mot-de-passe/oublie", {"identifier": "awa@example.cm"},
                    headers={"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http"})
    assert response.status_code == 302
    [body] = mails_to("awa@example.cm")
    assert EVIL not in body
    link = re.search(r"https?://\S+/mot-de-passe/lien/\S+", body).group(0)
    assert link.startswith(f"{PUBLIC}/mot-de-passe/lien/")
    assert client.get(urlsplit(link).path).status_code == 200  # and the link works


def test_behind_a_trusted_proxy_a_forged_forwarded_host_is_refused(media_root):
    app = make_app("sqlite://", media_root, TRUSTED_PROXIES=1)
    client = app.test_client()
    assert client.get("/mot-de-passe/oublie").status_code == 200
    refused = client.get("/mot-de-passe/oublie", headers={"X-Forwarded-Host": EVIL})
    assert refused.status_code == 400 and EVIL not in refused.get_data(as_text=True)


def test_api_page_links_and_image_urls_use_the_public_address(public_site, client):
    for n in range(21):
        f.product(f"Objet {n:02d}", images=1 if n == 0 else 0)
    page = client.get("/mobile/api/products/", headers={"X-Forwarded-Host": EVIL}).get_json()
    assert page["next"].startswith(f"{PUBLIC}/mobile/api/products/") and "page=2" in page["next"]
    second = client.get(urlsplit(page["next"]).path + "?" + urlsplit(page["next"]).query).get_json()
    assert second["previous"].startswith(f"{PUBLIC}/mobile/api/products/")
    [thumbnail] = [c["thumbnail_url"] for c in page["results"] + second["results"] if c["thumbnail_url"]]
    assert thumbnail.startswith(f"{PUBLIC}/media/")
    assert EVIL not in str(page) + str(second)


def test_the_api_answers_a_foreign_host_with_a_json_400(public_site, client):
    response = client.get("/mobile/api/products/", headers={"Host": EVIL})
    assert response.status_code == 400 and response.get_json()["success"] is False


def test_google_sign_in_sends_google_back_to_the_public_address(google_app, oidc_fake, monkeypatch):
    monkeypatch.setitem(google_app.config, "PUBLIC_URL", PUBLIC)
    response = google_app.test_client().get("/connexion/google", headers={"X-Forwarded-Host": EVIL})
    assert response.status_code == 302
    redirect_uri = parse_qs(urlsplit(response.headers["Location"]).query)["redirect_uri"]
    assert redirect_uri == [f"{PUBLIC}/connexion/google/retour"]


def test_links_built_outside_a_request_use_the_public_address_too(public_site):
    # a job or a CLI command has no request (and no Host) at all
    assert public_url("auth.reset_link", token="abc") == f"{PUBLIC}/mot-de-passe/lien/abc"
    assert absolute_url("/media/x.jpg") == f"{PUBLIC}/media/x.jpg"
    assert absolute_url("https://cdn.example/x.jpg") == "https://cdn.example/x.jpg"


def test_trusted_hosts_default_to_the_public_address(app):
    assert app.config["TRUSTED_HOSTS"][0] == urlsplit(app.config["PUBLIC_URL"]).hostname
    from config import ProductionConfig

    settings = {"PUBLIC_URL": "https://vgk.cm/", "TRUSTED_HOSTS": None,
                "SECRET_KEY": "k3Vx9w2QpL7rT5yZ8mN4bC6dF1gH0jS-aE", "CAMPAY_USERNAME": "vgk-app"}
    ProductionConfig.finalize(settings, "/nonexistent")
    assert settings["TRUSTED_HOSTS"] == ["vgk.cm"] and settings["PUBLIC_URL"] == "https://vgk.cm"


# --- email-verification links (sign-up and "send again", web and app) ------------------------------
#
# They were built with url_for(_external=True), so from the request's scheme, host and port:
# `Host: vgk.example:8443` (a name the server also answers to) mailed http://vgk.example:8443/email/verifier/<token>.

ALIAS = "vgk.example"


@pytest.fixture
def aliased_site(public_site, monkeypatch):
    """The server also answers to another name (an old domain, a load balancer's address)."""
    monkeypatch.setitem(public_site.config, "TRUSTED_HOSTS", [*public_site.config["TRUSTED_HOSTS"], ALIAS])
    return public_site


def verification_links(email):
    links = [re.search(r"\S+/email/verifier/\S+", m.body).group(0) for m in f.outbox(email)
             if "/email/verifier/" in m.body]
    assert links, f"no verification link sent to {email}"
    return links


def assert_public(link):
    assert link.startswith(f"{PUBLIC}/email/verifier/"), link
    assert ALIAS not in link and ":8443" not in link


def browser_post(client, path, data, base_url, page=None):
    """A form posted like a browser on `base_url` (the CSRF token read from the same host)."""
    html = client.get(page or path, base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html)
    return client.post(path, base_url=base_url, data={"csrf_token": token.group(1), **data})


def verified(email):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email)).email_verified_at is not None


def test_a_web_sign_up_on_another_host_mails_a_link_to_the_public_site(aliased_site, client):
    f.city("Douala", slug="douala")
    response = browser_post(client, "/inscription", {
        "name": "Jean Fotso", "phone": "6 90 11 22 33", "email": "jean@example.cm", "city": "douala",
        "password": "Bon-Mot-2024", "accept_terms": "y"}, base_url=f"http://{ALIAS}:8443")
    assert response.status_code == 302
    [link] = verification_links("jean@example.cm")
    assert_public(link)
    assert client.get(urlsplit(link).path).status_code == 302 and verified("jean@example.cm")  # and it works


def test_sending_the_link_again_from_the_account_uses_the_public_site(aliased_site, client):
    f.user(email="again@example.cm")
    alias = f"http://{ALIAS}:8443"
    signed_in = browser_post(client, "/connexion", {"identifier": "again@example.cm", "password": "secret-pass-1"},
                             base_url=alias)
    assert signed_in.status_code == 302 and client.get("/compte", base_url=alias).status_code == 200
    response = browser_post(client, "/compte/email/verifier", {}, base_url=alias, page="/compte")
    assert response.status_code == 302
    [link] = verification_links("again@example.cm")
    assert_public(link)


def test_the_app_sign_up_and_resend_use_the_public_site(aliased_site):
    api = ApiClient(aliased_site)
    forged = {"Host": f"{ALIAS}:8443", "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http"}
    created = api.post("auth/register/", json={"name": "Awa Ngono", "phone": "677445566", "password": "Bon-Mot-2024",
                                               "email": "awa.app@example.cm"}, headers=forged)
    assert created.status_code == 201
    user = db.session.scalar(select(User).where(User.email == "awa.app@example.cm"))
    sent = api.post("auth/resend_email/", user=user, headers=forged)
    assert sent.status_code == 200
    links = verification_links("awa.app@example.cm")
    assert len(links) == 2
    for link in links:
        assert_public(link)
        assert EVIL not in link


def test_no_link_is_built_from_the_request_anywhere():
    """Every absolute link goes through vgk.urls: nothing asks Flask for one from the request."""
    root = Path(__file__).resolve().parents[2]
    asks_flask = re.compile(r"(?<!\w)_external\s*=")
    offenders = [str(path.relative_to(root))
                 for folder in ("vgk", "templates") for path in (root / folder).rglob("*")
                 if path.suffix in (".py", ".html", ".txt", ".js")
                 and asks_flask.search(path.read_text(errors="ignore"))]
    assert offenders == []
