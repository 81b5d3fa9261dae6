"""Bytes on the wire for the storefront pages, as a phone on a slow connection would receive them.

Builds a throwaway SQLite database from the migrations, fills it with the demo data
(`vgk.demo.seed_demo`, what `flask seed-demo` runs), serves the app from a real HTTP
server thread on 127.0.0.1 and fetches, with `Accept-Encoding: gzip` (Flask-Compress is on):
the home page, the product list and one product page, then the same-origin CSS and JS each
page references and the thumbnails (`<img>`) on the list page. Prints the transferred sizes.

    .venv/bin/python bench/page_weight.py
"""
import argparse
import gzip
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from config import TestConfig  # noqa: E402
from vgk import create_app  # noqa: E402
from vgk.extensions import db  # noqa: E402

KB = 1024
HOME_TARGET = 60 * KB      # HTML + CSS + JS of the home page, gzip
THUMB_TARGET = 20 * KB     # each list thumbnail


class Assets(HTMLParser):
    """Collects stylesheet, script, image and product-link URLs from a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.styles, self.scripts, self.images, self.links = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").lower().split() and attrs.get("href"):
            self.styles.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


ACCEPT_ENCODING = "gzip"


def fetch(url):
    """(bytes transferred, content-encoding, decoded text or None) for one GET."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": "vgk-bench"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            encoding = response.headers.get("Content-Encoding", "")
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"GET {url} -> HTTP {error.code}") from None
    text = None
    if content_type.startswith("text/html"):
        text = _decode(body, encoding).decode("utf-8", "replace")
    return len(body), encoding or "identity", text


def _decode(body, encoding):
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "zstd":
        try:
            from compression import zstd  # Python 3.14
        except ImportError:
            from backports import zstd  # what Flask-Compress uses before 3.14

        return zstd.decompress(body)
    return body


def same_origin(base, urls):
    origin = urlsplit(base).netloc
    seen = []
    for url in urls:
        absolute = urljoin(base, url)
        if urlsplit(absolute).netloc == origin and absolute not in seen:
            seen.append(absolute)
    return seen


def weigh_page(base, path):
    url = urljoin(base, path)
    html_bytes, encoding, text = fetch(url)
    if text is None:
        raise SystemExit(f"GET {url} did not return HTML")
    parser = Assets()
    parser.feed(text)
    assets = []
    for asset in same_origin(url, parser.styles + parser.scripts):
        size, asset_encoding, _ = fetch(asset)
        assets.append((urlsplit(asset).path, size, asset_encoding))
    return {
        "path": path,
        "html": html_bytes,
        "encoding": encoding,
        "assets": assets,
        "parser": parser,
        "url": url,
    }


def kb(size):
    return f"{size / KB:.1f} KB"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=None,
                        help="active demo listings to create (default: seed_demo's own default)")
    parser.add_argument("--verbose", action="store_true", help="list every asset fetched")
    parser.add_argument("--accept-encoding", default="gzip",
                        help='what the client accepts (default "gzip"; a browser on HTTPS sends '
                             '"gzip, deflate, br, zstd")')
    args = parser.parse_args(argv)
    global ACCEPT_ENCODING
    ACCEPT_ENCODING = args.accept_encoding
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    tmpdir = tempfile.mkdtemp(prefix="vgk-weight-")
    server = None
    try:
        app = create_app(
            TestConfig,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmpdir}/weight.sqlite3",
            MEDIA_ROOT=os.path.join(tmpdir, "media"),
        )
        started = time.perf_counter()
        with app.app_context():
            upgrade()
            from vgk import demo

            summary = demo.seed_demo(**({"products": args.products} if args.products else {}))
            db.session.remove()
        print(f"Demo data seeded in {time.perf_counter() - started:.1f} s: {summary.get('products')}, "
              f"{summary.get('images')} images")

        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}/"

        home = weigh_page(base, "/")
        listing = weigh_page(base, "/produits")
        product_paths = [urlsplit(u).path for u in same_origin(listing["url"], listing["parser"].links)
                         if urlsplit(u).path.startswith("/p/")]
        if not product_paths:
            raise SystemExit("the product list links to no product page (/p/...)")
        product = weigh_page(base, product_paths[0])
        thumbs = [fetch(url)[0] for url in same_origin(listing["url"], listing["parser"].images)]
    finally:
        if server is not None:
            server.shutdown()
        shutil.rmtree(tmpdir, ignore_errors=True)

    print()
    print(f"Transferred bytes with Accept-Encoding: {ACCEPT_ENCODING} (1 KB = 1024 bytes)")
    print(f"{'page':<22}{'HTML':>10}{'CSS+JS':>10}{'total':>10}   assets")
    print("-" * 70)
    for name, page in (("home /", home), ("list /produits", listing), ("product /p/…", product)):
        assets = sum(size for _, size, _ in page["assets"])
        print(f"{name:<22}{kb(page['html']):>10}{kb(assets):>10}{kb(page['html'] + assets):>10}   "
              f"{len(page['assets'])} (HTML {page['encoding']})")
        for path, size, encoding in page["assets"]:
            if args.verbose or encoding == "identity":
                print(f"{'':<4}{path:<40}{kb(size):>10}  {encoding}")
    if thumbs:
        print(f"list thumbnails: {len(thumbs)} images, min {kb(min(thumbs))}, "
              f"median {kb(statistics.median(thumbs))}, max {kb(max(thumbs))}")
    else:
        print("list thumbnails: no <img> on the list page")
    print()

    plain = sorted({path for page in (home, listing, product) for path, size, enc in page["assets"]
                    if enc == "identity" and size >= 500})
    if plain:
        print(f"note: sent uncompressed although the client accepts {ACCEPT_ENCODING!r}: {', '.join(plain)}")
        print("      (Flask-Compress compresses streamed responses such as static files only with the")
        print("      algorithms in COMPRESS_ALGORITHM_STREAMING, which by default leaves out gzip)")
        print()
    home_total = home["html"] + sum(size for _, size, _ in home["assets"])
    checks = [
        (home_total <= HOME_TARGET,
         f"home page HTML+CSS+JS ({ACCEPT_ENCODING}): {kb(home_total)} (target <= {kb(HOME_TARGET)})"),
        (bool(thumbs) and max(thumbs) <= THUMB_TARGET,
         f"largest list thumbnail: {kb(max(thumbs)) if thumbs else 'none'} (target <= {kb(THUMB_TARGET)})"),
    ]
    for ok, line in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {line}")
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
