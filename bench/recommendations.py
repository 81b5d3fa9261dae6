"""Recommendation quality and serving speed.

Quality: a synthetic catalogue (bench/catalog_data.py: 10 000 products, French titles, ten cities) and a
behaviour log with the structure of a real one: 2 000 people, each with a home city, one to three
favourite top-level categories, a preferred subcategory in each and a price level; they browse in
sessions (a subcategory near their price, mostly in their city, products of some appeal more than
others, one item leading to a similar one), sometimes from what is popular in their city, and like, put
in a cart, make offers and buy some of what they see. Each person's last new product is held out with
everything after it; the recommenders learn from the rest (the same code as the job and the pages:
vgk.services.discovery.recommenders) and each proposes ten products the person has not seen yet.
HitRate@10 is the share of people whose held-out product is among the ten, NDCG@10 also rewards its
rank. Popularity (the products most people looked at) is the baseline.

Speed: 100 000 products and a proportional log loaded into SQLite (and PostgreSQL with --postgresql),
the job (`build.rebuild`) run once, then the services the pages call are timed: a person's feed, a
product's similar items and seen-together items, a city's trend.

    .venv/bin/python bench/recommendations.py                 # quality, then speed on SQLite
    .venv/bin/python bench/recommendations.py --postgresql    # speed on both databases
    .venv/bin/python bench/recommendations.py --quality-only
"""
import argparse
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from catalog_data import CITY_WEIGHTS, Catalogue  # noqa: E402

from vgk.services.discovery import recommenders  # noqa: E402

K = 10
TARGET_P95_MS = 20.0
KINDS_AFTER_VIEW = (("favourite", 0.06), ("cart", 0.04), ("offer", 0.02), ("purchase", 0.015))


# --- a world of products and people --------------------------------------------------------------

class World:
    """Products (from the catalogue generator) and people with tastes, and their behaviour log."""

    def __init__(self, products, people, seed, days=30):
        self.rng = random.Random(seed)
        self.catalogue = Catalogue(seed=seed)
        self.rows = list(self.catalogue.products(products))
        self.family_of = {c["id"]: c["parent_id"] or c["id"] for c in self.catalogue.categories}
        self.days = days
        self.now = self.catalogue.now
        rng = self.rng
        # A product's appeal: photos, price, title... most are ordinary, a few attract many.
        self.appeal = {row["id"]: rng.lognormvariate(0, 1.0) for row in self.rows}
        self._word_index = {}
        self.by_leaf_city = defaultdict(list)
        self.by_leaf = defaultdict(list)
        for row in self.rows:
            self.by_leaf[row["category_id"]].append(row)
            self.by_leaf_city[(row["category_id"], row["city_id"])].append(row)
        self.leaves_of = defaultdict(list)
        for leaf_id, parent_id, _spec in self.catalogue.leaves:
            self.leaves_of[parent_id].append(leaf_id)
        self.median_price = {leaf: statistics.median(r["price"] for r in rows) for leaf, rows in self.by_leaf.items()}
        city_ids = [c["id"] for c in self.catalogue.cities]
        families = list(self.leaves_of)
        self.popular_in_city = {}
        for city in city_ids:
            pool = [r for r in self.rows if r["city_id"] == city]
            self.popular_in_city[city] = (pool, [self.appeal[r["id"]] ** 2 for r in pool])
        self.people = []
        for n in range(people):
            taste_count = rng.choices((1, 2, 3), (0.4, 0.4, 0.2))[0]
            tastes = rng.sample(families, taste_count)
            self.people.append({
                "id": n + 1,
                "city": rng.choices(city_ids, CITY_WEIGHTS)[0],
                "tastes": tastes,
                "taste_weights": [rng.random() + 0.2 for _ in tastes],
                "leaf": {family: rng.choice(self.leaves_of[family]) for family in tastes},
                "price": rng.lognormvariate(0, 0.5),
                "activity": rng.lognormvariate(math.log(5), 0.6),  # sessions in the period
            })

    def _candidates(self, person, leaf):
        """A subcategory's products as a person sees them: mostly in their city, near their price."""
        home = self.by_leaf_city.get((leaf, person["city"]), [])
        pool = home if home and self.rng.random() < 0.85 else self.by_leaf[leaf]
        target = math.log(self.median_price[leaf] * person["price"])
        weights = [self.appeal[r["id"]] * math.exp(-((math.log(r["price"]) - target) ** 2) / 0.8) for r in pool]
        return pool, weights

    def _words(self, pool):
        """The positions in `pool` of the products whose title has each word (built once per pool)."""
        index = self._word_index.get(id(pool))
        if index is None:
            index = defaultdict(list)
            for position, row in enumerate(pool):
                for word in set(row["title"].split()):
                    index[word].append(position)
            self._word_index[id(pool)] = index
        return index

    def log(self):
        """The behaviour log: (person, product, kind, time) in time order."""
        rng = self.rng
        events = []
        start = self.now - timedelta(days=self.days)
        for person in self.people:
            sessions = max(1, int(rng.expovariate(1 / person["activity"])) + 1)
            for _ in range(sessions):
                at = start + timedelta(seconds=rng.uniform(0, self.days * 86400))
                if rng.random() < 0.15:  # from the home page: what is popular in town
                    pool, weights = self.popular_in_city[person["city"]]
                    seen = rng.choices(pool, weights, k=rng.randint(1, 3))
                else:
                    family = rng.choices(person["tastes"], person["taste_weights"])[0]
                    leaf = person["leaf"][family] if rng.random() < 0.7 else rng.choice(self.leaves_of[family])
                    pool, weights = self._candidates(person, leaf)
                    if not pool:
                        continue
                    seen = [rng.choices(pool, weights)[0]]
                    for _ in range(rng.randint(1, 7)):
                        previous = seen[-1]
                        if rng.random() < 0.5:  # one listing leads to a like one: same brand or word
                            word = previous["title"].split()[min(1, len(previous["title"].split()) - 1)]
                            alike = self._words(pool).get(word)
                            if alike:
                                seen.append(pool[rng.choices(alike, [weights[i] for i in alike])[0]])
                                continue
                        seen.append(rng.choices(pool, weights)[0])
                for row in seen:
                    at += timedelta(seconds=rng.randint(20, 240))
                    events.append((person["id"], row["id"], "view", at))
                    for kind, chance in KINDS_AFTER_VIEW:
                        if rng.random() < chance:
                            events.append((person["id"], row["id"], kind, at + timedelta(seconds=5)))
        events.sort(key=lambda event: event[3])
        return events


