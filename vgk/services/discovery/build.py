"""The recommenders' job: read the catalogue on sale and the behaviour events, compute the neighbours
(alike in content, seen together) and the trending lists (vgk.services.discovery.recommenders), and
replace their tables in one transaction, so pages read either the old lists or the new ones.

It runs every DISCOVERY_REFRESH_MINUTES (the worker's minute sweep enqueues it; without a worker, the
requests' housekeeping starts it in a thread), after `flask seed-demo`, and with `flask discovery-rebuild`.
It also deletes events past their retention."""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import aliased

from vgk.extensions import db
from vgk.models import (
    BehaviourEvent,
    Category,
    EventKind,
    ItemNeighbour,
    NeighbourKind,
    Product,
    ProductStatus,
    TrendingItem,
    User,
    UserStatus,
)
from vgk.models.base import utcnow
from vgk.services.discovery import events, prediction, recommenders

log = logging.getLogger(__name__)

PERSON_HISTORY = 50  # the most recent products of each person that count for "seen together"
BATCH = 5_000


@dataclass(frozen=True)
class Built:
    products: int
    events: int
    content: int
    coview: int
    trending: int
    model_shipped: bool
    pruned: int
    seconds: float


def _on_sale() -> list[recommenders.Item]:
    parent = aliased(Category)
    inactive_sellers = select(User.id).where(User.status != UserStatus.ACTIVE)
    rows = db.session.execute(
        select(Product.id, Product.title, Product.description, Product.category_id, Product.city_id, Product.price,
               Category.parent_id, Category.name_fr, Category.name_en, parent.name_fr.label("family_fr"),
               parent.name_en.label("family_en"))
        .join(Category, Category.id == Product.category_id)
        .outerjoin(parent, parent.id == Category.parent_id)
        .where(Product.status == ProductStatus.ACTIVE, Product.seller_id.not_in(inactive_sellers))
        .order_by(Product.id))
    return [recommenders.Item(
        id=row.id, category=row.category_id, city=row.city_id, price=row.price,
        family=row.parent_id or row.category_id,
        text=" ".join((row.title, row.title, (row.description or "")[:400], row.name_fr, row.name_en,
                       row.family_fr or "", row.family_en or "")),
    ) for row in rows]


def _events(since_days: int) -> Iterator[tuple[object, int, str, float]]:
    """(person, product, kind, age in hours) of the events that concern a product, oldest first."""
    now = utcnow()
    stmt = (select(BehaviourEvent.user_id, BehaviourEvent.visitor, BehaviourEvent.product_id, BehaviourEvent.kind,
                   BehaviourEvent.created_at)
            .where(BehaviourEvent.created_at >= now - timedelta(days=since_days),
                   BehaviourEvent.product_id.is_not(None), BehaviourEvent.kind != EventKind.SEARCH)
            .order_by(BehaviourEvent.created_at, BehaviourEvent.id)
            .execution_options(yield_per=BATCH))
    for user_id, visitor, product_id, kind, created_at in db.session.execute(stmt):
        person = f"u{user_id}" if user_id is not None else f"v{visitor}"
        if product_id is not None:
            yield person, product_id, kind, (now - created_at).total_seconds() / 3600


_running = threading.Lock()


def rebuild_in_background(app: Flask) -> bool:
    """Without a worker: rebuild in a thread of this process (none when one is running already)."""
    if not _running.acquire(blocking=False):
        return False

    def run() -> None:
        try:
            with app.app_context():
                rebuild()
        except Exception:
            log.exception("recommenders not rebuilt")
        finally:
            _running.release()

    threading.Thread(target=run, name="vgk-recommenders", daemon=True).start()
    return True


def rebuild() -> Built:
    """Compute every recommender and replace their tables."""
    started = time.perf_counter()
    events.flush()
    pruned = events.prune()
    days = int(current_app.config.get("DISCOVERY_RETENTION_DAYS") or 90)
    items = _on_sale()
    on_sale = {item.id for item in items}
    places = {item.id: (item.city, item.family) for item in items}
    histories: dict[object, list[int]] = defaultdict(list)
    happened = []
    for entry in _events(days):
        person, product = entry[0], entry[1]
        history = histories[person]
        if product in history:
            history.remove(product)
        history.append(product)
        if len(history) > PERSON_HISTORY:
            del history[0]
        happened.append(entry)
    content = recommenders.content_neighbours(items)
    coview = recommenders.coview_neighbours(histories.values(), allowed=on_sale)
    trend = recommenders.trending(happened, places)
    judgement = prediction.learn()
    prediction.store(judgement)
    if judgement.shipped:
        trend = prediction.reranked(trend, prediction.fresh_chances(judgement), judgement.base_rate)
    existing = set(db.session.scalars(select(Product.id).where(Product.id.in_(list(coview))))) if coview else set()
    rows = [{"product_id": product, "kind": kind, "rank": rank, "neighbour_id": other, "score": score}
            for kind, found in ((NeighbourKind.CONTENT, content), (NeighbourKind.COVIEW, coview))
            for product, others in found.items() if kind == NeighbourKind.CONTENT or product in existing
            for rank, (other, score) in enumerate(others)]
    trending_rows = [{"city_id": city, "category_id": family, "rank": rank, "product_id": product, "score": score}
                     for (city, family), ranked in trend.items() for rank, (product, score) in enumerate(ranked)]
    connection = db.session.connection()  # plain executemany: no ORM work for millions of rows
    connection.execute(delete(ItemNeighbour.__table__))
    connection.execute(delete(TrendingItem.__table__))
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(ItemNeighbour.__table__), rows[start:start + BATCH])
    if trending_rows:
        connection.execute(insert(TrendingItem.__table__), trending_rows)
    db.session.commit()
    built = Built(products=len(items), events=len(happened), content=len(content), coview=len(coview),
                  trending=len(trend), model_shipped=judgement.shipped, pruned=pruned,
                  seconds=round(time.perf_counter() - started, 2))
    log.info("recommenders rebuilt: %s", built)
    return built
