"""A client's selling: their listings (create, edit, photos, submit, sold, archive, relist),
favourites, the public seller page and reviews of sellers."""
from flask import Blueprint

bp = Blueprint("sell", __name__)

from vgk.web.sell import proposal, views  # noqa: E402,F401