# --- quality --------------------------------------------------------------------------------------

def split(events):
    """Each person's last new product is held out, with everything they did from then on."""
    by_person = defaultdict(list)
    for event in events:
        by_person[event[0]].append(event)
    held, train = {}, []
    for person, own in by_person.items():
        cut = None
        for index in range(len(own) - 1, 0, -1):
            product = own[index][1]
            if own[index][2] == "view" and all(e[1] != product for e in own[:index]):
                cut = index
                break
        if cut is None:
            train += own
            continue
        held[person] = own[cut][1]
        train += own[:cut]
    train.sort(key=lambda event: event[3])
    return train, held


def metrics(ranked_lists, held):
    hits, gains = 0, 0.0
    for person, target in held.items():
        ranked = ranked_lists.get(person, [])[:K]
        if target in ranked:
            hits += 1
            gains += 1 / math.log2(ranked.index(target) + 2)
    return hits / len(held), gains / len(held)


def quality(world, events):
    train, held = split(events)
    now = world.now
    items = [recommenders.Item(id=r["id"], text=f"{r['title']} {r['title']} {r['description'][:400]}",
                               family=world.family_of[r["category_id"]], category=r["category_id"],
                               city=r["city_id"], price=r["price"]) for r in world.rows]
    places = {item.id: (item.city, item.family) for item in items}
    histories = defaultdict(list)
    for person, product, _kind, _at in train:
        history = histories[person]
        if product in history:
            history.remove(product)
        history.append(product)
        del history[:-50]
    started = time.perf_counter()
    content = recommenders.content_neighbours(items)
    content_seconds = time.perf_counter() - started
    started = time.perf_counter()
    coview = recommenders.coview_neighbours(histories.values())
    coview_seconds = time.perf_counter() - started
    trend = recommenders.trending(((p, product, kind, (now - at).total_seconds() / 3600)
                                   for p, product, kind, at in train), places)
    popularity = [product for product, _n in Counter(
        product for product in {(p, product) for p, product, _k, _a in train}.__iter__()).most_common()]
    popularity = [product for product, _n in Counter(product for _p, product in
                                                      {(p, pr) for p, pr, _k, _a in train}).most_common()]
    own_events = defaultdict(list)
    for person, product, kind, _at in train:
        own_events[person].append((product, kind))

    def neighbours_of(history, sources):
        found = {}
        for product, _kind in history:
            found[product] = [(other, score, name) for name, table in sources
                              for other, score in table.get(product, ())]
        return found

    lists = {name: {} for name in ("popularity", "trending in the person's city", "content (alike)",
                                   "seen together", "blend (shipped)")}
    for person in held:
        history = recommenders.recent_history(reversed(own_events.get(person, [])))
        seen = {product for product, _kind in own_events.get(person, [])}
        cities = Counter(places[product][0] for product, _kind in history)
        city = cities.most_common(1)[0][0] if cities else 0
        families = [f for f, _n in Counter(places[product][1] for product, _kind in history).most_common(2)]
        local = recommenders.local_trend(
            [(product, score, 0) for product, score in trend.get((city, 0), [])]
            + [(product, score, family) for family in families for product, score in trend.get((city, family), [])])
        lists["popularity"][person] = [p for p in popularity[:K + len(seen)] if p not in seen][:K]
        lists["trending in the person's city"][person] = [p for p, _s in trend.get((city, 0), []) if p not in seen][:K]
        lists["content (alike)"][person] = [pick.product_id for pick in recommenders.blend(
            history, neighbours_of(history, [("content", content)]), [], exclude=seen, k=K)]
        lists["seen together"][person] = [pick.product_id for pick in recommenders.blend(
            history, neighbours_of(history, [("coview", coview)]), [], exclude=seen, k=K)]
        lists["blend (shipped)"][person] = [pick.product_id for pick in recommenders.blend(
            history, neighbours_of(history, [("coview", coview), ("content", content)]), local, exclude=seen, k=K)]
    print(f"\nQuality: {len(world.rows)} products, {len(world.people)} people, {len(events)} events "
          f"({len(train)} to learn from), {len(held)} people with a held-out product")
    print(f"  content neighbours {content_seconds:.1f} s, seen-together {coview_seconds:.1f} s")
    print(f"  {'recommender':32} {'HitRate@10':>10} {'NDCG@10':>9}")
    results = {}
    for name, ranked in lists.items():
        results[name] = metrics(ranked, held)
        print(f"  {name:32} {results[name][0]:10.3f} {results[name][1]:9.3f}")
    base, shipped = results["popularity"], results["blend (shipped)"]
    lift = (shipped[0] / base[0] - 1 if base[0] else math.inf, shipped[1] / base[1] - 1 if base[1] else math.inf)
    print(f"  blend vs popularity: HitRate {lift[0]:+.0%}, NDCG {lift[1]:+.0%}")
    return min(lift) >= 0.30


