"""The recommenders' arithmetic, on plain values: the job (`build`) feeds it from the database and the
quality bench (bench/recommendations.py) from a synthetic log, so both measure the same code.

- `content_neighbours`: products alike in words (TF-IDF of title, description and category names, by
  scikit-learn), with a bonus for the same category, city and price band; compared within a top-level
  category only, which keeps the work near linear in the catalogue's size.
- `coview_neighbours`: products the same people looked at, liked or bought (item-item cosine over
  people's recent histories, with scipy's sparse matrices).
- `trending`: time-decayed demand per city and top-level category, one vote per person and product.
- `blend`: a person's feed: the neighbours of what they did lately, weighted by what they did and how
  recently, and what is trending where they are; each pick keeps the reason that weighed most."""
from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

# How much an action says about taste.
KIND_WEIGHT = {"view": 1.0, "favourite": 3.0, "cart": 4.0, "offer": 4.0, "purchase": 5.0}
NEIGHBOURS = 12
TRENDING = 24
HISTORY = 20  # a person's most recent products the feed starts from
MIN_PEOPLE = 3  # people who must share a pair before it is "seen together"
HALF_LIFE_HOURS = 72.0
# Blend weights (bench/recommendations.py measures them): seen together counts more than alike in words,
# and trending fills in for people with little history.
COVIEW_WEIGHT, CONTENT_WEIGHT, TREND_WEIGHT, RECENCY = 1.0, 0.1, 0.15, 0.5


@dataclass(frozen=True)
class Item:
    id: int
    text: str
    family: int
    category: int
    city: int
    price: int


Neighbours = dict[int, list[tuple[int, float]]]


def _top(scores: Any, k: int) -> Any:
    """Indices of the k largest values of a 1-D array, largest first."""
    import numpy as np

    if scores.shape[0] <= k:
        return np.argsort(-scores, kind="stable")
    best = np.argpartition(-scores, k)[:k]
    return best[np.argsort(-scores[best], kind="stable")]


def content_neighbours(items: Sequence[Item], k: int = NEIGHBOURS, chunk: int = 256) -> Neighbours:
    """Each item's k most alike items of the same top-level category. Words found in more than 5 % of a
    large catalogue ("état", "prix") are left out: they say little and would make every pair compared."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(items) < 2:
        return {}
    vectors = TfidfVectorizer(strip_accents="unicode", sublinear_tf=True, dtype=np.float32,
                              max_df=max(50, len(items) // 20), max_features=200_000,
                              ).fit_transform([item.text for item in items])
    families: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        families[item.family].append(index)
    result: Neighbours = {}
    for members in families.values():
        if len(members) < 2:
            continue
        rows = vectors[members]
        columns = rows.T.tocsr()
        ids = np.array([items[i].id for i in members])
        categories = np.array([items[i].category for i in members])
        cities = np.array([items[i].city for i in members])
        prices = np.log(np.array([max(items[i].price, 1) for i in members], dtype=np.float32))
        width = min(k, len(members) - 1)
        for start in range(0, len(members), chunk):
            stop = min(start + chunk, len(members))
            scores = (rows[start:stop] @ columns).toarray()
            scores += 0.15 * (categories[start:stop, None] == categories[None, :])
            scores += 0.10 * (cities[start:stop, None] == cities[None, :])
            scores += 0.10 * np.clip(1 - np.abs(prices[start:stop, None] - prices[None, :]) / math.log(4), 0, 1)
            scores[np.arange(stop - start), np.arange(start, stop)] = -1.0
            best = np.argpartition(-scores, width - 1, axis=1)[:, :width]
            taken = np.take_along_axis(scores, best, axis=1)
            order = np.argsort(-taken, axis=1, kind="stable")
            best, taken = np.take_along_axis(best, order, axis=1), np.take_along_axis(taken, order, axis=1)
            for offset in range(stop - start):
                pairs = zip(best[offset], taken[offset], strict=True)
                result[int(ids[start + offset])] = [(int(ids[j]), round(float(score), 4))
                                                    for j, score in pairs if score > 0]
    return result


def coview_neighbours(histories: Iterable[Sequence[int]], k: int = NEIGHBOURS, allowed: Set[int] | None = None,
                      shrink: float = 2.0, min_people: int = MIN_PEOPLE) -> Neighbours:
    """Each item's k items most often in the same people's histories (cosine, shrunk towards zero when
    few people share them). A pair is only proposed when at least `min_people` people share it, so that
    no one person's browsing shows on a public page. `allowed`: the items that may be proposed (on sale)."""
    import numpy as np
    from scipy import sparse

    index: dict[int, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    people = 0
    for history in histories:
        distinct = list(dict.fromkeys(history))
        if len(distinct) < 2:
            continue
        for product in distinct:
            rows.append(people)
            cols.append(index.setdefault(product, len(index)))
        people += 1
    if not index:
        return {}
    ids = np.empty(len(index), dtype=np.int64)
    for product, position in index.items():
        ids[position] = product
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(people, len(index)))
    together = (matrix.T @ matrix).tocsr()
    counts = together.diagonal()
    together.setdiag(0)
    together.eliminate_zeros()
    norm = np.sqrt(counts)
    proposable = None if allowed is None else np.array([int(i) in allowed for i in ids])
    result: Neighbours = {}
    for i in range(together.shape[0]):
        begin, end = together.indptr[i], together.indptr[i + 1]
        if begin == end:
            continue
        others = together.indices[begin:end]
        shared = together.data[begin:end]
        scores = shared / (norm[i] * norm[others]) * (shared / (shared + shrink))
        keep = shared >= min_people
        if proposable is not None:
            keep &= proposable[others]
        others, scores = others[keep], scores[keep]
        if not len(others):
            continue
        best = _top(scores, k)
        result[int(ids[i])] = [(int(ids[others[j]]), round(float(scores[j]), 4)) for j in best]
    return result


