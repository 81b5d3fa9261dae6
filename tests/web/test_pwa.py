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


def test_the_service_worker_names_the_shell_the_pages_load(client):
    """Its shell is what every page loads, by the same hashed URLs: installing it takes them from the HTTP
    cache. A new version of one of them is a new worker (its text changes)."""
    import re

    page = client.get("/").get_data(as_text=True)
    body = client.get("/sw.js").get_data(as_text=True)
    shell = json.loads(re.search(r"const SHELL_URLS = (\[[^\]]*\]);", body).group(1))
    loaded = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page))
    assert shell and set(shell) <= loaded
    scripts = set(re.findall(r'<script src="(/static/[^"]+)"', page))
    assert scripts <= set(shell), scripts - set(shell)  # every script a page needs is there offline too
    assert "cache: \"reload\"" not in body
    for url in shell:
        with client.get(url) as response:
            assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"], url
    icon = re.search(r'const ICON = "([^"]+)";', body).group(1)
    with client.get(icon) as response:
        assert response.status_code == 200 and response.mimetype == "image/png"


def test_the_service_worker_is_revalidated_by_its_etag(client):
    first = client.get("/sw.js")
    assert "no-cache" in first.headers["Cache-Control"] and first.headers.get("ETag")
    again = client.get("/sw.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_a_photo_is_kept_for_good_with_no_header_it_does_not_need(client):
    from tests import factories as f

    cover = f.product("Radio Tecno", images=1).images[0]
    with client.get(f"/media/{cover.thumb_key}") as response:
        assert response.status_code == 200 and response.mimetype == "image/webp"
        assert "immutable" in response.headers["Cache-Control"]
        assert not {"Content-Disposition", "Expires", "Last-Modified"} & set(response.headers.keys())
