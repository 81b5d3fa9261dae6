"""“Améliorer l'annonce” on the listing form: the button is there (new and edit), a proposal comes back in the
seller's language (htmx: the fragment; without JavaScript: the form as typed, with it), “Utiliser cette
proposition” and “Ignorer” without JavaScript, nothing saved, a clear 400 for bad input, the hourly quota per
seller with a clear 429, and with the model: the first photo goes along and no phone number or email leaves."""
import json

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.web.test_auth import csrf_token, text
from vgk.extensions import db
from vgk.models import Product, ProductStatus
from vgk.models.base import utcnow

HX = {"HX-Request": "true", "HX-Target": "sell-proposal"}
URL = "/compte/annonces/proposition"
PHONE, EMAIL = "+237 699 12 34 56", "awa.bello@example.com"


@pytest.fixture
def leaf(app):
    return f.category("Téléphones", slug="telephones", parent=f.category("Électronique", slug="electronique"))


def typed(leaf, **overrides):
    return {"title": "tecno spark 10", "description": "128 go avec chargeur", "category": leaf.slug,
            "condition": "BON", "price": "45000", "city": "douala", "quantity": "1", **overrides}


def ask(client, data, headers=HX, page="/compte/annonces/nouvelle"):
    token = csrf_token(client, page)
    return client.post(URL, data={**data, "csrf_token": token}, headers=headers)


@pytest.fixture
def seller(app, client):
    user = f.user(phone_verified_at=utcnow(), name="Mireille Ngo")
    f.sign_in(client, user)
    return user


def test_the_form_offers_it_on_a_new_and_an_edited_listing(client, seller, leaf):
    page = text(client.get("/compte/annonces/nouvelle"))
    assert "Améliorer l’annonce" in page and f'formaction="{URL}"' in page and f'hx-post="{URL}"' in page
    product = f.product("Radio Sony", seller=seller, category_=leaf, status=ProductStatus.DRAFT)
    page = text(client.get(f"/compte/annonces/{product.public_id}"))
    assert "Améliorer l’annonce" in page and f'name="listing" value="{product.public_id}"' in page


def test_without_a_model_the_rules_propose_in_the_sellers_language(client, seller, leaf):
    response = ask(client, typed(leaf))
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert "Tecno spark 10 – bon état" in html and "128 go avec chargeur" in html and "point relais" in html
    assert "Utiliser cette proposition" in html and "Ignorer" in html
    assert db.session.scalar(select(func.count(Product.id))) == 0  # a proposal is never saved

    client.get("/langue/en")
    html = text(ask(client, typed(leaf)))
    assert "Use this proposal" in html and "Collect it at a Vidé-Grenier Kamer pickup point" in html


def test_without_javascript_the_form_comes_back_and_use_fills_it(client, seller, leaf):
    page = text(ask(client, typed(leaf), headers={}))
    assert "<html" in page and 'value="tecno spark 10"' in page and "Tecno spark 10 – bon état" in page
    proposal = {"proposal_title": "Tecno Spark 10 – bon état", "proposal_description": "Téléphone Tecno, 128 Go."}
    used = text(ask(client, {**typed(leaf), **proposal, "use": "1"}, headers={}))
    assert 'value="Tecno Spark 10 – bon état"' in used and "Téléphone Tecno, 128 Go.</textarea>" in used
    assert "Proposition reprise" in used and "Utiliser cette proposition" not in used
    ignored = text(ask(client, {**typed(leaf), **proposal, "ignore": "1"}, headers={}))
    assert 'value="tecno spark 10"' in ignored and "Utiliser cette proposition" not in ignored
    assert db.session.scalar(select(func.count(Product.id))) == 0


@pytest.mark.parametrize("data, field", [({"title": "  "}, "Écrivez d’abord un titre"),
                                         ({"title": "x" * 121}, "Texte trop long"),
                                         ({"condition": "CASSE"}, "État inconnu")])
def test_bad_input_is_a_clear_400(client, seller, leaf, data, field):
    response = ask(client, typed(leaf, **data))
    assert response.status_code == 400 and field in text(response)


def test_someone_elses_listing_is_not_found(client, seller, leaf):
    mine = f.product("Radio", seller=seller, category_=leaf, status=ProductStatus.DRAFT)
    assert ask(client, typed(leaf, listing=mine.public_id)).status_code == 200
    other = f.product("Radio", category_=leaf, status=ProductStatus.DRAFT)
    assert ask(client, typed(leaf, listing=other.public_id)).status_code == 404


def test_a_seller_gets_ten_proposals_an_hour_then_a_clear_message(client, seller, leaf):
    for _ in range(10):
        assert ask(client, typed(leaf)).status_code == 200
    refused = ask(client, typed(leaf))
    assert refused.status_code == 429 and "10 propositions dans l’heure" in text(refused)
    other = f.user(name="Awa Bello")
    f.sign_in(client, other)
    assert ask(client, typed(leaf)).status_code == 200  # the quota is each seller's


def test_a_bad_request_costs_no_quota(client, seller, leaf):
    for _ in range(12):
        assert ask(client, typed(leaf, title="")).status_code == 400
    assert ask(client, typed(leaf)).status_code == 200


@pytest.fixture
def model_client(gemini_app):
    client = gemini_app.test_client()
    f.sign_in(client, f.user(phone_verified_at=utcnow(), name="Mireille Ngo"))
    return client


def test_with_the_model_its_proposal_shows_and_no_contact_leaves(gemini_app, gemini, model_client):
    leaf = f.category("Téléphones", slug="telephones-m")
    gemini.answer_next(json.dumps({"title": "Tecno Spark 10, 128 Go", "description": "Très bon téléphone, chargeur."}))
    data = typed(leaf, title=f"tecno spark 10 {PHONE}", description=f"Appelez {PHONE} ou {EMAIL}, WhatsApp 699123456")
    html = text(ask(model_client, data))
    assert "Tecno Spark 10, 128 Go" in html and "Très bon téléphone, chargeur." in html
    body = gemini.requests[-1]["raw"]
    assert "699" not in body and "12 34 56" not in body and "example.com" not in body and "@" not in body
    prompt = gemini.prompts()[-1]
    assert "Téléphones" in prompt and "Bon état" in prompt and "French" in prompt


def test_with_the_model_the_listings_first_photo_goes_along(gemini_app, gemini, model_client):
    from vgk.models import User

    seller = db.session.scalar(select(User).where(User.name == "Mireille Ngo"))
    product = f.product("Radio Sony", seller=seller, status=ProductStatus.DRAFT, images=2)
    response = ask(model_client, {"title": "Radio Sony", "listing": product.public_id},
                   page=f"/compte/annonces/{product.public_id}")
    assert response.status_code == 200 and "Titre proposé" in text(response)
    parts = gemini.requests[-1]["json"]["contents"][0]["parts"]
    inline = parts[1].get("inlineData") or parts[1]["inline_data"]
    assert (inline.get("mimeType") or inline["mime_type"]) == "image/webp"


def test_a_model_that_does_not_answer_in_time_leaves_the_rules(gemini_app, gemini, model_client):
    gemini.fail_next(503)
    leaf = f.category("Radios", slug="radios-m")
    html = text(ask(model_client, typed(leaf, title="radio sony")))
    assert "Radio sony – bon état" in html
