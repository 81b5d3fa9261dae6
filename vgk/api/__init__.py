"""The mobile JSON API under /mobile/api/: one module per resource, all thin over vgk.services.

Authentication is by bearer token only (see vgk.services.accounts.api_tokens), so the blueprint is exempt
from CSRF; browsers may call it only from MOBILE_CORS_ORIGINS.
"""
from flask import Blueprint

from vgk.api.base import after_api_request

bp = Blueprint("api", __name__, url_prefix="/mobile/api")
bp.after_request(after_api_request)


def init_app(app):
    from vgk.api import (  # noqa: F401  (routes register on import)
        admin,
        admin_settings,
        alerts,
        auth,
        client,
        conversations,
        docs,
        notification_preferences,
        payments,
        products,
        proposals,
        push,
        staff,
        visitor,
    )
    from vgk.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
