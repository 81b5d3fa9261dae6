"""The recommenders' arithmetic on plain values (vgk.services.discovery.recommenders)."""
from vgk.services.discovery import recommenders as r


def item(id, text, family=1, category=10, city=1, price=10_000):
    return r.Item(id=id, text=text, family=family, category=category, city=city, price=price)


def test_alike_items_share_words_category_city_and_price_within_their_family():
    items = [item(1, "Téléphone Samsung Galaxy A12 64 Go"), item(2, "Samsung Galaxy A12 double SIM"),
             item(3, "Téléphone Tecno Spark", price=90_000, city=2), item(4, "Chaise en bois", category=11),
             item(5, "Samsung Galaxy A12 neuf", family=2, category=20)]  # another family: never proposed
    found = r.content_neighbours(items, k=3)
    assert [other for other, _score in found[1]] == [2, 3, 4]
    assert all(other != 5 for others in found.values() for other, _score in others)
    assert 5 not in found  # alone in its family


def test_seen_together_counts_people_and_shrinks_rare_pairs():
    histories = [[1, 2], [1, 2, 3], [2, 1], [1, 3], [4, 1]]
    found = r.coview_neighbours(histories, k=5, min_people=1)
    assert [other for other, _score in found[1]][:2] == [2, 3]
    assert dict(found[1])[2] > dict(found[1])[3] > dict(found[1])[4]
    on_sale = r.coview_neighbours(histories, k=5, allowed={1, 3, 4}, min_people=1)
    assert [other for other, _score in on_sale[1]] == [3, 4]  # 2 sold: never proposed
    # by default a pair needs three people: one person's browsing never shows on its own
    assert r.coview_neighbours(histories, k=5) == {1: [(2, found[1][0][1])], 2: [(1, found[2][0][1])]}


def test_trending_counts_each_person_once_and_recent_demand_more():
    places = {1: (1, 100), 2: (1, 100), 3: (2, 200)}
    log = [("a", 1, "view", 1.0)] * 50  # one person refreshing the page
    log += [("b", 2, "view", 2.0), ("c", 2, "view", 2.0), ("d", 3, "purchase", 500.0), ("e", 9, "view", 1.0)]
    found = r.trending(log, places)
    assert [p for p, _s in found[(1, 100)]] == [2, 1]
    assert [p for p, _s in found[(0, 0)]] == [2, 1, 3]  # a purchase weeks ago weighs less than two views now
    assert [p for p, _s in found[(2, 0)]] == [3]
    assert 9 not in {p for lists in found.values() for p, _s in lists}  # not on sale


def test_the_feed_keeps_the_strongest_reason_and_never_what_was_seen():
    history = r.recent_history([(5, "view"), (1, "view"), (1, "favourite"), (2, "view")])
    assert history == [(5, "view"), (1, "favourite"), (2, "view")]
    neighbours = {1: [(7, 0.5, "coview"), (2, 0.9, "coview")], 5: [(8, 0.4, "content")], 2: [(7, 0.1, "coview")]}
    picks = r.blend(history, neighbours, [(9, 3.0), (7, 1.0), (5, 2.0)], exclude={6}, k=5)
    assert [p.product_id for p in picks][0] == 7 and {p.product_id for p in picks} == {7, 8, 9}
    first = picks[0]
    assert (first.because, first.kind) == (1, "favourite")
    assert next(p for p in picks if p.product_id == 9).kind == "trending"


def test_a_city_trend_weighs_the_persons_categories_more():
    rows = [(1, 10.0, 0), (2, 8.0, 0), (2, 8.0, 300), (3, 1.0, 0)]
    assert [p for p, _s in r.local_trend(rows)] == [2, 1, 3]
