"""“Improve my listing” from the app (`POST client/listings/improve/`), every answer checked against the OpenAPI
document: the rules' proposal without a model, the model's with one (no phone number or email sent), a clear
400 for bad input, 404 for someone else's listing, 401 without a token, 429 past the seller's hourly quota."""
import json

import pytest

from tests import factories as f
from tests.api.conftest import ApiClient
from vgk.models import ProductStatus, Role, TwoFactor
from vgk.models.base import utcnow

PATH = "client/listings/improve/"


@pytest.fixture
def seller(app):
    return f.user(phone_verified_at=utcnow(), name="Mireille Ngo", locale="fr")


def test_the_rules_propose_without_a_model(api, seller):
    f.category("Téléphones", slug="telephones")
    response = api.post(PATH, {"title": "tecno spark 10", "description": "128 go avec chargeur",
                               "category": "telephones", "condition": "BON"}, user=seller)
    body = response.get_json()
    assert response.status_code == 200 and body["source"] == "rules"
    assert body["title"] == "Tecno spark 10 – bon état" and body["description"].startswith("128 go avec chargeur")


def test_in_the_sellers_language(api, app):
    english = f.user(phone_verified_at=utcnow(), locale="en")
    body = api.post(PATH, {"title": "radio sony", "condition": "BON"}, user=english).get_json()
    assert body["description"].endswith("Collect it at a Vidé-Grenier Kamer pickup point; pay by Mobile Money, "
                                        "card or cash.")


@pytest.mark.parametrize("data, field", [({}, "title"), ({"title": "ab"}, "title"), ({"title": "x" * 121}, "title"),
                                         ({"title": "Radio", "condition": "CASSE"}, "condition"),
                                         ({"title": "Radio", "description": ["x"]}, "description")])
def test_bad_input_is_a_clear_400(api, seller, data, field):
    response = api.post(PATH, data, user=seller)
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]


def test_someone_elses_listing_is_a_404_and_anonymous_a_401(api, seller):
    other = f.product("Radio", status=ProductStatus.DRAFT)
    assert api.post(PATH, {"title": "Radio", "product_id": other.public_id}, user=seller).status_code == 404
    assert api.post(PATH, {"title": "Radio"}).status_code == 401
    staff = f.user(Role.STAFF, pickup_point=f.pickup_point(), two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    assert api.post(PATH, {"title": "Radio"}, user=staff).status_code == 403


def test_past_the_hourly_quota_a_429_says_so(api, seller):
    for _ in range(10):
        assert api.post(PATH, {"title": "Radio sony"}, user=seller).status_code == 200
    refused = api.post(PATH, {"title": "Radio sony"}, user=seller)
    assert refused.status_code == 429 and "10 propositions" in refused.get_json()["error"]["message"]


def test_the_models_proposal_with_no_contact_sent(gemini_app, gemini):
    api = ApiClient(gemini_app)
    seller = f.user(phone_verified_at=utcnow(), locale="fr")
    gemini.answer_next(json.dumps({"title": "Radio Sony ICF", "description": "Radio Sony en bon état, testée."}))
    response = api.post(PATH, {"title": "radio sony", "description": "appelez le 699 12 34 56 ou a.b@example.com"},
                        user=seller)
    assert response.get_json() == {"success": True, "title": "Radio Sony ICF",
                                   "description": "Radio Sony en bon état, testée.", "source": "gemini"}
    raw = gemini.requests[-1]["raw"]
    assert "699" not in raw and "example.com" not in raw and "@" not in raw
