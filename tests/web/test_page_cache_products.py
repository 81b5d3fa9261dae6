"""A product page kept for visitors follows what it shows, not every sale: another product being bought
leaves it kept (while the listings, whose counts move, are built again), and it is built again as soon as
its own product or one of the items it suggests is sold, its lineup moves (a new listing, a price), or a
review of its seller is written. Across processes the products that had fewer are read from Redis with the
version numbers. While a page is being built, the visitors asking for it meanwhile wait for that build."""
import re
import threading

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.web.test_catalogue_cost import page_cache, shop  # noqa: F401  (fixtures)
from vgk.extensions import db
from vgk.models import PickupPoint, Review
from vgk.page_cache import PageCache
from vgk.services.catalogue import versions

LINK = re.compile(r'href="/p/([A-Za-z0-9_-]+)"')


def _shown(html):
    return set(LINK.findall(html))


def _bought(product):
    """A guest's order of the product, at one of the shop's pickup points (a new one would change the lists)."""
    return f.place_order(product, point=db.session.scalars(select(PickupPoint)).first())


def _page(visitor, product):
    answer = visitor.get(f"/p/{product.public_id}")
    assert answer.status_code == 200
    return answer.headers["X-Cache"], answer.get_data(as_text=True)


def test_a_kept_product_page_is_built_again_only_when_what_it_shows_changes(app, shop, page_cache):  # noqa: F811
    visitor = app.test_client(use_cookies=False)
    item = shop["products"][1]
    cache, html = _page(visitor, item)
    suggested = _shown(html) - {item.public_id}
    assert cache == "miss" and suggested, "the page suggests other items"
    assert _page(visitor, item)[0] == "hit"
    assert visitor.get("/produits").headers["X-Cache"] == "miss"
    assert visitor.get("/produits").headers["X-Cache"] == "hit"

    elsewhere = next(p for p in shop["products"] if p.public_id not in suggested and p.id != item.id)
    _bought(elsewhere)  # another product is bought
    assert _page(visitor, item)[0] == "hit"
    listing = visitor.get("/produits")
    assert listing.headers["X-Cache"] == "miss" and elsewhere.public_id not in _shown(listing.get_data(as_text=True))

    one_of_them = next(p for p in shop["products"] if p.public_id in suggested)
    _bought(one_of_them)  # an item it suggests is bought: gone from its lists at once
    cache, html = _page(visitor, item)
    assert cache == "miss" and one_of_them.public_id not in _shown(html)
    assert _page(visitor, item)[0] == "hit"

    _bought(item)  # its own product is bought
    cache, html = _page(visitor, item)
    assert cache == "miss" and 'name="product"' not in html  # no more "add to cart"


def test_a_new_listing_a_price_or_a_review_builds_the_product_page_again(app, shop, page_cache):  # noqa: F811
    visitor = app.test_client(use_cookies=False)
    item = shop["products"][3]
    bought = _bought(shop["products"][21])  # from the same seller, who may now be reviewed
    _page(visitor, item)
    assert _page(visitor, item)[0] == "hit"
    f.product("Chaise en bois neuve", seller=f.user(), category_=item.category, city_=item.city, price=item.price)
    assert _page(visitor, item)[0] == "miss"  # it may be one of the similar items now
    other = next(p for p in shop["products"] if p.id != item.id)
    other.price += 500
    db.session.commit()
    assert _page(visitor, item)[0] == "miss"
    assert _page(visitor, item)[0] == "hit"
    db.session.add(Review(order_item_id=bought.items[0].id, seller_id=item.seller_id, rating=5, text="Parfait"))
    db.session.commit()
    assert _page(visitor, item)[0] == "miss"  # the seller's rating


def test_other_processes_learn_which_products_had_fewer_through_redis(redis_server):
    one, other = versions._State(redis_server.url), versions._State(redis_server.url)  # noqa: SLF001
    before = other.stamp()
    one.bump({versions.CATALOGUE}, fewer={11, 12})
    other.seen = (0.0, ())  # read again now rather than within half a second
    assert not other.fresh(before, {5, 12}) and other.fresh(before, {5, 13})
    assert one.fresh(one.stamp(), {11})  # its own entry, read back, does not count twice
    after = other.stamp()
    one.bump({versions.CATALOGUE, versions.LINEUP})  # anything else: nothing is trusted
    other.seen = (0.0, ())
    assert not other.fresh(after, {5})
    stamped = other.stamp()
    from redis import Redis

    with Redis.from_url(redis_server.url) as connection:
        connection.flushall()  # Redis restarted empty: its numbers are not those stamped
    other.seen = (0.0, ())
    assert not other.fresh(stamped, {5})


class _Watched(dict):
    """The cache's pages being built, counting the visitors who wait for one."""

    waiting = 0

    def get(self, key, default=None):
        building = super().get(key, default)
        if building is None:
            return None
        watched = self

        class Waited:
            def wait(self, timeout=None):
                watched.waiting += 1
                return building.wait(timeout)

        return Waited()


@pytest.fixture
def slow_page(app):
    """A page cache in front of a page that waits for `release` while it is built, counting its builds and
    the visitors waiting for a build."""
    release, builds = threading.Event(), []

    def page(environ, start_response):
        builds.append(environ["PATH_INFO"])
        release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-VGK-Shareable", "1")])
        return [b"the page"]

    with app.app_context():
        cache = PageCache(app, page, 60)
        cache.building = _Watched()
        yield cache, release, builds


def test_visitors_asking_for_a_page_being_built_wait_for_that_build(app, slow_page):
    cache, release, builds = slow_page
    answers = []

    def visit():
        seen = {}
        body = b"".join(cache({"REQUEST_METHOD": "GET", "PATH_INFO": "/produits", "wsgi.url_scheme": "http"},
                              lambda status, headers: seen.update(headers)))
        answers.append((body, seen["X-Cache"]))

    visitors = [threading.Thread(target=visit) for _ in range(4)]
    for visitor in visitors:
        visitor.start()
    for _ in range(500):
        if cache.building.waiting == 3:  # the first is building, the three others wait for it
            break
        release.wait(0.01)
    assert builds == ["/produits"] and cache.building.waiting == 3
    release.set()
    for visitor in visitors:
        visitor.join(5)
    assert builds == ["/produits"]
    assert sorted(answers) == [(b"the page", "hit")] * 3 + [(b"the page", "miss")]
