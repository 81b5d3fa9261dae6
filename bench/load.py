"""Mixed load on the production shape (`make up`): locust, headless, for a bounded time.

Brings the shape up in a temporary directory on free ports (vgk.ops.up: nginx in front of one gunicorn
process per core, at least two, the RQ worker, a throwaway PostgreSQL and Redis, the demo data), with a
bench-only app module that adds GET /_bare (a route that does nothing, the app's own hooks still run). Then
runs locust's users through nginx, each phase with the same number of users and no waiting between
requests (each user sends its next request when the last one is answered):

- mixed, for SECONDS: visitors browsing (home, catalogue and its second page, searches, product pages),
  guests buying (a product page, add to cart, the cart, the checkout form, a cash order at a pickup
  point, the order page: each on a product nobody has bought in the run), the mobile app's listing API,
  and two signed-in demo users chatting through the app's API (each message goes to the other's socket
  through Redis);
- browse only (the visitors' pages), then the two ceilings: /_bare through nginx and gunicorn, and a
  static file nginx sends itself (CEILING seconds each).

Prints, per endpoint, requests/s, p50 / p95 / p99 in ms and errors, the phases' totals, and the targets:
mixed ≥ 300 requests/s with p95 ≤ 250 ms and no error; browsing ≥ 40 % of the bare route. The load
generator runs on the same cores as the site: what it costs is counted against the site, as on a
phone-sized server hit from the same box. The rate limits per address (sign-in, checkout, chat) are
raised for the run: every user comes from 127.0.0.1.

    .venv/bin/python bench/load.py                       # 60 s mixed, 15 s per other phase, 32 users
    .venv/bin/python bench/load.py --seconds 20 --ceiling 8 --users 24      # quick
"""
# isort: off
from locust import FastHttpUser, constant, task  # first: locust patches the standard library for gevent
# isort: on
import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vgk.demo import DEMO_PASSWORD  # noqa: E402
from vgk.ops import up  # noqa: E402

RATE, P95_MS, SHARE = 300.0, 250.0, 0.40
APP_MODULE = '''
from wsgi import app

@app.get("/_bare")
def _bare():
    return "ok"
'''
SEARCHES = ["samsung", "tecno", "robe", "chaussures", "télé", "frigo", "iphone", "canapé", "sac", "ordinateur"]
# The limits per address that every user, all on 127.0.0.1, would reach at once.
BENCH_LIMITS = {"AUTH_RATE_LIMIT": "100000 per minute", "CHECKOUT_RATE_LIMIT": "100000 per minute",
                "CHAT_MESSAGES_PER_MINUTE": "100000", "MAX_UNPAID_ORDERS": "100000"}
CSRF = re.compile(r'name="csrf_token" value="([^"]*)"|<meta name="csrf-token" content="([^"]*)"')


class Site:
    """What the users share: the products on sale, those already bought in this run, the static file."""

    products: list[str] = []
    bought: set[str] = set()
    stylesheet = ""
    phones = itertools.count(1)


def _csrf(html):
    found = CSRF.search(html)
    return (found.group(1) or found.group(2) or "") if found else ""


class Visitor(FastHttpUser):
    """Browses as a visitor without a session: the pages the page cache keeps."""

    weight = 8
    wait_time = constant(0)

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def catalogue(self):
        self.client.get("/produits", name="catalogue")

    @task(1)
    def catalogue_page_2(self):
        self.client.get("/produits?page=2", name="catalogue page 2")

    @task(2)
    def search(self):
        self.client.get(f"/produits?q={random.choice(SEARCHES)}", name="search")

    @task(4)
    def product(self):
        self.client.get(f"/p/{random.choice(Site.products)}", name="product page")


class AppClient(FastHttpUser):
    """The mobile app's listing API."""

    weight = 2
    wait_time = constant(0)

    @task
    def listing(self):
        self.client.get(f"/mobile/api/products/?page={random.randint(1, 5)}", name="API products")


