"""Administration page latency: the dashboard (7/30/90 days) and the moderation queue, SQLite and PostgreSQL.

Builds each database from the migrations, bulk-loads the synthetic catalogue (bench/catalog_data.py,
with about 1 000 PENDING products waiting for moderation), buyers, 20 pickup points and orders with
their items spread over 120 days, statuses and cities, then renders the pages through the Flask test
client as a signed-in admin and prints p50 / p95 in milliseconds (server time: view, SQL, template).

    .venv/bin/python bench/admin_pages.py                                   # 100 000 products, 20 000 orders
    .venv/bin/python bench/admin_pages.py --products 5000 --orders 2000     # quick
"""
import argparse
import gc
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from catalog_data import Catalogue  # noqa: E402
from catalog_queries import percentile  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from config import TestConfig  # noqa: E402
from vgk import create_app  # noqa: E402
from vgk.extensions import db  # noqa: E402
from vgk.models import (  # noqa: E402
    Category,
    City,
    Order,
    OrderItem,
    PickupPoint,
    Product,
    Role,
    TwoFactor,
    User,
)
from vgk.models.base import utcnow  # noqa: E402

DASHBOARD_P95_MS = 300.0
MODERATION_P95_MS = 100.0
BATCH = 5_000
DAYS = 120
STATUSES = ["PENDING_PAYMENT", "PAID", "AT_PICKUP", "READY", "COMPLETED", "OUT_FOR_DELIVERY", "DELIVERED",
            "CANCELLED", "EXPIRED", "REFUNDED"]
# Older orders are mostly finished; these weights are for the whole spread.
STATUS_WEIGHTS = [3, 4, 3, 3, 45, 2, 15, 8, 15, 2]


def build(catalogue, products, orders, buyers, pending, seed):
    """All rows to insert: {table: [row, ...]}, the same for both databases."""
    rng = random.Random(seed)
    now = catalogue.now
    rows = list(catalogue.products(products))
    # About `pending` products wait for moderation (the generator makes ~3 %): the rest go live.
    waiting = 0
    for row in rows:
        if row["status"] == "PENDING":
            waiting += 1
            if waiting > pending:
                row["status"], row["published_at"] = "ACTIVE", row["created_at"]
            else:
                row["submitted_at"] = row["created_at"]
    points = []
    for city in catalogue.cities:
        for n in range(2):
            points.append({"id": len(points) + 1, "public_id": f"pp{city['id']}x{n}", "city_id": city["id"],
                           "name": f"Point relais {city['name']} {n + 1}", "address": f"Rue {n + 1}"})
    first_id = len(catalogue.sellers) + 1
    users = []
    for n in range(buyers):
        created = now - timedelta(seconds=rng.randint(0, DAYS * 86400))
        users.append({"id": first_id + n, "public_id": f"buyer{n}", "name": f"Acheteur {n}",
                      "email": f"acheteur{n}@bench.cm", "phone": f"+2379{n:08d}", "role": "CLIENT",
                      "status": "ACTIVE", "locale": "fr", "created_at": created, "two_factor": None,
                      "phone_verified_at": None, "city_id": rng.randint(1, len(catalogue.cities))})
    admin_id = first_id + buyers
    users.append({"id": admin_id, "public_id": "benchadmin", "name": "Admin Bench", "email": "admin@bench.cm",
                  "phone": "+237599999999", "role": Role.ADMIN, "status": "ACTIVE", "locale": "fr",
                  "two_factor": TwoFactor.SMS, "phone_verified_at": now, "created_at": now - timedelta(days=400),
                  "city_id": None})
    by_id = {row["id"]: row for row in rows}
    order_rows, item_rows = [], []
    ages = sorted((rng.randint(0, DAYS * 86400) for _ in range(orders)), reverse=True)
    for n in range(orders):
        created = now - timedelta(seconds=ages[n])
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        delivery = rng.random() < 0.15
        point = rng.choice(points)
        subtotal = commission = 0
        for _ in range(rng.choice((1, 1, 1, 2))):
            product = by_id[rng.randint(1, len(rows))]
            line_commission = product["price"] * 8 // 100
            subtotal += product["price"]
            commission += line_commission
            item_rows.append({"order_id": n + 1, "product_id": product["id"], "seller_id": product["seller_id"],
                              "title": product["title"], "unit_price": product["price"], "quantity": 1,
                              "commission": line_commission})
        fee = 1_500 if delivery else 0
        order_rows.append({
            "id": n + 1, "reference": f"VGK{n + 1:08d}", "public_id": f"o{n + 1}",
            "buyer_id": rng.choice(users[:-1])["id"] if users[:-1] and rng.random() < 0.7 else None,
            "customer_name": "Client Bench", "customer_phone": f"+2376{rng.randint(0, 99_999_999):08d}",
            "fulfilment": "DELIVERY" if delivery else "PICKUP",
            "pickup_point_id": None if delivery else point["id"],
            "delivery_city_id": point["city_id"] if delivery else None,
            "delivery_address": "Quartier Bench" if delivery else None,
            "payment_method": rng.choice(("MTN_MOMO", "ORANGE_MONEY", "CASH")), "status": status,
            "subtotal": subtotal, "delivery_fee": fee, "commission": commission, "total": subtotal + fee,
            "created_at": created, "updated_at": created,
        })
    return {"products": rows, "pickup_points": points, "users": users, "orders": order_rows,
            "order_items": item_rows}, admin_id


