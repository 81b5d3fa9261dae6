"""Catalogue query latency on SQLite and PostgreSQL with a realistic 100 000-product catalogue.

Builds each database from the migrations, bulk-loads the same synthetic catalogue into both
(bench/catalog_data.py), runs ANALYZE, then times the real service calls the web views make
(`ListingFilters.from_params` + `list_products`, the product page and the home sections; the
mobile API's listings, which also count the results, as "(API)") and prints p50 / p95 in
milliseconds per group and database.

    .venv/bin/python bench/catalog_queries.py                  # 100 000 products, both databases
    .venv/bin/python bench/catalog_queries.py --products 5000 --iterations 50 --only sqlite
"""
import argparse
import gc
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from catalog_data import CATEGORIES, Catalogue  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from config import TestConfig  # noqa: E402
from vgk import create_app  # noqa: E402
from vgk.extensions import db  # noqa: E402
from vgk.models import Category, City, Product, User  # noqa: E402
from vgk.services.catalogue import catalog  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_GROUPS = ("list", "filtered list", "search", "list (API)", "filtered list (API)", "search (API)")
BATCH = 5_000

SEARCHES_COMMON = ["samsung", "tele", "télé", "TÉLÉ Samsung", "telephone", "téléphone tecno",
                   "iphone", "frigo", "réfrigérateur LG", "canapé", "canape cuir", "chaussures nike",
                   "toyota", "moto yamaha", "bon etat", "neuf", "livraison", "lg", "robe wax",
                   "ordinateur portable hp", "climatiseur", "vélo", "velo", "sams", "congel"]
SEARCHES_RARE = ["acajou", "ébène", "collector", "bubinga", "titane", "ngondo", "dedicace",
                 "balafon", "djembé", "PS5", "husqvarna", "victron", "landau", "ordinateur xyzzy",
                 "zzzz", "Maroua moto", "eto'o"]


def percentile(values, pct):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- parameters -----------------------------------------------------------------------------

def _price_bounds(rng, leaf_specs):
    low, high = rng.choice(leaf_specs)[-1]
    a = int(low * rng.uniform(1, 4))
    b = int(a * rng.uniform(2, 20))
    return a - a % 500, min(b - b % 500, high * 2)


def workload(catalogue, iterations, seed):
    """The same parameter sequences for both databases: {group: [params, ...]}."""
    rng = random.Random(seed)
    top = [(slug, [leaf for leaf in leaves]) for slug, _fr, _en, _icon, leaves in CATEGORIES]
    leaves = [(leaf[0], [leaf]) for _slug, _fr, _en, _icon, group in CATEGORIES for leaf in group]
    city_slugs = [c["slug"] for c in catalogue.cities]
    conditions = ["neuf", "comme_neuf", "bon", "acceptable"]

    def filters():
        slug, specs = rng.choice(top) if rng.random() < 0.5 else rng.choice(leaves)
        params = {"category": slug}
        if rng.random() < 0.85:
            params["city"] = rng.choice(city_slugs)
        if rng.random() < 0.8:
            params["min_price"], params["max_price"] = (str(v) for v in _price_bounds(rng, specs))
        if rng.random() < 0.6:
            params["condition"] = rng.choice(conditions)
        return params

    groups = {"list": [], "filtered list": [], "search": []}
    for _ in range(iterations):
        page = rng.randint(1, 10)
        groups["list"].append({"page": str(page)} if page > 1 else {})

        params = filters()
        params["sort"] = rng.choice(["newest", "price_asc", "price_desc"])
        page = rng.choices([1, 2, 3, 4, 5], [50, 20, 12, 10, 8])[0]
        if page > 1:
            params["page"] = str(page)
        groups["filtered list"].append(params)

        words = rng.choice(SEARCHES_COMMON) if rng.random() < 0.75 else rng.choice(SEARCHES_RARE)
        params = {"q": words}
        if rng.random() < 0.4:
            extra = filters()
            for key in rng.sample(sorted(extra), rng.randint(1, len(extra))):
                params[key] = extra[key]
        if rng.random() < 0.25:
            params["sort"] = rng.choice(["newest", "price_asc", "price_desc"])
        page = rng.choices([1, 2, 3, 5, 10], [60, 15, 10, 10, 5])[0]
        if page > 1:
            params["page"] = str(page)
        groups["search"].append(params)
    return groups


# --- loading --------------------------------------------------------------------------------

def load(app, catalogue, rows):
    """Schema from migrations, then Core bulk inserts in batches, then ANALYZE."""
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(insert(City.__table__), catalogue.cities)
            conn.execute(insert(Category.__table__), catalogue.categories)
            conn.execute(insert(User.__table__), catalogue.sellers)
        for start in range(0, len(rows), BATCH):
            with db.engine.begin() as conn:
                conn.execute(insert(Product.__table__), rows[start:start + BATCH])
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                for table in ("cities", "categories", "users", "products"):
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    ))
            # What autovacuum does after a bulk load: statistics, visibility map, GIN pending list.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        db.session.remove()
    return time.perf_counter() - started


