"""What a phone downloads again, and what it may keep: static files under content-hashed URLs kept a year
and sent precompressed, anonymous public pages without cookies answered 304 when unchanged, and public
forms that work without a session yet refuse a post from another site."""
import gzip
import hashlib
import re
from pathlib import Path

import brotli

from tests import factories as f
from tests.web.test_auth import post

STATIC = Path(__file__).resolve().parents[2] / "static"
SAME_SITE = {"Origin": "http://localhost"}


def static_urls(client, path="/"):
    return sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', client.get(path).get_data(as_text=True))))


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    response.direct_passthrough = False
    body = response.get_data()
    response.close()
    return response, body


def decoded(response, body):
    encoding = response.headers.get("Content-Encoding")
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda data: data}[encoding](body)


def test_every_static_url_of_a_page_carries_its_files_hash_and_is_kept_a_year(client):
    urls = static_urls(client)
    assert any("/css/app." in url for url in urls) and any("/js/app." in url for url in urls)
    for url in urls:
        name, digest, ext = re.fullmatch(r"/static/(.+)\.([0-9a-f]{10})(\.\w+)", url).groups()
        content = (STATIC / f"{name}{ext}").read_bytes()
        assert digest == hashlib.sha256(content).hexdigest()[:10], url
        response, body = fetch(client, url, **{"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200 and decoded(response, body) == content, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", ""), url


def test_a_url_without_the_current_hash_gets_the_current_file_revalidated_not_kept(client):
    content = (STATIC / "css/app.css").read_bytes()
    for url in ("/static/css/app.0123456789.css", "/static/css/app.css"):
        response, body = fetch(client, url)
        assert response.status_code == 200 and body == content, url
        assert "immutable" not in response.headers["Cache-Control"] and "no-cache" in response.headers["Cache-Control"]
    assert fetch(client, "/static/css/nothing.0123456789.css")[0].status_code == 404
    assert fetch(client, "/static/../config.py")[0].status_code == 404


def test_text_files_come_in_the_smaller_encoding_the_browser_accepts(client):
    url = next(url for url in static_urls(client) if "/js/htmx.min." in url)
    content = (STATIC / "js/htmx.min.js").read_bytes()
    sizes = {}
    for accepted in ("gzip", "br"):
        response, body = fetch(client, url, **{"Accept-Encoding": accepted})
        assert response.headers["Content-Encoding"] == accepted and decoded(response, body) == content
        assert "Accept-Encoding" in response.headers["Vary"]
        sizes[accepted] = len(body)
    assert sizes["br"] < sizes["gzip"] < len(content) / 3
    response, body = fetch(client, url, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == min(sizes, key=sizes.get) and len(body) == min(sizes.values())
    response, body = fetch(client, url, **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers and body == content


def test_a_static_file_already_held_is_a_304_without_a_body(client):
    url = static_urls(client)[0]
    first, _ = fetch(client, url, **{"Accept-Encoding": "br"})
    again, body = fetch(client, url, **{"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and body == b""


def test_pages_compress_with_brotli_or_gzip_rather_than_zstd(client):
    for accepted, chosen in (("gzip, deflate, br, zstd", "br"), ("gzip, zstd", "gzip"), ("zstd", "zstd")):
        response = client.get("/produits", headers={"Accept-Encoding": accepted})
        assert response.headers["Content-Encoding"] == chosen, accepted


def test_anonymous_public_pages_set_no_cookie_and_do_not_vary_on_it(client):
    item = f.product("Radio Tecno", category_=f.category("Électronique", "electronique"))
    pages = ["/", "/produits", "/produits?q=radio", "/produits?category=electronique", f"/p/{item.public_id}",
             f"/vendeur/{item.seller.public_id}", "/hors-ligne", "/economie-donnees", "/comment-ca-marche",
             "/manifest.webmanifest", "/sw.js", static_urls(client)[0]]
    for path in pages:
        response, _ = fetch(client, path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
        assert "Cookie" not in response.headers.get("Vary", ""), path
    assert client.get_cookie("session") is None


def test_an_unchanged_public_page_is_a_304_and_a_changed_one_is_sent_again(client):
    f.product("Radio Tecno")
    first = client.get("/")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert any(revalidate in first.headers["Cache-Control"] for revalidate in ("no-cache", "max-age=0"))
    again = client.get("/", headers={"If-None-Match": etag, "Accept-Encoding": "br"})
    assert again.status_code == 304 and again.get_data() == b""
    f.product("Ventilateur Binatone")
    changed = client.get("/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Ventilateur Binatone" in changed.get_data(as_text=True)


def test_private_pages_keep_no_store_and_get_no_etag(client):
    item = f.product("Radio Tecno")
    added = post(client, "/panier/ajouter", {"product": item.public_id, "quantity": "1"}, page=f"/p/{item.public_id}")
    assert added.status_code == 303
    cart = client.get("/panier")
    assert cart.headers["Cache-Control"] == "no-store" and "ETag" not in cart.headers
    f.sign_in(client, f.user())
    home = client.get("/")
    assert home.headers["Cache-Control"] == "no-store" and "ETag" not in home.headers
    assert "Cookie" in home.headers["Vary"]


def test_adding_to_the_cart_needs_no_session_but_refuses_another_site(client):
    item = f.product("Radio Tecno")
    page = client.get(f"/p/{item.public_id}").get_data(as_text=True)
    assert 'name="csrf_token" value=""' in page and client.get_cookie("session") is None
    form = {"product": item.public_id, "quantity": "1", "csrf_token": ""}
    refused = [client.post("/panier/ajouter", data=form, headers=headers) for headers in (
        {"Origin": "https://ailleurs.example"}, {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
        {"Sec-Fetch-Site": "same-site"}, {})]
    assert [response.status_code for response in refused] == [400, 400, 400, 400]
    assert client.get_cookie("session") is None  # nothing added: no cart, no session
    added = client.post("/panier/ajouter", data=form, headers={"Sec-Fetch-Site": "same-origin"})
    assert added.status_code == 303 and client.get_cookie("session") is not None  # the cart needs one: now
    # (had a refused post added it, this second addition of the last one in stock would be refused)
    other = f.product("Ventilateur Binatone")
    added = client.post("/panier/ajouter", data={**form, "product": other.public_id}, headers=SAME_SITE)
    assert added.status_code == 303
    cart = client.get("/panier").get_data(as_text=True)
    assert "Radio Tecno" in cart and "Ventilateur Binatone" in cart


def test_the_visitor_id_is_never_given_to_another_site(client):
    for headers in ({"Origin": "https://ailleurs.example"}, {"Sec-Fetch-Site": "cross-site"}, {}):
        response = client.post("/visiteur", headers=headers)
        assert response.status_code == 400 and "Set-Cookie" not in response.headers
    assert client.post("/visiteur", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 204
    assert client.get_cookie("vgk_v") is not None