class Buyer(FastHttpUser):
    """A guest who buys one product after another, paying cash at a pickup point."""

    weight = 1
    wait_time = constant(0)

    @task
    def buy(self):
        free = [p for p in Site.products if p not in Site.bought]
        if not free:
            return
        product = random.choice(free)
        Site.bought.add(product)
        page = self.client.get(f"/p/{product}", name="checkout: product page").text
        self.client.post("/panier/ajouter", name="checkout: add to cart", allow_redirects=False,
                         data={"product": product, "quantity": "1", "csrf_token": _csrf(page)})
        self.client.get("/panier", name="checkout: cart")
        form = self.client.get("/commande", name="checkout: form").text
        point = re.search(r'<option value="(\d+)"', form)
        with self.client.post("/commande", name="checkout: place order", allow_redirects=False, catch_response=True,
                              data={"name": "Awa Bello", "phone": f"67{next(Site.phones):07d}",
                                    "fulfilment": "PICKUP", "pickup_point_id": point.group(1) if point else "",
                                    "payment_method": "CASH", "csrf_token": _csrf(form)}) as placed:
            if placed.status_code != 303:
                placed.failure(f"order not placed: {placed.status_code}")
                return
        self.client.get(placed.headers["Location"], name="checkout: order page")


class Chatter(FastHttpUser):
    """A signed-in demo user writing in a conversation and reading it (the app's API)."""

    fixed_count = 2
    wait_time = constant(0)
    accounts = itertools.cycle(["acheteur@vgk.test", "vendeur@vgk.test"])
    conversation = ""

    def on_start(self):
        email = next(Chatter.accounts)
        answer = self.client.post("/mobile/api/auth/login/", name="chat: sign in",
                                  json={"email": email, "password": DEMO_PASSWORD}).json()
        self.auth = {"Authorization": f"Bearer {answer['tokens']['access_token']}"}
        Chatter.conversation = Chatter.conversation or _conversation(self.host)

    @task
    def talk(self):
        path = f"/mobile/api/client/conversations/{Chatter.conversation}"
        self.client.post(f"{path}/send_text/", name="chat: send", headers=self.auth,
                         json={"text": "Toujours disponible ?"})
        self.client.get(f"{path}/messages/", name="chat: read", headers=self.auth)


def _conversation(url):
    """The buyer's conversation with the demo seller about one of the seller's listings."""
    def token(email):
        answer = requests.post(url + "/mobile/api/auth/login/", json={"email": email, "password": DEMO_PASSWORD})
        return {"Authorization": f"Bearer {answer.json()['tokens']['access_token']}"}

    listings = requests.get(url + "/mobile/api/client/listings/", headers=token("vendeur@vgk.test")).json()
    product = next(item["id"] for item in listings["results"] if item["status"] == "ACTIVE")
    opened = requests.post(url + "/mobile/api/client/conversations/open_for_product/",
                           headers=token("acheteur@vgk.test"), json={"product": product})
    return opened.json()["conversation"]["id"]


class Bare(FastHttpUser):
    wait_time = constant(0)

    @task
    def bare(self):
        self.client.get("/_bare", name="bare route (gunicorn)")


class Static(FastHttpUser):
    wait_time = constant(0)

    @task
    def stylesheet(self):
        self.client.get(Site.stylesheet, name="static file (nginx)", headers={"Accept-Encoding": "gzip"})


def run_phase(url, user_classes, users, seconds, warmup=3.0):
    """`users` users of these classes for `seconds` after `warmup` seconds not counted; locust's stats."""
    env = Environment(user_classes=user_classes, host=url)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users * 4)
    gevent.sleep(warmup)
    env.stats.reset_all()
    gevent.sleep(seconds)
    runner.quit()
    return env.stats


def _row(name, entry, seconds):
    return (f"{name:<28} {entry.num_requests / seconds:>8.1f} {entry.get_response_time_percentile(0.5):>7.0f} "
            f"{entry.get_response_time_percentile(0.95):>7.0f} {entry.get_response_time_percentile(0.99):>7.0f} "
            f"{entry.num_failures:>7}")


