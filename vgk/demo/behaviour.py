"""A few weeks of demo visitors' behaviour, so that "Tendances", "Articles similaires" and "Les visiteurs
ont aussi vu" have something to show from the first `make run`: visitors of each city with a taste for
one or two sections look at products of those sections (mostly in their city), and like, put in a cart
or buy some. Seeded, so two runs give the same log."""
import random
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import insert, select

from vgk.extensions import db
from vgk.models import BehaviourEvent, Category, Product, ProductStatus
from vgk.models.base import utcnow

VISITORS = 160
AFTER_VIEW = (("favourite", 0.08), ("cart", 0.05), ("purchase", 0.02))


def seed_behaviour(seed: int = 2026) -> int:
    """Insert the demo log; how many events."""
    rng = random.Random(seed)
    rows = db.session.execute(
        select(Product.id, Product.city_id, Category.parent_id, Product.category_id)
        .join(Category, Category.id == Product.category_id).where(Product.status == ProductStatus.ACTIVE)).all()
    if not rows:
        return 0
    by_family = defaultdict(list)
    for product_id, city_id, parent_id, category_id in rows:
        by_family[parent_id or category_id].append((product_id, city_id))
    families = sorted(by_family)
    cities = sorted({city for _p, city in (entry for entries in by_family.values() for entry in entries)})
    now = utcnow()
    events = []
    for n in range(VISITORS):
        city = rng.choice(cities)
        tastes = rng.sample(families, min(len(families), rng.choice((1, 2))))
        for _ in range(rng.randint(1, 4)):
            pool = by_family[rng.choice(tastes)]
            local = [entry for entry in pool if entry[1] == city] or pool
            at = now - timedelta(hours=rng.uniform(1, 21 * 24))
            for product_id, _city in rng.sample(local, min(len(local), rng.randint(2, 6))):
                at += timedelta(minutes=rng.randint(1, 6))
                visitor = f"demo-visitor-{n:06d}"
                events.append({"kind": "view", "visitor": visitor, "product_id": product_id, "created_at": at})
                for kind, chance in AFTER_VIEW:
                    if rng.random() < chance:
                        events.append({"kind": kind, "visitor": visitor, "product_id": product_id,
                                       "created_at": at + timedelta(seconds=30)})
    db.session.execute(insert(BehaviourEvent), events)
    db.session.commit()
    return len(events)