# --- measuring ------------------------------------------------------------------------------

def timed(fn, *args):
    started = time.perf_counter()
    fn(*args)
    elapsed = (time.perf_counter() - started) * 1000
    db.session.remove()  # each web request gets a fresh session
    return elapsed


def listing_call(params):
    filters = catalog.ListingFilters.from_params(params)
    catalog.list_products(filters)


def counted_listing_call(params):
    """The mobile API's listing: the same page plus the number of results in all."""
    filters = catalog.ListingFilters.from_params(params)
    catalog.list_products(filters, 20, with_count=True)


def product_page_call(public_id):
    product = catalog.get_public_product(public_id)
    catalog.similar_products(product)


def home_call():
    catalog.newest_products(8)
    catalog.most_viewed_products(8)


def measure(app, groups, product_ids, warmup, slowest):
    results = {}
    with app.app_context():
        for name, calls in groups.items():
            for params in calls[:warmup]:
                timed(listing_call, params)
            for group, call in ((name, listing_call), (f"{name} (API)", counted_listing_call)):
                samples = [(timed(call, params), params) for params in calls]
                results[group] = [ms for ms, _ in samples]
                if slowest:
                    print(f"  [{db.engine.dialect.name}] slowest {group}:")
                    for ms, params in sorted(samples, key=lambda s: -s[0])[:slowest]:
                        print(f"    {ms:8.1f} ms  {params}")
        for public_id in product_ids[:warmup]:
            timed(product_page_call, public_id)
        results["product page"] = [timed(product_page_call, public_id) for public_id in product_ids]
        for _ in range(warmup):
            timed(home_call)
        results["home"] = [timed(home_call) for _ in product_ids]
    return results


# --- main -----------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100_000, help="products to load (default 100000)")
    parser.add_argument("--iterations", type=int, default=200, help="timed calls per group (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls per group first (default 20)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="run on one database only")
    parser.add_argument("--slowest", type=int, default=0, metavar="N",
                        help="also print the N slowest calls per group (for tuning)")
    args = parser.parse_args(argv)
    os.environ.setdefault("VGK_ENV", "test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    started = time.perf_counter()
    catalogue = Catalogue(seed=args.seed)
    rows = list(catalogue.products(args.products))
    active = len(catalogue.active_ids)
    generated = time.perf_counter() - started
    print(f"Generated {len(rows)} products ({active} ACTIVE), {len(catalogue.sellers)} sellers, "
          f"{len(catalogue.categories)} categories, {len(catalogue.cities)} cities in {generated:.1f} s")

    groups = workload(catalogue, args.iterations, args.seed)
    pick = random.Random(args.seed + 1)
    active_ids = set(catalogue.active_ids)
    public_ids = [row["public_id"] for row in rows if row["id"] in active_ids]
    product_ids = [pick.choice(public_ids) for _ in range(args.iterations)]

    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    tmpdir = tempfile.mkdtemp(prefix="vgk-bench-")
    apps, results, load_times = {}, {}, {}
    server = None
    try:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{tmpdir}/catalog.sqlite3"
            else:
                from tests.servers import PostgresServer

                server = PostgresServer().start()
                url = server.create_database("vgk_bench")
            apps[backend] = create_app(
                TestConfig, SQLALCHEMY_DATABASE_URI=url, MEDIA_ROOT=os.path.join(tmpdir, "media")
            )
            load_times[backend] = load(apps[backend], catalogue, rows)
            print(f"Loaded {backend} in {load_times[backend]:.1f} s", flush=True)
        # A web process does not hold 100 000 generated rows: drop them so that the garbage
        # collector's full passes over them do not show up as query latency.
        total = len(rows)
        del rows, public_ids
        gc.collect()
        gc.freeze()
        for backend in backends:
            print(f"Measuring {backend}...", flush=True)
            results[backend] = measure(apps[backend], groups, product_ids, args.warmup, args.slowest)
            with apps[backend].app_context():
                db.engine.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)

    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print()
    print(f"Catalogue queries: {total} products ({active} ACTIVE), {args.iterations} calls per group, "
          f"server-side ms (p50 / p95)")
    header = f"{'group':<24}" + "".join(f"{names[b]:>21}" for b in backends)
    print(header)
    print("-" * len(header))
    print(f"{'load (s)':<24}" + "".join(f"{load_times[b]:>21.1f}" for b in backends))
    for group in ("list", "filtered list", "search", "list (API)", "filtered list (API)", "search (API)",
                  "product page", "home"):
        cells = ""
        for backend in backends:
            values = results[backend][group]
            cells += f"{percentile(values, 50):>12.1f} / {percentile(values, 95):>6.1f}"
        print(f"{group:<24}{cells}")
    print()
    failed = False
    for backend in backends:
        for group in TARGET_GROUPS:
            p95 = percentile(results[backend][group], 95)
            ok = p95 <= TARGET_P95_MS
            failed |= not ok
            print(f"{'PASS' if ok else 'FAIL'}  {group} p95 on {names[backend]}: "
                  f"{p95:.1f} ms (target <= {TARGET_P95_MS:.0f} ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
