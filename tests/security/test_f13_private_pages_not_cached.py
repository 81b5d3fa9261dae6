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
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
        assert kept_by_the_service_worker(prefixes, path), path
