"""Installable app: manifest, service worker, offline page, icons."""
import json


def test_manifest_is_served_and_its_icons_exist(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    response.close()
    assert manifest["name"] == "Vidé-Grenier Kamer"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200


def test_service_worker_is_served_at_the_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    assert "/hors-ligne" in body and "no-store" in body


def test_offline_page(client):
    response = client.get("/hors-ligne")
    assert response.status_code == 200
    assert "hors ligne" in response.get_data(as_text=True).lower()


def test_service_worker_cache_version_follows_the_static_files(client):
    import re

    body = client.get("/sw.js").get_data(as_text=True)
    version = re.search(r'const VERSION = "([0-9a-f]{12})"', body)
    assert version, "the server fills in the static digest"
    from vgk.web.pwa import _static_digest

    assert version.group(1) == _static_digest(client.application.static_folder)