def report(title, stats, seconds):
    print(f"\n{title}")
    print(f"{'endpoint':<28} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}")
    for entry in sorted(stats.entries.values(), key=lambda e: -e.num_requests):
        print(_row(entry.name, entry, seconds))
    print(_row("total", stats.total, seconds))
    for (method, name), error in stats.errors.items():
        print(f"  error {method} {name}: {error.error} × {error.occurrences}")
    return stats.total.num_requests / seconds, stats.total.get_response_time_percentile(0.95), stats.total.num_failures


def _on_sale(url):
    found, page = [], 1
    while page:
        answer = requests.get(f"{url}/mobile/api/products/", params={"page": page}).json()
        found += [item["id"] for item in answer["results"]]
        page = page + 1 if answer.get("next") else 0
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="mixed phase (default 60)")
    parser.add_argument("--ceiling", type=int, default=15, help="each other phase (default 15)")
    parser.add_argument("--users", type=int, default=32, help="users at once in each phase (default 32)")
    parser.add_argument("--products", type=int, default=220, help="demo listings (default 220, as seed-demo)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="vgk-load-"))
    work.chmod(0o755)
    (work / "bench_app.py").write_text(APP_MODULE)
    environ = {key: value for key, value in os.environ.items()
               if key not in ("DATABASE_URL", "REDIS_URL", "PUBLIC_URL", "SECRET_KEY", "MEDIA_ROOT")
               and not key.startswith(("VGK_", "TEST_"))}
    environ.update(BENCH_LIMITS, PYTHONPATH=f"{work}:{ROOT}")
    print("starting the production shape (make up) with the demo data...", flush=True)
    started = time.monotonic()
    shape = up.start(str(work / "run"), port=0, app="bench_app:app", demo_products=args.products, environ=environ)
    try:
        url = shape.url
        print(f"up in {time.monotonic() - started:.0f} s at {url}: nginx, {len(shape.web_ports)} web processes "
              f"(gunicorn, 1 worker each), the RQ worker, PostgreSQL, Redis; {os.cpu_count()} cores")
        Site.products = _on_sale(url)
        Buyer.default_headers = {"Origin": url}  # as browsers send with every POST
        home = requests.get(url + "/").text
        Site.stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', home).group(1)
        for path in ["/", "/produits", "/produits?page=2", "/mobile/api/products/"]:
            requests.get(url + path)  # warm-up
        print(f"{len(Site.products)} products on sale; {args.users} users per phase, no wait between requests; "
              f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        mixed = report(f"mixed, {args.seconds} s", run_phase(url, [Visitor, AppClient, Buyer, Chatter], args.users,
                                                             args.seconds), args.seconds)
        load_after_mixed = os.getloadavg()
        browse = report(f"browse only, {args.ceiling} s", run_phase(url, [Visitor], args.users, args.ceiling),
                        args.ceiling)
        bare = report(f"bare route through nginx, {args.ceiling} s", run_phase(url, [Bare], args.users, args.ceiling),
                      args.ceiling)
        static = report(f"static file from nginx, {args.ceiling} s",
                        run_phase(url, [Static], args.users, args.ceiling), args.ceiling)
        print(f"\nload average after the mixed phase: {' '.join(f'{n:.2f}' for n in load_after_mixed)}; "
              f"at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        print(f"ceilings: static file {static[0]:.0f} req/s, bare route {bare[0]:.0f} req/s; "
              f"browsing {browse[0]:.0f} req/s = {browse[0] / bare[0]:.0%} of the bare route")
        mixed_ok = mixed[0] >= RATE and mixed[1] <= P95_MS and mixed[2] == 0
        share_ok = browse[0] >= SHARE * bare[0] and browse[2] == 0
        print(f"mixed ≥ {RATE:.0f} req/s, p95 ≤ {P95_MS:.0f} ms, no error: {mixed[0]:.0f} req/s, "
              f"p95 {mixed[1]:.0f} ms, {mixed[2]} errors  {'PASS' if mixed_ok else 'FAIL'}")
        print(f"browsing ≥ {SHARE:.0%} of the bare route: {browse[0] / bare[0]:.0%}  {'PASS' if share_ok else 'FAIL'}")
        return 0 if mixed_ok and share_ok else 1
    finally:
        up.stop(shape.run_dir)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
