"""The public storefront: home, listing, search and product pages."""
from flask import Blueprint

bp = Blueprint("visitor", __name__)

from vgk.web.visitor import data_saver, discover, pages, reports, translate, views  # noqa: E402,F401
