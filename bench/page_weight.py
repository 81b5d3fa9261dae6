"""Bytes on the wire for a phone using the storefront, measured in a real browser.

Builds a throwaway SQLite database from the migrations, fills it with the demo data (`vgk.demo.seed_demo`,
what `flask seed-demo` runs; its photo-like pictures weigh what phone photos weigh), serves the app on
127.0.0.1 and drives Debian's Chromium (/usr/bin/chromium, through Playwright) as a 360×640 phone at
device pixel ratio 2, with its HTTP cache and the service worker on, as a real phone has them. Every
byte the server sends is counted where it leaves the server (status line, headers and body as sent,
gzip included): what the phone's cache or service worker answers costs nothing, as on a real network.

    (a) home, first visit (a new phone)                                     budget 60 KB
    (b) a whole guest purchase: home → product → add to cart → cart → checkout → pay with the simulated
        Mobile Money → order page (the simulator's own page is left out: a real phone gets a USSD
        prompt instead)                                                     budget 150 KB
    (c) 20 pages in one browser (the cache warms as it goes): catalogue pages, categories, searches and
        products                                                            budget 400 KB

Each figure is printed with PASS/FAIL, the figure measured before the photos were loaded as they near
the screen (BEFORE) and its breakdown by type (html, css, js, images, other). Pages are looked at as
they open (the first screen, and what is within the 100 px the page's script looks ahead); --scroll also
scrolls each page to its end; --only runs some of the three.

    .venv/bin/python bench/page_weight.py [--products 220] [--port 5400] [--scroll] [--verbose]
                                          [--only home,purchase,session]
"""
import argparse
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from config import TestConfig  # noqa: E402
from vgk import create_app  # noqa: E402
from vgk.extensions import db  # noqa: E402

KB = 1024
BUDGETS = {"home": 60 * KB, "purchase": 150 * KB, "session": 400 * KB}
# The same scenarios measured with this script before card photos waited to near the screen, before the
# 480 px size and the lighter WebP qualities (main at 2f6ee4f with the hashed, precompressed static files
# and the HTTP-cache-fed service worker merged in), first screens.
BEFORE = {"home": 136.8 * KB, "purchase": 221.4 * KB, "session": 1313.3 * KB}
KINDS = ("html", "css", "js", "images", "other")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
# What werkzeug adds to every response after the application (Server and Date), in bytes.
SERVER_HEADERS = len("Server: Werkzeug/3.1.3 Python/3.11.2\r\nDate: Thu, 03 Dec 2026 07:00:00 GMT\r\n")


def kind_of(content_type):
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime == "text/html":
        return "html"
    if mime == "text/css":
        return "css"
    if "javascript" in mime:
        return "js"
    if mime.startswith("image/"):
        return "images"
    return "other"


class Meter:
    """WSGI middleware counting what each response puts on the wire, by kind, while `recording`."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.recording = None  # a list of (path, kind, bytes) while a scenario runs
        self.skip = re.compile(r"^/simulateur/")

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        seen = {}

        def counting_start(status, headers, exc_info=None):
            seen["head"] = (len(f"HTTP/1.1 {status}\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in headers)
                            + SERVER_HEADERS + 2)
            seen["kind"] = kind_of(dict((k.lower(), v) for k, v in headers).get("content-type"))
            return start_response(status, headers, exc_info)

        body = 0
        result = self.app(environ, counting_start)
        try:
            for chunk in result:
                body += len(chunk)
                yield chunk
        finally:
            if hasattr(result, "close"):
                result.close()
            with self.lock:
                if self.recording is not None and not self.skip.match(path):
                    self.recording.append((path, seen.get("kind", "other"), seen.get("head", 0) + body))


def settle(page, scroll):
    """Let the page finish: lazy photos near the screen, the service worker's install, htmx loads."""
    page.wait_for_load_state("load")
    if scroll:
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:
        pass
    page.wait_for_timeout(300)


def measure(meter, run):
    meter.recording = []
    run()
    with meter.lock:
        rows, meter.recording = meter.recording, None
    return rows


def new_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="fr-FR", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def first_visit(browser, base, scroll):
    context, page = new_phone(browser)

    def run():
        page.goto(base + "/")
        settle(page, scroll)
    return context, run


def guest_purchase(browser, base, product_path, point_id, scroll):
    context, page = new_phone(browser)

    def run():
        page.goto(base + "/")
        settle(page, scroll)
        page.goto(base + product_path)  # as if the card was tapped
        settle(page, scroll)
        page.get_by_role("button", name="Ajouter au panier").click()
        page.locator("#add-cart-msg").filter(has_text=re.compile(".+")).wait_for()
        page.goto(base + "/panier")
        settle(page, scroll)
        page.get_by_role("link", name="Commander").click()
        page.wait_for_url(re.compile(r".*/commande$"))
        settle(page, scroll)
        page.fill("#name", "Awa Bello")
        page.fill("#phone", "677 12 34 56")
        page.select_option("#pickup_point_id", str(point_id))
        page.get_by_label("MTN Mobile Money").check()
        page.get_by_role("button", name="Valider la commande").click()
        page.wait_for_url(re.compile(r".*/commande/VGK-[A-Z0-9]+$"))
        settle(page, scroll)
        order_url = page.url
        page.get_by_role("link", name="Ouvrir le téléphone simulé").click()
        page.wait_for_url(re.compile(r".*/simulateur/.+"))
        page.get_by_role("button", name="Approuver").click()
        page.wait_for_load_state("load")
        page.goto(order_url)
        settle(page, scroll)
        if "Payée" not in page.locator("#order-status").inner_text():
            raise SystemExit("the order page does not say the order is paid")
    return context, run