def load(app, catalogue, data):
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(insert(City.__table__), catalogue.cities)
            conn.execute(insert(Category.__table__), catalogue.categories)
            conn.execute(insert(User.__table__), catalogue.sellers)
        tables = {"users": User, "pickup_points": PickupPoint, "products": Product, "orders": Order,
                  "order_items": OrderItem}
        for name, model in tables.items():
            rows = data[name]
            for start in range(0, len(rows), BATCH):
                with db.engine.begin() as conn:
                    conn.execute(insert(model.__table__), rows[start:start + BATCH])
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                for table in ("cities", "categories", "users", "pickup_points", "products", "orders", "order_items"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT coalesce(max(id), 1) FROM {table}))"))
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        db.session.remove()
    return time.perf_counter() - started


def signed_in_client(app, admin_id):
    """A test client holding a real sign-in session of the admin (as tests.factories.sign_in does)."""
    from vgk.services.accounts import sessions

    with app.app_context():
        auth_session = sessions.start(db.session.get(User, admin_id), ip="127.0.0.1", user_agent="bench")
        public_id = auth_session.public_id
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = public_id
        session["_fresh"] = True
    return client


def timed_get(client, url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return elapsed


def measure(app, admin_id, iterations, warmup, city_slug):
    client = signed_in_client(app, admin_id)
    pages = {f"dashboard {days} d": f"/admin?days={days}" for days in (7, 30, 90)}
    pages["dashboard 30 d city"] = f"/admin?days=30&city={city_slug}"
    pages["dashboard htmx"] = None
    if any(rule.rule == "/admin/moderation" for rule in app.url_map.iter_rules()):
        pages["moderation queue"] = "/admin/moderation"
    results = {}
    for name, url in pages.items():
        if url is None:  # the fragment htmx swaps
            for _ in range(warmup):
                client.get("/admin?days=90", headers={"HX-Request": "true"})
            started = []
            for _ in range(iterations):
                t = time.perf_counter()
                client.get("/admin?days=90", headers={"HX-Request": "true"})
                started.append((time.perf_counter() - t) * 1000)
            results[name] = started
            continue
        for _ in range(warmup):
            timed_get(client, url)
        results[name] = [timed_get(client, url) for _ in range(iterations)]
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100_000, help="products to load (default 100000)")
    parser.add_argument("--orders", type=int, default=20_000, help="orders to load (default 20000)")
    parser.add_argument("--buyers", type=int, default=5_000, help="buyer accounts (default 5000)")
    parser.add_argument("--pending", type=int, default=1_000, help="products waiting for moderation (default 1000)")
    parser.add_argument("--iterations", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first (default 20)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="run on one database only")
    args = parser.parse_args(argv)
    os.environ.setdefault("VGK_ENV", "test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    started = time.perf_counter()
    catalogue = Catalogue(seed=args.seed, now=utcnow())  # the dashboard counts back from today
    data, admin_id = build(catalogue, args.products, args.orders, args.buyers, args.pending, args.seed)
    pending = sum(1 for row in data["products"] if row["status"] == "PENDING")
    print(f"Generated {len(data['products'])} products ({pending} PENDING), {len(data['orders'])} orders "
          f"({len(data['order_items'])} items) over {DAYS} days, {len(data['users'])} buyers+admin in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    city_slug = catalogue.cities[0]["slug"]

    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    tmpdir = tempfile.mkdtemp(prefix="vgk-bench-admin-")
    apps, results, load_times = {}, {}, {}
    server = None
    try:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{tmpdir}/admin.sqlite3"
            else:
                from tests.servers import PostgresServer

                server = PostgresServer().start()
                url = server.create_database("vgk_bench_admin")
            apps[backend] = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False,
                                       MEDIA_ROOT=os.path.join(tmpdir, "media"))
            load_times[backend] = load(apps[backend], catalogue, data)
            print(f"Loaded {backend} in {load_times[backend]:.1f} s", flush=True)
        del data
        gc.collect()
        gc.freeze()
        for backend in backends:
            print(f"Measuring {backend}...", flush=True)
            results[backend] = measure(apps[backend], admin_id, args.iterations, args.warmup, city_slug)
            with apps[backend].app_context():
                db.engine.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)

    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print()
    print(f"Admin pages: {args.products} products, {args.orders} orders, {args.iterations} requests per page, "
          f"server-side ms through the test client (p50 / p95)")
    header = f"{'page':<22}" + "".join(f"{names[b]:>21}" for b in backends)
    print(header)
    print("-" * len(header))
    print(f"{'load (s)':<22}" + "".join(f"{load_times[b]:>21.1f}" for b in backends))
    for page in results[backends[0]]:
        cells = "".join(f"{percentile(results[b][page], 50):>12.1f} / {percentile(results[b][page], 95):>6.1f}"
                        for b in backends)
        print(f"{page:<22}{cells}")
    print()
    failed = False
    if "postgresql" in results:
        for page, values in results["postgresql"].items():
            target = MODERATION_P95_MS if page == "moderation queue" else DASHBOARD_P95_MS
            p95 = percentile(values, 95)
            ok = p95 <= target
            failed |= not ok
            print(f"{'PASS' if ok else 'FAIL'}  {page} p95 on PostgreSQL: {p95:.1f} ms (target <= {target:.0f} ms)")
    else:
        print("(targets are for PostgreSQL: run without --only sqlite to check them)")
    if "moderation queue" not in results[backends[0]]:
        print("moderation queue not available yet")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
