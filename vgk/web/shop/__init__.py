"""The buyer's path, with or without an account: cart, checkout, the order page and its Mobile Money
payment, guest order tracking, the simulated payer's phone and the payment provider's webhook."""
from flask import Blueprint

bp = Blueprint("shop", __name__)

from vgk.web.shop import reviews, views  # noqa: E402,F401
