"""A listing's chance to sell within a week: learnt from the site's past listings, measured against the
early-demand rule on the most recent ones, shipped only when it wins, then weighing fresh listings in the
trending lists."""
import random
from datetime import timedelta

from sqlalchemy import update

from tests import factories as f
from vgk.extensions import db
from vgk.models import BehaviourEvent, OrderStatus
from vgk.models.base import utcnow
from vgk.services.commerce import orders
from vgk.services.discovery import build, events, prediction
from vgk.services.discovery.events import Person


def synthetic(count, price_matters, seed=7):
    """Listings whose sale depends on appeal (which early demand shows) and, if `price_matters`, on the
    price against the category's (which early demand does not show)."""
    rng = random.Random(seed)
    rows, sold, rule = [], [], []
    for _ in range(count):
        appeal, ratio = rng.lognormvariate(0, 0.8), rng.lognormvariate(0, 0.5)
        early = sum(rng.random() < 0.3 * appeal for _ in range(10))
        odds = 0.9 * (appeal - 1) - (2.5 * (ratio - 1) if price_matters else 0)
        sold.append(int(rng.random() < 1 / (1 + 2.718 ** -(odds - 1))))
        rows.append(prediction.features(ratio, rng.randint(0, 5), rng.randint(20, 600), rng.random() < 0.5,
                                        "BON", early, rng.randint(0, 5)))
        rule.append(early)
    return rows, sold, rule


def test_the_model_ships_only_when_it_beats_the_rule():
    shipped = prediction.judge(*synthetic(2_000, price_matters=True))
    assert shipped.shipped and shipped.auc_model >= shipped.auc_rule + prediction.MARGIN
    high = prediction.features(0.5, 3, 300, True, "BON", 8, 2)
    low = prediction.features(2.5, 3, 300, True, "BON", 8, 2)
    assert shipped.chance(high) > 0.5 > shipped.chance(low)  # a price well under the category's sells
    kept = prediction.judge(*synthetic(2_000, price_matters=False))
    assert not kept.shipped and kept.auc_rule is not None  # nothing the rule does not know: the rule stays
    few = prediction.judge(*synthetic(150, price_matters=True))
    assert not few.shipped and few.auc_model is None  # too few listings to tell


def test_a_judgement_survives_storage():
    judged = prediction.judge(*synthetic(600, price_matters=True))
    again = prediction.Judgement.from_json(judged.to_json())
    row = prediction.features(1.0, 2, 100, False, "NEUF", 3, 0)
    assert again == judged and again.chance(row) == judged.chance(row)


def test_fresh_listings_likely_to_sell_rise_in_the_trend():
    trend = {(1, 0): [(10, 5.0), (11, 4.5), (12, 1.0)]}
    ranked = prediction.reranked(trend, {11: 0.9, 12: 0.01}, base_rate=0.2)
    assert [product for product, _score in ranked[(1, 0)]] == [11, 10, 12]
    assert prediction.reranked(trend, {}, 0.2) == trend


def test_the_job_learns_from_listings_whose_first_week_is_over(app, monkeypatch):
    monkeypatch.setattr(prediction, "MIN_LABELLED", 4)
    monkeypatch.setattr(prediction, "MIN_SOLD", 1)
    seller, now = f.user(), utcnow()
    listings = []
    for n in range(6):
        published = now - timedelta(days=60 - n)
        item = f.product(f"Objet {n}", seller=seller, price=10_000 * (n + 1), published_at=published)
        listings.append(item)
        for k in range(n):  # more early demand for the later ones...
            events.record("view", Person(visitor=f"visitor-{n:08d}-{k:08d}"), item.id)
    # all that demand happened 59 days ago: in the first 48 hours of the second listing only
    db.session.execute(update(BehaviourEvent).values(created_at=now - timedelta(days=59)))
    db.session.commit()
    quick = f.place_order(listings[0], payment_method="ORANGE_MONEY")
    orders.move(quick, OrderStatus.PAID)
    quick.paid_at = listings[0].published_at + timedelta(hours=30)
    late = f.place_order(listings[1], payment_method="ORANGE_MONEY")
    orders.move(late, OrderStatus.PAID)
    late.paid_at = listings[1].published_at + timedelta(days=9)  # after its first week: not "sold within 7"
    db.session.commit()
    labelled = prediction._listings(now - prediction.LOOKBACK, now - prediction.HORIZON, now)
    assert [item.id for item in labelled] == [item.id for item in listings]
    assert [item.early for item in labelled] == [0, 1, 0, 0, 0, 0]
    assert prediction._sold_within([item.id for item in listings],
                                   {item.id: item.published_at for item in listings}) == {listings[0].id}
    sales_before = [round(item.row[-1], 3) for item in labelled]  # log(1 + the seller's earlier sales)
    assert sales_before == [0.0, 0.0, 0.693, 0.693, 0.693, 0.693]
    built = build.rebuild()
    stored, judged_at = prediction.current()
    assert stored.samples == 6 and stored.sold == 1 and built.model_shipped is stored.shipped