# --- will it sell within a week? -----------------------------------------------------------------

def sell_prediction(world):
    """Each listing's first 48 hours (views, likes, carts from its appeal; photos make people click more)
    and whether it sold within a week (appeal and a price under its subcategory's make it likelier): the
    job's judge() learns on the older 70 %, then the model and the early-demand rule are scored on the
    newer 30 %."""
    from vgk.services.discovery import prediction

    rng = random.Random(world.catalogue.rng.random())
    rows, sold, rule = [], [], []
    for row in sorted(world.rows, key=lambda r: r["created_at"]):
        appeal = world.appeal[row["id"]]
        ratio = row["price"] / world.median_price[row["category_id"]]
        photos = min(8, int(rng.expovariate(1 / 2.5)))
        views = sum(rng.random() < min(1.0, 0.12 * appeal * (1 + 0.1 * photos)) for _ in range(20))
        early = views + 3 * sum(rng.random() < 0.08 for _ in range(views))
        odds = -2.0 + 0.9 * math.log(appeal) - 1.2 * math.log(ratio) + 0.1 * photos
        sold.append(int(rng.random() < 1 / (1 + math.exp(-odds))))
        rows.append(prediction.features(ratio, photos, len(row["description"]), row["negotiable"], row["condition"],
                                        early, int(rng.paretovariate(1.5)) - 1))
        rule.append(early)
    judged = prediction.judge(rows, sold, rule)
    print(f"\nSells within 7 days: {len(rows)} listings, {sum(sold)} sold; ROC AUC on the newest 30 %: "
          f"model {judged.auc_model:.3f}, early-demand rule {judged.auc_rule:.3f} -> "
          f"{'model shipped' if judged.shipped else 'rule kept'}")
    return judged


# --- speed ----------------------------------------------------------------------------------------

def percentile(values, pct):
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def visitor(person):
    return f"bench-visitor-{person:08d}"


def load(app, world, events):
    from flask_migrate import upgrade
    from sqlalchemy import insert, text

    from vgk.extensions import db
    from vgk.models import BehaviourEvent, Category, City, Product, User

    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(insert(City.__table__), world.catalogue.cities)
            conn.execute(insert(Category.__table__), world.catalogue.categories)
            conn.execute(insert(User.__table__), world.catalogue.sellers)
        for start in range(0, len(world.rows), 5_000):
            with db.engine.begin() as conn:
                conn.execute(insert(Product.__table__), world.rows[start:start + 5_000])
        rows = [{"kind": kind, "visitor": visitor(person), "product_id": product, "created_at": at}
                for person, product, kind, at in events]
        for start in range(0, len(rows), 20_000):
            with db.engine.begin() as conn:
                conn.execute(insert(BehaviourEvent.__table__), rows[start:start + 20_000])
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                for table in ("cities", "categories", "users", "products", "behaviour_events"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT coalesce(max(id), 1) FROM {table}))"))
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        db.session.remove()


