"""Lighthouse scores of the storefront on a phone, and the home page's Largest Contentful Paint on a slow network.

Builds a throwaway SQLite database from the migrations, fills it with the demo data (`vgk.demo.seed_demo`),
serves the app in French on 127.0.0.1 (port 5450 unless --port) and runs the Lighthouse CLI (npm, installed
in bench/lighthouse-cli by `make bench-lighthouse`) in Debian's Chromium (CHROME_PATH=/usr/bin/chromium,
headless, no sandbox) with its default mobile settings on:
home, catalogue, one product, and, as a guest with that product in the cart, the cart and the checkout.
Prints the four category scores of each page, PASS when each is at least 95.

Then the home page once more with DevTools throttling at 300 ms round trips and 700 kbit/s each way
(Lighthouse's own default 4× CPU slowdown), three times: the median Largest Contentful Paint, PASS at 2 s or
less.

    make bench-lighthouse        # or: .venv/bin/python bench/lighthouse.py [--port 5450] [--verbose]
"""
import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from config import TestConfig  # noqa: E402
from vgk import create_app  # noqa: E402
from vgk.extensions import db  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "lighthouse-cli" / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --lang=fr-FR"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SCORE_TARGET = 95
LCP_TARGET_MS = 2000
SLOW_NETWORK = ["--throttling-method=devtools", "--throttling.requestLatencyMs=300",
                "--throttling.downloadThroughputKbps=700", "--throttling.uploadThroughputKbps=700"]


def seed(app):
    """The demo data, and a guest's cart holding one product: (that product's path, the guest's cookie)."""
    from flask_migrate import upgrade

    from vgk import demo
    from vgk.models import Product, ProductStatus
    from vgk.services.commerce import cart as carts

    with app.app_context():
        upgrade()
        demo.seed_demo()
        public_id = db.session.scalar(db.select(Product.public_id).where(Product.status == ProductStatus.ACTIVE)
                                      .order_by(Product.id))
        key = carts.new_session_key()
        carts.add(public_id, 1, session_key=key)
        cookie = app.session_interface.get_signing_serializer(app).dumps({"cart_key": key})
        db.session.remove()
    return f"/p/{public_id}", f"{app.config['SESSION_COOKIE_NAME']}={cookie}"


def lighthouse(url, workdir, headers, extra=()):
    """Lighthouse's JSON report for the page."""
    out = Path(workdir) / "report.json"
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}",
               f"--extra-headers={json.dumps(headers)}", *extra]
    env = dict(os.environ, CHROME_PATH=CHROME)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"lighthouse failed on {url} ({done.returncode}):\n{done.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    if report.get("runtimeError"):
        raise SystemExit(f"lighthouse could not load {url}: {report['runtimeError']}")
    return report


def failing_audits(report, category):
    """The audits that cost the category points: (id, score, title), worst first."""
    audits = report["audits"]
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            found.append((ref["id"], audit["score"], audit.get("displayValue") or audit["title"]))
    return sorted(found, key=lambda item: item[1])


def print_scores(base, pages, workdir, verbose):
    """Each page's four scores and PASS/FAIL, with the audits that cost points; True when all pass."""
    print(f"\nLighthouse (mobile), PASS when every category is at least {SCORE_TARGET}")
    print(f"{'page':<24}" + "".join(f"{name:>16}" for name in CATEGORIES) + "   result")
    print("-" * 96)
    all_pass = True
    for name, path, headers in pages:
        report = lighthouse(base + path, workdir, headers)
        scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
        ok = all(score >= SCORE_TARGET for score in scores.values())
        all_pass &= ok
        print(f"{name:<24}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES) + f"   {'PASS' if ok else 'FAIL'}")
        for category in CATEGORIES:
            if verbose or scores[category] < SCORE_TARGET:
                for audit_id, score, shown in failing_audits(report, category):
                    print(f"    {category}: {audit_id} ({score:.2f}) {shown}")
    return all_pass


def print_lcp(base, headers, workdir, count, verbose):
    """The home page's median LCP over `count` slow-network runs, PASS/FAIL; True when it passes."""
    runs = [lighthouse(base + "/", workdir, headers, SLOW_NETWORK)["audits"] for _ in range(count)]
    runs.sort(key=lambda audits: audits["largest-contentful-paint"]["numericValue"])
    median = runs[len(runs) // 2]
    lcp = median["largest-contentful-paint"]["numericValue"]
    ok = lcp <= LCP_TARGET_MS
    every = ", ".join(f"{a['largest-contentful-paint']['numericValue'] / 1000:.2f}" for a in runs)
    print(f"\nHome LCP, DevTools throttling 300 ms RTT / 700 kbit/s, median of {len(runs)} ({every} s): "
          f"{lcp / 1000:.2f} s (target ≤ {LCP_TARGET_MS / 1000:.0f} s) {'PASS' if ok else 'FAIL'}")
    if verbose or not ok:
        for table in median.get("largest-contentful-paint-element", {}).get("details", {}).get("items", []):
            for row in table.get("items", []):
                if "node" in row:
                    print(f"    element: {row['node'].get('selector')} {row['node'].get('snippet', '')[:120]}")
                elif "phase" in row:
                    print(f"    {row['phase']}: {row['timing']:.0f} ms")
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=5450)
    parser.add_argument("--lcp-runs", type=int, default=3, help="slow-network runs of the home page (median)")
    parser.add_argument("--verbose", action="store_true", help="list the audits below full marks on every page")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci --prefix bench/lighthouse-cli` (make bench-lighthouse)")
    if not Path(CHROME).exists():
        raise SystemExit(f"{CHROME} is missing: make system-deps installs Debian's chromium")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    tmpdir = tempfile.mkdtemp(prefix="vgk-lighthouse-")
    server = None
    try:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmpdir}/lighthouse.sqlite3",
                         MEDIA_ROOT=os.path.join(tmpdir, "media"), RATELIMIT_ENABLED=False)
        started = time.perf_counter()
        logging.disable(logging.INFO)  # the migrations' log lines
        product, cookie = seed(app)
        logging.disable(logging.NOTSET)
        print(f"Demo data seeded in {time.perf_counter() - started:.1f} s")
        server = make_server("127.0.0.1", args.port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{args.port}"
        french = {"Accept-Language": "fr-FR,fr;q=0.9"}
        guest = dict(french, Cookie=cookie)
        request = urllib.request.Request(base + "/", headers=french)
        with urllib.request.urlopen(request, timeout=30) as response:
            if '<html lang="fr">' not in response.read().decode():
                raise SystemExit("the home page is not served in French")
        pages = [("home", "/", french), ("catalogue", "/produits", french), ("product", product, french),
                 ("cart (guest, 1 item)", "/panier", guest), ("checkout (guest)", "/commande", guest)]

        all_pass = print_scores(base, pages, tmpdir, args.verbose)
        lcp_ok = print_lcp(base, french, tmpdir, args.lcp_runs, args.verbose)
    finally:
        if server is not None:
            server.shutdown()
        shutil.rmtree(tmpdir, ignore_errors=True)
    return 0 if all_pass and lcp_ok else 1


if __name__ == "__main__":
    sys.exit(main())
