"""The public storefront: home, listing, search and product pages (anonymous ones kept a few seconds by
vgk.page_cache, installed with the blueprint)."""
from flask import Blueprint

from vgk import page_cache
from vgk.services.discovery.events import VISITOR_ID
from vgk.web import visitors
from vgk.web.data_saver import COOKIE as DATA_SAVER_COOKIE


def _visitor_id(value: str) -> str:
    """What a page can tell of a visitor id: that there is one, or that history is off (never the id)."""
    return "off" if value == visitors.OFF else "id" if VISITOR_ID.match(value) else ""


# The cookies a kept page may be given to (any other, a session above all, and the page is built), by what
# of each a page may depend on: the visitor's id (its "Pour vous" block), data-saver choice and city.
KEPT_WITH_COOKIES = {visitors.COOKIE: _visitor_id, DATA_SAVER_COOKIE: str, visitors.CITY_COOKIE: str}

bp = Blueprint("visitor", __name__)
bp.record_once(lambda state: page_cache.install(state.app, KEPT_WITH_COOKIES))

from vgk.web.visitor import cards, data_saver, discover, pages, reports, translate, views  # noqa: E402,F401
