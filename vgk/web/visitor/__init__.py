"""The public storefront: home, listing, search and product pages (anonymous ones kept a few seconds by
vgk.web.page_cache, installed with the blueprint)."""
from flask import Blueprint

from vgk import page_cache

bp = Blueprint("visitor", __name__)
bp.record_once(lambda state: page_cache.install(state.app))

from vgk.web.visitor import data_saver, discover, pages, reports, translate, views  # noqa: E402,F401
