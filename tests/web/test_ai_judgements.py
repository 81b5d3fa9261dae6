"""What the model or the rules judged, stored by jobs and shown in words: a review's feeling (summarised on
the seller's page, in French and in English, and on the admin's user page), a reported conversation's feeling
(admin list and user page), a listing's risk (stored at submission, shown in the moderation queue, which puts
the riskiest first, then the oldest)."""
import json
from datetime import datetime

import pytest

from tests import factories as f
from tests.web.test_auth import post, text
from vgk.extensions import db
from vgk.models import Conversation, OrderStatus, Product, ProductStatus, Review, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.catalogue import social
from vgk.services.conversations import messages, safety, threads
from vgk.services.selling import listings, moderation


@pytest.fixture
def seller(app):
    return f.user(phone_verified_at=utcnow(), name="Mireille Ngo")


def reviewed(seller, rating, comment):
    """A buyer's review of `seller` after a collected order (posted through the service, as the pages do)."""
    buyer = f.user()
    order = f.place_order(f.product(seller=seller), buyer=buyer)
    order.status = OrderStatus.COMPLETED
    db.session.commit()
    return social.leave_review(buyer, order.items[0].id, rating, comment)


def stored(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_a_reviews_feeling_is_stored_once_posted(seller):
    happy = reviewed(seller, 5, "Vendeur sérieux et rapide, merci !")
    angry = reviewed(seller, 1, "Arnaque : article cassé, pas conforme.")
    silent = reviewed(seller, 4, "")
    assert (stored(Review, happy.id).feeling, stored(Review, happy.id).feeling_reasons) == (
        "positive", "satisfied fast serious")
    assert (stored(Review, angry.id).feeling, stored(Review, angry.id).feeling_reasons) == (
        "negative", "not_as_described damaged scam")
    assert stored(Review, silent.id).feeling == "positive"  # no words: the stars say it


def test_the_seller_page_summarises_feelings_in_the_readers_language(client, seller):
    assert "Avis :" not in text(client.get(f"/vendeur/{seller.public_id}"))  # nothing judged yet
    for comment in ("Vendeur sérieux, merci !", "Rapide et sérieux.", "Très sérieux, parfait"):
        reviewed(seller, 5, comment)
    reviewed(seller, 3, "Reçu hier.")
    reviewed(seller, 1, "Jamais reçu, arnaque.")
    page = text(client.get(f"/vendeur/{seller.public_id}"))
    assert "Avis : 3 positifs · 1 neutre · 1 négatif" in page
    assert "Le plus souvent : Sérieux, Acheteur satisfait, Rapide" in page
    assert "serious" not in page and "satisfied" not in page  # words, never keys
    client.get("/langue/en")
    page = text(client.get(f"/vendeur/{seller.public_id}"))
    assert "Reviews: 3 positive · 1 neutral · 1 negative" in page
    assert "Most often: Reliable, Satisfied buyer, Fast" in page


@pytest.fixture
def admin(app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


def reported_conversation(buyer, seller):
    talk = threads.open_about_listing(buyer, f.product("Radio", seller=seller).public_id)
    messages.post_text(buyer, talk, "Bonjour, la radio marche ?")
    rude = messages.post_text(seller, talk, "Espèce d'idiot, c'est une arnaque, insulte de plus et je bloque.")
    safety.report(buyer, talk, rude.id, "Insultes")
    return talk


def test_a_reported_conversations_feeling_shows_to_admins(client, admin, seller):
    buyer = f.user(name="Awa Bello")
    talk = reported_conversation(buyer, seller)
    judged = stored(Conversation, talk.id)
    assert judged.feeling == "negative" and judged.feeling_reasons == "scam rude"
    page = text(client.get("/admin/conversations-signalees"))
    assert "Ton de la conversation : <strong>Négatif</strong> — Arnaque, Impoli ou insultant" in page
    reviewed(seller, 5, "Vendeur sérieux, merci !")
    page = text(client.get(f"/admin/utilisateurs/{seller.public_id}"))
    assert "Avis reçus" in page and "1 positif · 0 neutres · 0 négatifs" in page
    assert "Conversations signalées" in page and "0 positifs · 0 neutres · 1 négatif" in page


def test_with_the_model_the_feeling_is_its_answer(gemini_app, gemini):
    gemini.answer_next(json.dumps({"label": "negative", "reasons": ["late", "unreachable"]}))
    seller = f.user(phone_verified_at=utcnow())
    review = reviewed(seller, 3, "Bof, le vendeur ne m'a pas appelé au 699 12 34 56.")
    assert (stored(Review, review.id).feeling, stored(Review, review.id).feeling_reasons) == (
        "negative", "late unreachable")
    assert "699" not in gemini.requests[-1]["raw"]


# --- a listing's risk --------------------------------------------------------------------------------

def draft(seller, title, description, **kw):
    return f.product(title, seller=seller, description=description, status=ProductStatus.DRAFT, images=1, **kw)


def test_risk_is_stored_at_submission_and_again_when_a_pending_listing_changes(seller):
    product = draft(seller, "Radio Sony", "Très bon état, avec piles.")
    listings.submit(seller, product.public_id)
    assert (stored(Product, product.id).risk_score, stored(Product, product.id).risk_reasons) == (0, "")
    listings.update(seller, product.public_id, description="Payez d'avance par Orange Money au 677 12 34 56.")
    judged = stored(Product, product.id)
    assert (judged.risk_score, judged.risk_reasons) == (70, "contact payment")


def test_the_queue_shows_the_risk_and_puts_the_riskiest_first_then_the_oldest(client, admin, seller):
    calm_old = draft(seller, "Table basse", "Bois massif, solide.")
    calm_new = draft(seller, "Chaise pliante", "Comme neuve.")
    risky = draft(seller, "Téléphone", "Envoyez l'argent par Orange Money d'abord, appelez le 677 12 34 56.")
    for product in (calm_old, calm_new, risky):
        listings.submit(seller, product.public_id)
    for product, minute in ((calm_old, 0), (calm_new, 30), (risky, 59)):  # the risky one is the newest
        stored(Product, product.id).submitted_at = datetime(2026, 11, 2, 9, minute)
    db.session.commit()
    assert [p.title for p in moderation.queue().items] == ["Téléphone", "Table basse", "Chaise pliante"]
    page = text(client.get("/admin/moderation"))
    assert page.index("Téléphone") < page.index("Table basse") < page.index("Chaise pliante")
    assert "Risque : 70/100" in page and "Coordonnées dans le texte" in page
    assert "Paiement hors de la plateforme" in page
    assert "Les plus risquées d’abord" in page


def test_without_a_judgement_a_listing_waits_after_the_judged_ones(seller):
    unjudged = f.product("Ancienne annonce", seller=seller, status=ProductStatus.PENDING)
    unjudged.submitted_at = datetime(2026, 1, 1, 8, 0)
    judged = draft(seller, "Chaise", "Comme neuve.")
    listings.submit(seller, judged.public_id)
    assert [p.title for p in moderation.queue().items] == ["Chaise", "Ancienne annonce"]


def test_with_the_model_the_risk_is_its_score_and_never_below_the_rules(gemini_app, gemini):
    seller = f.user(phone_verified_at=utcnow())
    gemini.answer_next(json.dumps({"score": 85, "reasons": ["counterfeit"]}))
    product = draft(seller, "Sac Louis Vuitton", "Neuf, 15 000 FCFA seulement, WhatsApp 677 12 34 56.")
    listings.submit(seller, product.public_id)
    judged = stored(Product, product.id)
    assert (judged.risk_score, judged.risk_reasons) == (85, "contact counterfeit")
    prompt = gemini.prompts()[-1]
    assert "677" not in prompt and "Automatic checks found: contact" in prompt


def test_the_api_queue_gives_the_risk_in_words(app, api, seller):
    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    product = draft(seller, "Téléphone", "Paiement Orange Money d'avance.")
    listings.submit(seller, product.public_id)
    entry = api.get("admin/pending_products/", user=admin).get_json()["results"][0]
    assert entry["risk_score"] == 40
    assert entry["risk_reasons"] == [{"code": "payment", "label": "Paiement hors de la plateforme"}]


@pytest.fixture
def api(app):
    from tests.api.conftest import ApiClient

    return ApiClient(app)


def test_a_submission_through_the_form_judges_the_risk(client, seller):
    f.sign_in(client, seller)
    product = draft(seller, "Radio", "Appelez le 677 12 34 56.")
    edit = f"/compte/annonces/{product.public_id}"
    response = post(client, f"{edit}/soumettre", page=edit)
    assert response.status_code == 303
    assert stored(Product, product.id).risk_score == 30
