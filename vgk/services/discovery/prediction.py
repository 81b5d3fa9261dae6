"""Will a new listing sell within 7 days? A small model (scikit-learn's logistic regression) learnt by the
recommenders' job from the site's own past listings: its price against its category's, its photos, the
length of its description, whether the price is negotiable, its condition, what people did with it in its
first 48 hours, and how many sales its seller had made before.

It is measured against the rule it would replace, the early demand that orders "Tendances" (the same
events, weighted as trending weighs them): on the most recent 30 % of the labelled listings, after
learning from the older 70 %, both are scored by ROC AUC. The model is shipped only when it beats the rule
by MARGIN with enough sales to tell; otherwise the rule stays. Shipped, it ranks the listings under seven
days old in the trending lists (build.py): their demand times (½ + chance) / (½ + the usual rate).
Serving needs no scikit-learn: the stored weights are applied with plain arithmetic."""
from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from vgk.extensions import db
from vgk.models import BehaviourEvent, ModelJudgement, Order, OrderItem, Product, ProductImage, ProductStatus
from vgk.models.base import utcnow
from vgk.services.discovery.recommenders import KIND_WEIGHT

FEATURES = ("price_vs_category", "photos", "description_length", "negotiable", "condition", "early_demand",
            "seller_sales")
CONDITIONS = {"NEUF": 3, "COMME_NEUF": 2, "BON": 1, "ACCEPTABLE": 0}
HORIZON = timedelta(days=7)
EARLY = timedelta(hours=48)
LOOKBACK = timedelta(days=97)
MARGIN = 0.02  # AUC points the model must gain over the rule
MIN_LABELLED, MIN_SOLD = 200, 20


