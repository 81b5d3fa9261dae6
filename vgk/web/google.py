"""Google sign-in (OpenID Connect through Authlib), registered only when configured."""
from flask import Blueprint

bp = Blueprint("google", __name__)
