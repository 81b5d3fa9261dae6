"""Search latency on SQLite and PostgreSQL with 100 000 products: correct, misspelled, synonym and
zero-result queries through the search service (`catalog.find_products`, with the result count, as
the pages and the app ask for it), p50 / p95 / max in milliseconds per kind and database.

The catalogue is bench/catalog_data.py's, loaded the same way as bench/catalog_queries.py (the
`search_words` triggers run during the load), with a long tail of rarer words (names, places,
sellers' own spellings) added to a third of the descriptions, as a real catalogue has.

    .venv/bin/python bench/search.py                      # 100 000 products, both databases
    .venv/bin/python bench/search.py --products 5000 --only sqlite
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

from catalog_data import Catalogue  # noqa: E402
from catalog_queries import load, percentile  # noqa: E402

from config import TestConfig  # noqa: E402
from vgk import create_app  # noqa: E402
from vgk.extensions import db  # noqa: E402
from vgk.services.catalogue import catalog  # noqa: E402
from vgk.text import normalize  # noqa: E402

TARGET_P95_MS = 50.0
KINDS = ("correct", "misspelled", "misspelled, spelled right", "synonym", "zero-result")
CORRECT = ["samsung", "télé", "telephone tecno", "réfrigérateur LG", "canapé cuir", "chaussures nike",
           "moto yamaha", "ordinateur portable hp", "climatiseur", "vélo", "poussette", "matelas", "balafon",
           "congélateur", "bon etat", "robe wax", "guitare", "toyota corolla", "perceuse bosch", "sams"]
# Words to misspell, each once per query with one or two typing mistakes; some with a correct word.
TO_MISSPELL = ["telephone", "refrigerateur", "chaussures", "climatiseur", "ordinateur", "television", "samsung",
               "cuisiniere", "ventilateur", "matelas", "canape", "poussette", "guitare", "perceuse", "congelateur",
               "smartphone", "imprimante", "aspirateur", "bouilloire", "sandales", "tablette", "enceinte"]
SYNONYMS = ["frigo", "fridge", "phone", "tel samsung", "pagne", "wax", "laptop hp", "washing machine", "shoes nike",
            "sofa", "mattress", "bike", "motorcycle", "tv lg", "ordi", "bendskin", "sneakers", "fridge samsung",
            "cooker", "kaba"]
ZERO = ["xqzvw", "ordinateur xyzzy", "zzzz", "blorpt", "kwxyq mbzt", "frigo qwertz", "plouf plaf", "vbnmkl",
        "televisionnnnnnnn", "aaaaaaa bbbbbbb"]
TAIL_SYLLABLES = ["ba", "ko", "ndo", "mbe", "ta", "fo", "ngu", "si", "lo", "ma", "wé", "ka", "tchi", "po", "ri",
                  "dja", "mou", "ne", "zo", "bi", "gé", "yo", "la", "sso"]


def misspell(rng, word):
    """One or two of the usual mistakes: a letter dropped, doubled, replaced or swapped with the next."""
    for _ in range(rng.choice((1, 1, 2))):
        i = rng.randrange(1, len(word) - 1)
        mistake = rng.choice(("drop", "double", "replace", "swap"))
        if mistake == "drop":
            word = word[:i] + word[i + 1:]
        elif mistake == "double":
            word = word[:i] + word[i] + word[i:]
        elif mistake == "replace":
            word = word[:i] + rng.choice("aeioustrnl") + word[i + 1:]
        else:
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word


def workload(iterations, seed):
    """{kind: [query, ...]}, the same for both databases; the misspelled queries also as they should have
    been typed, to tell the correction's cost from the cost of what it searches."""
    rng = random.Random(seed)
    queries = {"correct": [rng.choice(CORRECT) for _ in range(iterations)],
               "synonym": [rng.choice(SYNONYMS) for _ in range(iterations)],
               "zero-result": [rng.choice(ZERO) for _ in range(iterations)],
               "misspelled": [], "misspelled, spelled right": []}
    for _ in range(iterations):
        word = rng.choice(TO_MISSPELL)
        typed = misspell(rng, word)
        other = f" {rng.choice(['samsung', 'lg', 'neuf'])}" if rng.random() < 0.3 else ""
        queries["misspelled"].append(typed + other)
        queries["misspelled, spelled right"].append(word + other)
    return queries


def with_long_tail(rows, seed):
    """A third of the descriptions get one or two rarer words (about 20 000 of them in all)."""
    rng = random.Random(seed)
    tail = ["".join(rng.choice(TAIL_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(20_000)]
    for row in rows:
        if rng.random() < 0.33:
            row["description"] += " " + " ".join(rng.choice(tail) for _ in range(rng.randint(1, 2))) + "."
            row["search_body"] = normalize(row["description"])
    return rows


def measure(app, queries, warmup):
    timings = {kind: [] for kind in KINDS}
    corrected = 0
    with app.app_context():
        for kind in KINDS:
            for query in queries[kind][:warmup]:
                catalog.find_products(catalog.ListingFilters.from_params({"q": query}), 20, with_count=True)
                db.session.remove()
            for query in queries[kind]:
                started = time.perf_counter()
                found = catalog.find_products(catalog.ListingFilters.from_params({"q": query}), 20, with_count=True)
                timings[kind].append((time.perf_counter() - started) * 1000)
                if kind == "misspelled" and found.did_you_mean:
                    corrected += 1
                db.session.remove()
        words = db.session.execute(db.text("SELECT count(*) FROM search_words")).scalar()
    return timings, corrected, words


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=100, help="timed queries per kind (default 100)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    os.environ.setdefault("VGK_ENV", "test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    catalogue = Catalogue(seed=args.seed)
    rows = with_long_tail(list(catalogue.products(args.products)), args.seed)
    queries = workload(args.iterations, args.seed)
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    tmpdir = tempfile.mkdtemp(prefix="vgk-bench-search-")
    server = None
    results = {}
    try:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{tmpdir}/search.sqlite3"
            else:
                from tests.servers import PostgresServer

                server = PostgresServer().start()
                url = server.create_database("vgk_bench_search")
            app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, MEDIA_ROOT=os.path.join(tmpdir, "media"))
            seconds = load(app, catalogue, rows)
            print(f"Loaded {len(rows)} products into {backend} in {seconds:.1f} s", flush=True)
            gc.collect()
            results[backend] = measure(app, queries, args.warmup)
            with app.app_context():
                db.engine.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)

    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print(f"\nSearch: {len(rows)} products, {args.iterations} queries per kind, server-side ms (p50 / p95 / max)")
    print(f"{'kind':<27}" + "".join(f"{names[b]:>26}" for b in backends))
    for kind in KINDS:
        cells = ""
        for backend in backends:
            values = results[backend][0][kind]
            cells += f"{percentile(values, 50):>10.1f} / {percentile(values, 95):>5.1f} / {max(values):>5.1f}"
        print(f"{kind:<27}{cells}")
    for backend in backends:
        _timings, corrected, words = results[backend]
        print(f"{names[backend]}: {words} distinct words; {corrected}/{args.iterations} misspelled queries corrected")
    failed = False
    for backend in backends:
        every = [ms for values in results[backend][0].values() for ms in values]
        for kind, values in [*results[backend][0].items(), ("all", every)]:
            p95 = percentile(values, 95)
            failed |= p95 > TARGET_P95_MS
            print(f"{'PASS' if p95 <= TARGET_P95_MS else 'FAIL'}  {kind} p95 on {names[backend]}: {p95:.1f} ms "
                  f"(target <= {TARGET_P95_MS:.0f} ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