def timed(app, calls):
    from vgk.extensions import db

    durations = []
    with app.test_request_context("/"):
        for call in calls:
            started = time.perf_counter()
            call()
            durations.append((time.perf_counter() - started) * 1000)
            db.session.remove()
    return durations


def serving(products, people, seed, backends, iterations):
    from config import TestConfig
    from vgk import create_app
    from vgk.extensions import db
    from vgk.models import City, Product
    from vgk.services.discovery import build, suggestions
    from vgk.services.discovery.events import Person

    started = time.perf_counter()
    world = World(products, people, seed, days=60)
    events = world.log()
    print(f"\nSpeed: {products} products, {people} people, {len(events)} events "
          f"(generated in {time.perf_counter() - started:.0f} s)", flush=True)
    pick = random.Random(seed + 7)
    active = [row["id"] for row in world.rows if row["status"] == "ACTIVE"]
    tmpdir = tempfile.mkdtemp(prefix="vgk-bench-reco-")
    server = None
    p95s = {}
    try:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{tmpdir}/reco.sqlite3"
            else:
                from tests.servers import PostgresServer

                server = PostgresServer().start()
                url = server.create_database("vgk_bench")
            app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, MEDIA_ROOT=os.path.join(tmpdir, "media"))
            started = time.perf_counter()
            load(app, world, events)
            loaded = time.perf_counter() - started
            with app.app_context():
                started = time.perf_counter()
                built = build.rebuild()
                print(f"  {backend}: loaded in {loaded:.0f} s; the job took {time.perf_counter() - started:.1f} s "
                      f"({built.content} products with similar items, {built.coview} with seen-together, "
                      f"{built.trending} trending lists)", flush=True)
                cities = list(db.session.query(City))
                product_rows = {p.id: p for p in db.session.query(Product).filter(
                    Product.id.in_(pick.sample(active, iterations)))}
                db.session.expunge_all()
            people_sample = pick.sample(range(1, people + 1), iterations)
            products_sample = list(product_rows.values())

            def feed(person):
                return lambda: suggestions.for_person(Person(visitor=visitor(person)),
                                                      suggestions.city_for(Person(visitor=visitor(person))))

            groups = {
                "personal feed": [feed(person) for person in people_sample],
                "similar items": [lambda p=p: suggestions.similar(db.session.merge(p, load=False))
                                  for p in products_sample],
                "seen together": [lambda p=p: suggestions.seen_together(db.session.merge(p, load=False))
                                  for p in products_sample],
                "trending in a city": [lambda c=c: suggestions.trending(db.session.merge(c))
                                       for c in (pick.choice(cities) for _ in range(iterations))],
            }
            for name, calls in groups.items():
                timed(app, calls[:20])  # warm up
                durations = timed(app, calls)
                p95s[(backend, name)] = percentile(durations, 95)
                print(f"  {backend:10} {name:20} p50 {percentile(durations, 50):5.1f} ms   "
                      f"p95 {percentile(durations, 95):5.1f} ms   max {max(durations):6.1f} ms", flush=True)
            with app.app_context():
                db.engine.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)
    return p95s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--postgresql", action="store_true", help="time serving on PostgreSQL too")
    parser.add_argument("--serving-products", type=int, default=100_000)
    parser.add_argument("--serving-people", type=int, default=20_000)
    parser.add_argument("--iterations", type=int, default=300, help="timed calls per service")
    args = parser.parse_args(argv)
    os.environ.setdefault("VGK_ENV", "test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    world = World(args.products, args.people, args.seed)
    events = world.log()
    verdicts = {"blend beats popularity by 30 % on HitRate@10 and NDCG@10": quality(world, events)}
    sell_prediction(world)
    if not args.quality_only:
        p95s = serving(args.serving_products, args.serving_people, args.seed,
                       ["sqlite", "postgresql"] if args.postgresql else ["sqlite"], args.iterations)
        for (backend, name), p95 in p95s.items():
            verdicts[f"{name} p95 ≤ {TARGET_P95_MS:.0f} ms on {backend} ({p95:.1f} ms)"] = p95 <= TARGET_P95_MS
    print()
    for target, met in verdicts.items():
        print(f"{'PASS' if met else 'FAIL'} {target}")
    sys.exit(0 if all(verdicts.values()) else 1)


if __name__ == "__main__":
    main()
