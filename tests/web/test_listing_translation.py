"""A listing translated FR↔EN on request: with a model the product page offers it near the description (into
the other language than the listing's), htmx gets the fragment and a plain link the page, the translation is
kept (a second reader costs no model call) until the listing is edited; visitors who are not signed in are
rate limited; without a model nothing is offered and the address says so politely."""
import json

import pytest

from tests import factories as f
from tests.web.test_auth import text
from vgk.extensions import db
from vgk.models import ProductStatus, ProductTranslation, Role
from vgk.models.base import utcnow
from vgk.services.selling import listings, moderation

HX = {"HX-Request": "true", "HX-Target": "translation"}
ENGLISH = json.dumps({"title": "Sony radio", "description": "Very good condition, with batteries."})


def translations_asked(gemini):
    return [prompt for prompt in gemini.prompts() if prompt.startswith("Translate")]


def translation_url(product, language="en"):
    return f"/p/{product.public_id}/traduction?vers={language}"


@pytest.fixture
def radio(gemini_app):
    seller = f.user(phone_verified_at=utcnow())
    return f.product("Radio Sony", seller=seller, description="Très bon état, avec les piles.", images=1)


def test_the_page_offers_it_and_htmx_gets_the_translation(gemini_app, gemini, radio):
    client = gemini_app.test_client()
    page = text(client.get(f"/p/{radio.public_id}"))
    assert "Traduire en anglais" in page and f'hx-get="{translation_url(radio)}"' in page
    gemini.answer_next(ENGLISH)
    response = client.get(translation_url(radio), headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert "Sony radio" in html and "Very good condition, with batteries." in html and 'lang="en"' in html
    assert "English" in gemini.prompts()[-1] and "Radio Sony" in gemini.prompts()[-1]


def test_a_listing_in_english_is_offered_in_french(gemini_app, radio):
    english = f.product("Sony radio", seller=radio.seller, description="Very good condition, with the batteries.")
    client = gemini_app.test_client()
    client.get("/langue/en")
    page = text(client.get(f"/p/{english.public_id}"))
    assert "Translate to French" in page and translation_url(english, "fr") in page


def test_without_javascript_the_link_is_a_page(gemini_app, gemini, radio):
    gemini.answer_next(ENGLISH)
    html = text(gemini_app.test_client().get(translation_url(radio)))
    assert "<html" in html and "Sony radio" in html and f'href="/p/{radio.public_id}"' in html


def test_a_translation_is_kept_and_made_again_after_an_edit(gemini_app, gemini, radio):
    client = gemini_app.test_client()
    gemini.answer_next(ENGLISH)
    client.get(translation_url(radio), headers=HX)
    assert len(gemini.requests) == 1
    second = text(gemini_app.test_client().get(translation_url(radio), headers=HX))
    assert "Sony radio" in second and len(gemini.requests) == 1  # the stored one: no new call

    listings.update(radio.seller, radio.public_id, description="Très bon état, sans les piles.")
    moderation.approve(f.user(Role.ADMIN), radio.public_id)  # the edit went back through moderation
    gemini.answer_next(json.dumps({"title": "Sony radio", "description": "Very good condition, no batteries."}))
    third = text(client.get(translation_url(radio), headers=HX))
    assert "no batteries" in third and len(translations_asked(gemini)) == 2  # (the edit's risk was judged too)
    assert "sans les piles" in translations_asked(gemini)[-1]
    assert db.session.scalar(db.select(db.func.count(ProductTranslation.id))) == 1


def test_a_model_that_fails_gives_a_polite_message_and_nothing_kept(gemini_app, gemini, radio):
    gemini.fail_next(500)
    response = gemini_app.test_client().get(translation_url(radio), headers=HX)
    assert response.status_code == 503 and "n’a pas abouti" in text(response)
    assert db.session.scalar(db.select(db.func.count(ProductTranslation.id))) == 0


def test_a_bad_language_or_a_listing_not_public_is_refused(gemini_app, radio):
    client = gemini_app.test_client()
    assert client.get(translation_url(radio, "de")).status_code == 400
    draft = f.product("Brouillon", seller=radio.seller, status=ProductStatus.DRAFT)
    assert client.get(translation_url(draft)).status_code == 404


def test_visitors_not_signed_in_are_rate_limited(gemini_app, gemini, radio):
    client = gemini_app.test_client()
    statuses = [client.get(translation_url(radio), headers=HX).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    signed_in = gemini_app.test_client()
    f.sign_in(signed_in, f.user())
    assert signed_in.get(translation_url(radio), headers=HX).status_code == 200


def test_without_a_model_nothing_is_offered(client, app):
    radio = f.product("Radio Sony", description="Très bon état.")
    page = text(client.get(f"/p/{radio.public_id}"))
    assert "Traduire" not in page and "/traduction" not in page
    response = client.get(translation_url(radio))
    assert response.status_code == 200 and "La traduction n’est pas proposée pour le moment." in text(response)