@dataclass
class Judgement:
    shipped: bool
    samples: int
    sold: int
    auc_model: float | None = None
    auc_rule: float | None = None
    base_rate: float = 0.0
    mean: list[float] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    intercept: float = 0.0

    def chance(self, row: Sequence[float]) -> float:
        z = self.intercept + sum(w * (x - m) / s for w, x, m, s in zip(self.weights, row, self.mean, self.scale,
                                                                         strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Judgement:
        return cls(**json.loads(text))


def judge(rows: Sequence[Sequence[float]], sold: Sequence[int], rule: Sequence[float]) -> Judgement:
    """Learn from the older 70 % of the listings (rows in publication order), score the model and the rule
    on the newer 30 %, and keep the model (learnt again on all of them) only if it wins."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    total, positives = len(rows), int(sum(sold))
    if total < MIN_LABELLED or positives < MIN_SOLD or total - positives < MIN_SOLD:
        return Judgement(False, total, positives, base_rate=positives / total if total else 0.0)
    x, y, r = np.array(rows, dtype=float), np.array(sold), np.array(rule, dtype=float)
    cut = int(total * 0.7)
    if len(set(y[:cut])) < 2 or len(set(y[cut:])) < 2:
        return Judgement(False, total, positives, base_rate=positives / total)

    def fitted(features: Any, labels: Any) -> tuple[Any, Any]:
        scaler = StandardScaler().fit(features)
        model = LogisticRegression(max_iter=500, class_weight="balanced").fit(scaler.transform(features), labels)
        return scaler, model

    scaler, model = fitted(x[:cut], y[:cut])
    auc_model = float(roc_auc_score(y[cut:], model.predict_proba(scaler.transform(x[cut:]))[:, 1]))
    auc_rule = float(roc_auc_score(y[cut:], r[cut:]))
    shipped = auc_model >= auc_rule + MARGIN
    scaler, model = fitted(x, y)
    scale = [float(s) if s > 0 else 1.0 for s in scaler.scale_]
    return Judgement(shipped, total, positives, round(auc_model, 4), round(auc_rule, 4), positives / total,
                     [float(m) for m in scaler.mean_], scale, [float(w) for w in model.coef_[0]],
                     float(model.intercept_[0]))


def features(price_ratio: float, photos: int, description: int, negotiable: bool, condition: str,
             early: float, seller_sales: int) -> list[float]:
    return [math.log(max(price_ratio, 1e-3)), float(min(photos, 8)), math.log1p(description), float(negotiable),
            float(CONDITIONS.get(condition, 1)), math.log1p(early), math.log1p(seller_sales)]


# --- from the database -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Listing:
    id: int
    published: datetime
    row: list[float]
    early: float


def _listings(since: datetime, until: datetime, now: datetime) -> list[Listing]:
    """Listings published in [since, until): their features as of 48 hours after publication (for one
    younger than that, its demand so far, extrapolated to 48 hours)."""
    photos = (select(ProductImage.product_id, func.count().label("n")).group_by(ProductImage.product_id)
              .subquery())
    products = db.session.execute(
        select(Product.id, Product.price, Product.category_id, Product.negotiable, Product.condition,
               func.length(Product.description).label("words"), Product.seller_id, Product.published_at,
               func.coalesce(photos.c.n, 0).label("photos"))
        .outerjoin(photos, photos.c.product_id == Product.id)
        .where(Product.published_at >= since, Product.published_at < until,
               Product.status.not_in((ProductStatus.DRAFT, ProductStatus.PENDING, ProductStatus.REJECTED)))
        .order_by(Product.published_at, Product.id)).all()
    if not products:
        return []
    by_category: dict[int, list[int]] = defaultdict(list)
    for row in products:
        by_category[row.category_id].append(row.price)
    median = {category: sorted(prices)[len(prices) // 2] for category, prices in by_category.items()}
    published = {row.id: row.published_at for row in products}
    early: dict[int, float] = defaultdict(float)
    for product_id, kind, created_at in db.session.execute(
            select(BehaviourEvent.product_id, BehaviourEvent.kind, BehaviourEvent.created_at)
            .where(BehaviourEvent.created_at >= since, BehaviourEvent.product_id.in_(list(published)))):
        if product_id is not None and published[product_id] <= created_at < published[product_id] + EARLY:
            early[product_id] += KIND_WEIGHT.get(kind, 0.0)
    made: dict[int, list[datetime]] = defaultdict(list)
    for seller_id, paid_at in db.session.execute(
            select(OrderItem.seller_id, Order.paid_at).join(Order, Order.id == OrderItem.order_id)
            .where(Order.paid_at.is_not(None), Order.paid_at < until).order_by(Order.paid_at)):
        if paid_at is not None:
            made[seller_id].append(paid_at)
    found = []
    for row in products:
        age = (now - row.published_at) / EARLY
        demand = early[row.id] / min(1.0, max(age, 1 / 48))
        found.append(Listing(row.id, row.published_at, features(
            row.price / max(median[row.category_id], 1), row.photos, row.words or 0, row.negotiable, row.condition,
            demand, bisect_left(made[row.seller_id], row.published_at)), demand))
    return found


def _sold_within(ids: Sequence[int], published: Mapping[int, datetime]) -> set[int]:
    sold = set()
    for product_id, paid_at in db.session.execute(
            select(OrderItem.product_id, func.min(Order.paid_at)).join(Order, Order.id == OrderItem.order_id)
            .where(OrderItem.product_id.in_(list(ids)), Order.paid_at.is_not(None))
            .group_by(OrderItem.product_id)):
        if paid_at is not None and paid_at <= published[product_id] + HORIZON:
            sold.add(product_id)
    return sold


def learn(now: datetime | None = None) -> Judgement:
    """Judge the model on the listings whose first week is over (published 7 to 97 days ago)."""
    now = now or utcnow()
    labelled = _listings(now - LOOKBACK, now - HORIZON, now)
    sold = _sold_within([item.id for item in labelled], {item.id: item.published for item in labelled})
    return judge([item.row for item in labelled], [int(item.id in sold) for item in labelled],
                 [item.early for item in labelled])


def fresh_chances(judgement: Judgement, now: datetime | None = None) -> dict[int, float]:
    """For a shipped model: each listing published in the last seven days, and its chance."""
    if not judgement.shipped:
        return {}
    now = now or utcnow()
    return {item.id: judgement.chance(item.row) for item in _listings(now - HORIZON, now + EARLY, now)}


NAME = "sell_within_7_days"


def store(judgement: Judgement) -> None:
    """Keep the judgement (the caller commits)."""
    found = db.session.get(ModelJudgement, NAME)
    if found is None:
        db.session.add(ModelJudgement(name=NAME, payload=judgement.to_json(), judged_at=utcnow()))
    else:
        found.payload, found.judged_at = judgement.to_json(), utcnow()


def current() -> tuple[Judgement, datetime] | None:
    """The last judgement and when it was made, or None before the first."""
    found = db.session.get(ModelJudgement, NAME)
    return (Judgement.from_json(found.payload), found.judged_at) if found is not None else None


def reranked(trend: Mapping[tuple[int, int], Sequence[tuple[int, float]]], chances: Mapping[int, float],
             base_rate: float) -> dict[tuple[int, int], list[tuple[int, float]]]:
    """Trending lists with each fresh listing's demand weighed by its chance to sell against the usual."""
    usual = 0.5 + base_rate
    return {scope: sorted(((product, round(score * (0.5 + chances[product]) / usual, 4) if product in chances
                            else score) for product, score in ranked), key=lambda entry: (-entry[1], entry[0]))
            for scope, ranked in trend.items()}