def session_paths(categories, products):
    """20 varied storefront pages, in the order a person might open them."""
    searches = ["telephone", "chaussures", "canape", "velo"]
    pages = ["/", "/produits", "/produits?page=2"]
    pages += [f"/produits?category={slug}" for slug in categories[:4]]
    pages += [f"/produits?q={q}" for q in searches]
    pages += list(products[:8])
    pages.append("/produits?page=3")
    return pages[:20]


def warm_session(browser, base, paths, scroll):
    context, page = new_phone(browser)

    def run():
        for path in paths:
            page.goto(base + path)
            settle(page, scroll)
    return context, run


def summarise(name, rows, budget, before, verbose):
    by_kind = defaultdict(int)
    for _, kind, size in rows:
        by_kind[kind] += size
    total = sum(by_kind.values())
    status = "PASS" if total <= budget else "FAIL"
    parts = ", ".join(f"{kind} {by_kind[kind] / KB:.1f}" for kind in KINDS)
    was = f"; before: {before / KB:.1f} KB" if before else ""
    print(f"{status}  {name}: {total / KB:.1f} KB (budget {budget / KB:.0f} KB{was}), {len(rows)} responses")
    print(f"      {parts} KB")
    if verbose:
        for path, kind, size in rows:
            print(f"        {size / KB:7.1f} KB  {kind:<7}{path}")
    return total <= budget


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=None, help="active demo listings (default: the demo's own)")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: any free one)")
    parser.add_argument("--scroll", action="store_true", help="scroll each page to its end")
    parser.add_argument("--verbose", action="store_true", help="list every response counted")
    parser.add_argument("--only", default=",".join(BUDGETS), help="scenarios to run, comma-separated: "
                        "home, purchase, session (default: all three)")
    args = parser.parse_args(argv)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    if not only or only - set(BUDGETS):
        parser.error(f"--only takes some of: {', '.join(BUDGETS)}")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from playwright.sync_api import sync_playwright

    tmpdir = tempfile.mkdtemp(prefix="vgk-weight-")
    server = None
    try:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmpdir}/weight.sqlite3",
                         MEDIA_ROOT=os.path.join(tmpdir, "media"))
        started = time.perf_counter()
        with app.app_context():
            upgrade()
            from vgk import demo
            from vgk.models import Category, PickupPoint
            from vgk.services.catalogue import catalog

            summary = demo.seed_demo(**({"products": args.products} if args.products else {}))
            newest = catalog.newest_products(40)
            products = [f"/p/{p.public_id}" for p in newest]
            # The purchase: a listing on sale in a city with a pickup point, bought there.
            points = {p.city_id: p.id for p in db.session.scalars(select(PickupPoint))}
            target = next(p for p in newest if p.city_id in points and p.quantity > 0)
            bought, point_id = f"/p/{target.public_id}", points[target.city_id]
            categories = [c.slug for c in db.session.scalars(select(Category).where(Category.parent_id.isnot(None)))]
            db.session.remove()
        print(f"Demo data seeded in {time.perf_counter() - started:.1f} s: {summary.get('products')}, "
              f"{summary.get('images')} images")

        meter = Meter(app.wsgi_app)
        app.wsgi_app = meter
        server = make_server("127.0.0.1", args.port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"

        results = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                scenarios = [
                    ("(a) home, first visit", "home", lambda: first_visit(browser, base, args.scroll)),
                    ("(b) guest purchase, Mobile Money", "purchase",
                     lambda: guest_purchase(browser, base, bought, point_id, args.scroll)),
                    ("(c) 20 pages, one browser", "session",
                     lambda: warm_session(browser, base,
                                          session_paths(categories, [p for p in products if p != bought]),
                                          args.scroll)),
                ]
                print(f"\nTransferred bytes, headers included (1 KB = 1024 bytes); phone 360×640 @2x, "
                      f"service worker on{', pages scrolled to the end' if args.scroll else ', first screens'}")
                for title, budget, scenario in scenarios:
                    if budget not in only:
                        continue
                    context, run = scenario()
                    try:
                        before = None if args.scroll else BEFORE[budget]  # measured on first screens
                        results.append(summarise(title, measure(meter, run), BUDGETS[budget], before, args.verbose))
                    finally:
                        context.close()
            finally:
                browser.close()
    finally:
        if server is not None:
            server.shutdown()
        shutil.rmtree(tmpdir, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
