"""Bytes a phone downloads on its first visit and while browsing, service worker included, as Chromium
fetches them (Debian's /usr/bin/chromium through Playwright; it prints the Accept-Encoding it sent).

Serves the app from a real HTTP server thread on 127.0.0.1 with a WSGI wrapper that counts the bytes of
every answer (the service worker's own requests included, which the page's network log does not show).
Needs a database with the demo data: by default the development one `make run` built (instance/).
Prints the first visit of the home page (until the service worker is installed and the page settled),
then NAVIGATIONS page loads among the home page, the list and product pages, and how many of them fetched
/sw.js again and what those answers weighed.

    .venv/bin/python bench/first_visit.py [--database sqlite:///instance/vgk.sqlite3] [--navigations 20]
"""
import argparse
import os
import shutil
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from config import TestConfig  # noqa: E402
from vgk import create_app  # noqa: E402
from vgk.extensions import db  # noqa: E402

KB = 1024


class Counting:
    """A WSGI wrapper keeping (method, path, status, bytes) of every answer."""

    def __init__(self, app):
        self.app, self.seen, self.lock, self.encodings = app, [], threading.Lock(), set()

    def __call__(self, environ, start_response):
        status = {}

        def start(code, headers, exc_info=None):
            status["code"] = int(code.split()[0])
            return start_response(code, headers, exc_info)

        size = 0
        for chunk in self.app(environ, start):
            size += len(chunk)
            yield chunk
        with self.lock:
            self.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], status.get("code"), size))
            self.encodings.add(environ.get("HTTP_ACCEPT_ENCODING", ""))

    def take(self):
        with self.lock:
            seen, self.seen = self.seen, []
        return seen


def settle(page, seconds=2.0):
    page.wait_for_load_state("load")
    page.wait_for_timeout(int(seconds * 1000))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'instance' / 'vgk.sqlite3'}")
    parser.add_argument("--media", default=str(ROOT / "instance" / "media"))
    parser.add_argument("--navigations", type=int, default=20)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="vgk-first-visit-")
    database = args.database
    if database.startswith("sqlite:///"):  # a copy: the visits write behaviour events
        copy = os.path.join(work, "vgk.sqlite3")
        shutil.copy(database.removeprefix("sqlite:///"), copy)
        database = f"sqlite:///{copy}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database, MEDIA_ROOT=args.media, WTF_CSRF_ENABLED=True)
    with app.app_context():
        products = db.session.execute(text(
            "SELECT public_id FROM products WHERE status = 'ACTIVE' ORDER BY id LIMIT 8")).scalars().all()
    counting = Counting(app.wsgi_app)
    app.wsgi_app = counting
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, locale="fr-FR")
        page = context.new_page()
        page.goto(base + "/")
        settle(page, 3)
        first = counting.take()
        print(f"Accept-Encoding sent: {sorted(counting.encodings)}")
        print(f"first visit of /: {sum(s for *_, s in first) / KB:.1f} KB in {len(first)} answers")
        for method, path, status, size in first:
            print(f"  {method:4} {status} {size / KB:7.1f} KB  {path}")
        paths = ["/", "/produits"] + [f"/p/{public_id}" for public_id in products]
        for n in range(args.navigations):
            page.goto(base + paths[n % len(paths)])
            settle(page, 0.3)
        browsing = counting.take()
        sw = [size for _, path, _, size in browsing if path == "/sw.js"]
        statuses = Counter(status for _, path, status, _ in browsing if path == "/sw.js")
        print(f"{args.navigations} navigations: {sum(s for *_, s in browsing) / KB:.1f} KB in {len(browsing)} answers;"
              f" /sw.js fetched {len(sw)} times ({dict(statuses)}), {sum(sw) / KB:.1f} KB")
        static = [(path, status, size) for _, path, status, size in browsing if path.startswith("/static/")]
        print(f"  static files fetched again: {len(static)} ({sum(s for *_, s in static) / KB:.1f} KB)")
        browser.close()
    server.shutdown()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