Scope = tuple[int, int]  # (city id or 0, top-level category id or 0)


def trending(events: Iterable[tuple[object, int, str, float]], places: Mapping[int, tuple[int, int]],
             k: int = TRENDING, half_life_hours: float = HALF_LIFE_HOURS) -> dict[Scope, list[tuple[int, float]]]:
    """Per (city, top-level category), everywhere and across categories too: the k products most in
    demand. Events are (person, product, kind, age in hours); a person counts once per product and kind,
    at their latest. `places`: product → (city, top-level category), for the products that may appear."""
    latest: dict[tuple[object, int, str], float] = {}
    for person, product, kind, age in events:
        if product in places and kind in KIND_WEIGHT:
            key = (person, product, kind)
            if age < latest.get(key, math.inf):
                latest[key] = age
    demand: dict[int, float] = defaultdict(float)
    for (_, product, kind), age in latest.items():
        demand[product] += KIND_WEIGHT[kind] * 0.5 ** (max(age, 0.0) / half_life_hours)
    scopes: dict[Scope, list[tuple[float, int]]] = defaultdict(list)
    for product, score in demand.items():
        city, family = places[product]
        for scope in ((city, family), (city, 0), (0, family), (0, 0)):
            scopes[scope].append((score, product))
    return {scope: [(product, round(score, 4)) for score, product in heapq.nlargest(k, entries)]
            for scope, entries in scopes.items()}


STRENGTH = {kind: rank for rank, kind in enumerate(("view", "offer", "favourite", "cart", "purchase"))}


def recent_history(rows: Iterable[tuple[int, str]], size: int = HISTORY) -> list[tuple[int, str]]:
    """A person's products with the strongest thing they did with each, most recent first, from their
    events (product, kind), most recent first."""
    strongest: dict[int, str] = {}
    for product, kind in rows:
        if STRENGTH.get(kind, -1) > STRENGTH.get(strongest.get(product, ""), -2):
            strongest[product] = kind
    return list(strongest.items())[:size]


def local_trend(rows: Iterable[tuple[int, float, int]], family_weight: float = 1.5) -> list[tuple[int, float]]:
    """One trending list from a city's lists (product, score, scope's top-level category or 0): the
    person's own categories weigh more."""
    score: dict[int, float] = {}
    for product, value, scope in rows:
        score[product] = score.get(product, 0.0) + value * (1.0 if scope == 0 else family_weight)
    return sorted(score.items(), key=lambda entry: (-entry[1], entry[0]))


@dataclass(frozen=True)
class Pick:
    product_id: int
    score: float
    because: int | None  # the product of the person's history that led here; None: trending
    kind: str  # what the person did with `because` ("view", "favourite"...), or "trending"
    source: str = ""  # how it led here: "content" (alike) or "coview" (seen by the same people)


def blend(history: Sequence[tuple[int, str]], neighbours: Mapping[int, Sequence[tuple[int, float, str]]],
          trending_now: Sequence[tuple[int, float]], exclude: Set[int] = frozenset(), k: int = 10) -> list[Pick]:
    """A person's feed. `history`: (product, strongest thing they did with it), most recent first;
    `neighbours`: product → (other, score, "coview" | "content"); `trending_now`: where they are."""
    score: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[float, int, str, str]] = {}
    seen = set(exclude) | {product for product, _ in history}
    for position, (product, kind) in enumerate(history[:HISTORY]):
        weight = KIND_WEIGHT.get(kind, 1.0) * RECENCY ** position
        for other, similarity, source in neighbours.get(product, ()):
            if other in seen:
                continue
            part = weight * similarity * (COVIEW_WEIGHT if source == "coview" else CONTENT_WEIGHT)
            score[other] += part
            if part > best.get(other, (0.0, 0, "", ""))[0]:
                best[other] = (part, product, kind, source)
    top_trend = max((value for _, value in trending_now), default=0.0)
    for other, value in trending_now:
        if other not in seen and top_trend > 0:
            score[other] += TREND_WEIGHT * value / top_trend
    picks = heapq.nlargest(k, score.items(), key=lambda entry: (entry[1], -entry[0]))
    return [Pick(other, round(value, 4), best[other][1], best[other][2], best[other][3]) if other in best
            else Pick(other, round(value, 4), None, "trending") for other, value in picks]
