"""Schemathesis against the served OpenAPI document: for every operation, valid and invalid requests
generated from the document itself. No answer may be a 5xx, and every answer must conform to the
document (status code documented, JSON content type, body valid against the schema).

The data is a small marketplace (products, a pickup point, an order); each request carries a fresh
access token of the role the path is for (staff/… as staff, admin/… as admin, the rest as a client).
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories as f
from tests.conftest import clean_database
from vgk.extensions import db, limiter
from vgk.models import Role, TwoFactor
from vgk.models.base import utcnow

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# More examples or the other database for a deeper run: VGK_FUZZ_EXAMPLES=200 VGK_FUZZ_BACKEND=postgresql
EXAMPLES = int(os.environ.get("VGK_FUZZ_EXAMPLES", 30))
BACKEND = os.environ.get("VGK_FUZZ_BACKEND", "sqlite")


@pytest.fixture
def fuzz_app(request):
    return request.getfixturevalue(f"{BACKEND}_app")


@pytest.fixture
def marketplace(fuzz_app):
    """Seeded data; returns the user id acting for each role. No app context is held afterwards, so
    every request gets its own (as in a real server)."""
    with fuzz_app.app_context():
        clean_database()
        point = f.pickup_point()
        verified = utcnow()
        people = {
            "client": f.user(Role.CLIENT, phone_verified_at=verified),
            "staff": f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=verified),
            "admin": f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=verified),
        }
        seller = f.user(Role.CLIENT, phone_verified_at=verified)
        for n in range(3):
            f.product(f"Article {n}", seller=seller, price=5000 + n)
        f.product("Mon annonce", seller=people["client"])
        ids = {role: user.id for role, user in people.items()}
    yield ids
    with fuzz_app.app_context():
        db.session.rollback()
        clean_database()
        db.session.remove()
    limiter.reset()


def _served_document():
    """The document as /mobile/api/openapi.json serves it (it depends only on the routes, so an app
    with an empty database will do; the view is called directly to skip the request hooks)."""
    import tempfile

    from config import TestConfig
    from vgk import create_app

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", MEDIA_ROOT=tempfile.mkdtemp(prefix="vgk-spec-"))
    with app.test_request_context("/mobile/api/openapi.json"):
        return app.view_functions["api.openapi_document"]().get_json()


schema = schemathesis.openapi.from_dict(_served_document())


def _role_for(path):
    if "/staff/" in path:
        return "staff"
    if "/admin/" in path:
        return "admin"
    return "client"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_and_never_fails(case, fuzz_app, marketplace):
    """One test per operation (schemathesis names them by method and path)."""
    from vgk.models import User

    with fuzz_app.app_context():
        token = f.api_token(db.session.get(User, marketplace[_role_for(case.path)]))
    case.call_and_validate(app=fuzz_app, headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
                           checks=CHECKS)
