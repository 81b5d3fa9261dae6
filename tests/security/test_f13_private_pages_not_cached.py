"""Finding 13 (guest pages): the service worker kept a guest's order pages, cart, checkout and tracking
pages (with their name, phone and pickup code hints) for the next person on the phone. Now those pages
are sent with Cache-Control: no-store and the service worker never caches nor answers them from a cache;
public pages and static files stay cacheable."""
import json
import re

from sqlalchemy import select

from tests import factories as f
from tests.web.test_auth import post
from vgk.extensions import db
from vgk.models import Order


def private_prefixes(client):
    body = client.get("/sw.js").get_data(as_text=True)
    found = re.search(r"const PRIVATE_PREFIXES = (\[[^\]]*\]);", body)
    assert found, "sw.js names its private prefixes"
    return json.loads(re.sub(r",\s*\]", "]", found.group(1)))


def kept_by_the_service_worker(prefixes, path):
    return not any(path.startswith(prefix) for prefix in prefixes)


def test_a_guests_private_pages_are_no_store_and_never_cached_by_the_service_worker(client):
    item = f.product("Radio")
    point = f.pickup_point()
    post(client, "/panier/ajouter", {"product": item.public_id, "quantity": "1"}, page=f"/p/{item.public_id}")
    post(client, "/commande", {"name": "Awa Bello", "phone": "677123456", "fulfilment": "PICKUP",
                               "pickup_point_id": str(point.id), "payment_method": "MTN_MOMO"}, page="/commande")
    db.session.expire_all()
    reference = db.session.scalar(select(Order)).reference
    prefixes = private_prefixes(client)
    pages = ["/panier", "/commande", f"/commande/{reference}", "/suivi"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
        assert not kept_by_the_service_worker(prefixes, path), path
    poll = client.get(f"/commande/{reference}", headers={"HX-Request": "true"})
    assert "no-store" in poll.headers.get("Cache-Control", "")
    tracked = post(client, "/suivi", {"reference": reference, "phone": "677123456"})
    assert "no-store" in tracked.headers.get("Cache-Control", "")
    assert not kept_by_the_service_worker(prefixes, "/simulateur/SIM-123")
    assert not kept_by_the_service_worker(prefixes, "/paiements/campay/webhook")


def test_public_pages_and_static_files_stay_cacheable(client):
    item = f.product("Radio")
    prefixes = private_prefixes(client)
    for path in ("/", f"/p/{item.public_id}", "/static/css/app.css", "/hors-ligne"):
        response = client.get(path)
        response.close()  # a file sent from disk is closed here
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
        assert kept_by_the_service_worker(prefixes, path), path


# --- sign-in pages: a valid reset form or a pending code step must never be kept either ----------

def test_every_sign_in_page_is_no_store_and_never_cached_by_the_service_worker(app, client):
    from urllib.parse import urlsplit

    from vgk.models import Role, TwoFactor
    from vgk.models.base import utcnow

    f.user(email="awa@example.cm", phone="+237690660011", phone_verified_at=utcnow(), email_verified_at=utcnow())
    assert post(client, "/mot-de-passe/oublie", {"identifier": "awa@example.cm"}).status_code == 302
    link = urlsplit(re.search(r"https?://\S+/mot-de-passe/lien/\S+", f.outbox("awa@example.cm")[0].body).group(0)).path
    prefixes = private_prefixes(client)
    pages = {
        link: 200,  # a valid reset form: its token is in the page
        "/mot-de-passe/nouveau?phone=%2B237690660011": 200,
        "/mot-de-passe/oublie": 200,
        "/connexion": 200,
        "/inscription": 200,
        "/verification": 200,
        "/connexion/code": 200,
        "/email/verifier/not-a-token": 400,
    }
    for path, status in pages.items():
        response = client.get(path)
        assert response.status_code == status, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
        assert not kept_by_the_service_worker(prefixes, urlsplit(path).path), path

    # A pending second factor's code page, and the re-authentication page of a signed-in session.
    staff_admin = f.user(Role.ADMIN, phone="+237690660022", phone_verified_at=utcnow(), two_factor=TwoFactor.SMS)
    assert post(client, "/connexion", {"identifier": staff_admin.phone, "password": "secret-pass-1"}).status_code == 302
    code_page = client.get("/connexion/code")
    assert code_page.status_code == 200 and "no-store" in code_page.headers["Cache-Control"]
    done = post(client, "/connexion/code", {"code": f.last_code(staff_admin.phone)})
    assert "no-store" in done.headers["Cache-Control"]
    confirm = client.get("/compte/confirmer")
    assert confirm.status_code == 200 and "no-store" in confirm.headers["Cache-Control"]
    assert not kept_by_the_service_worker(prefixes, "/compte/confirmer")
    for path in ("/deconnexion", "/verification/renvoyer", "/connexion/google/retour", "/email/verifier/x"):
        assert not kept_by_the_service_worker(prefixes, path), path


def test_the_service_worker_drops_the_pages_it_kept_under_the_old_rules(client):
    body = client.get("/sw.js").get_data(as_text=True)
    rules = int(re.search(r"const RULES = (\d+);", body).group(1))
    assert rules >= 4  # pages cached before guest reviews were excluded live in a cache it deletes
    assert 'const PAGES = "vgk-pages-" + RULES;' in body
    assert "const keep = [SHELL, STATIC, PAGES, MEDIA];" in body
