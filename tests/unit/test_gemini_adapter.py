"""The Gemini adapter against a loopback fake of the generateContent API (through GEMINI_BASE_URL): an answer
is used; a timeout, a 429, a malformed answer or a refused key fall back to the rules; no phone number or
email address is in any request; a listing's photo goes along as a small inline part; reasons are keys; without a
key the rules answer."""
import json
import time

import pytest

from tests.conftest import make_app, migrate
from tests.fakes.gemini import GeminiFake
from vgk.services.selling import assist

PHONE, EMAIL = "+237 699 12 34 56", "awa.bello@example.com"


@pytest.fixture
def gemini():
    fake = GeminiFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def model_app(gemini, media_root):
    app = make_app("sqlite://", media_root, GEMINI_API_KEY=gemini.key, GEMINI_BASE_URL=gemini.url,
                   GEMINI_MODEL="gemini-2.5-flash", GEMINI_TIMEOUT_SECONDS=1)
    migrate(app)
    with app.app_context():
        yield app


def test_the_model_proposal_is_used(model_app, gemini):
    gemini.answer_next(json.dumps({"title": "Tecno Spark 10 – très bon état",
                                   "description": "Téléphone Tecno Spark 10, 128 Go, très bon état, avec chargeur."}))
    proposal = assist.improve_listing("tecno spark 10", "Téléphones", "Très bon état", "128 go avec chargeur")
    assert proposal == assist.Proposal("Tecno Spark 10 – très bon état",
                                       "Téléphone Tecno Spark 10, 128 Go, très bon état, avec chargeur.", "gemini")
    request = gemini.requests[-1]
    assert request["path"].endswith("/models/gemini-2.5-flash:generateContent")
    assert request["key"] == gemini.key
    assert request["json"]["generationConfig"]["responseMimeType"] == "application/json"
    prompt = request["json"]["contents"][0]["parts"][0]["text"]
    assert "tecno spark 10" in prompt and "French" in prompt


@pytest.mark.parametrize("answer", ["pas du JSON", json.dumps({"title": "Sans description"}),
                                    json.dumps({"title": "x" * 300, "description": "Trop long comme titre."})])
def test_a_malformed_answer_falls_back_to_the_rules(model_app, gemini, answer):
    gemini.answer_next(answer)
    proposal = assist.improve_listing("radio sony", "Électronique", "Bon état")
    assert proposal.source == "rules" and proposal.title == "Radio sony – bon état"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_an_error_falls_back_to_the_rules_without_retrying(model_app, gemini, status):
    gemini.fail_next(status)
    feeling = assist.feeling("Vendeur sérieux, merci !")
    assert feeling == assist.Feeling("positive", ("satisfied", "serious"), "rules")
    assert len(gemini.requests) == 1  # a page does not wait for retries


def test_a_slow_model_falls_back_to_the_rules_at_the_timeout(model_app, gemini):
    gemini.delay = 5
    started = time.monotonic()
    risk = assist.risk("iPhone 14", "Téléphones", 150_000, "Envoyez l'argent par Orange Money d'abord")
    assert time.monotonic() - started < 4  # GEMINI_TIMEOUT_SECONDS=1, not the model's 5 s
    assert risk.source == "rules" and risk.score >= 40 and "payment" in risk.reasons


def test_a_refused_key_falls_back_to_the_rules(gemini, media_root):
    app = make_app("sqlite://", media_root, GEMINI_API_KEY="not-the-key", GEMINI_BASE_URL=gemini.url)
    with app.app_context():
        assert assist.translate("Radio", "Bon état", "en") is None
    assert gemini.requests[-1]["key"] == "not-the-key"


def test_no_phone_number_or_email_leaves_for_the_model(model_app, gemini):
    gemini.answer_next(json.dumps({"title": "Radio Sony", "description": "Radio en bon état, fonctionne bien."}))
    gemini.answer_next(json.dumps({"label": "negative", "reasons": ["late"]}))
    gemini.answer_next(json.dumps({"score": 70, "reasons": ["scam"]}))
    gemini.answer_next(json.dumps({"title": "Sony radio", "description": "Good condition, works well."}))
    assist.improve_listing(f"Radio {PHONE}", "Électronique", "Bon état", f"Appelez {PHONE} ou {EMAIL}")
    assist.feeling(f"Il ne répond plus au {PHONE}, écrivez à {EMAIL}")
    risk = assist.risk("Radio", "Électronique", 10_000, f"WhatsApp 699123456, {EMAIL}")
    assist.translate(f"Radio {EMAIL}", f"Appelez le 6 99 12 34 56 ou {EMAIL}", "en")
    # The model never saw the contact details: the rules' reason for them stays with its answer.
    assert len(gemini.requests) == 4 and risk == assist.Risk(70, ("contact", "scam"), "gemini")
    for request in gemini.requests:
        body = request["raw"]
        assert "699" not in body and "12 34 56" not in body and "example.com" not in body and "@" not in body


def test_without_a_key_the_rules_answer(app):
    proposal = assist.improve_listing("machine à laver samsung", "Électroménager", "Bon état", locale="en")
    assert proposal.title == "Machine à laver samsung – bon état" and proposal.source == "rules"
    assert proposal.description.endswith("Collect it at a Vidé-Grenier Kamer pickup point; pay by Mobile Money, "
                                         "card or cash.")
    assert assist.feeling("Arnaque, article cassé et jamais livré").label == "negative"
    assert assist.feeling("Reçu hier.").label == "neutral"
    assert assist.risk("Radio", "Électronique", 5_000, f"Appelez le {PHONE}").reasons == ("contact",)
    assert assist.translate("Radio", "Bon état", "en") is None


def test_a_small_photo_goes_along_with_the_listing_and_a_large_one_does_not(model_app, gemini):
    from tests import factories as f
    from vgk.services.selling import media

    thumb = media.process_image(f.jpeg_bytes()).thumb  # WebP, a few KB
    assist.improve_listing("radio sony", "Électronique", "Bon état", photo=thumb)
    assist.improve_listing("radio sony", "Électronique", "Bon état", photo=b"\xff\xd8\xff" + b"0" * 100_000)
    with_photo, too_large = (request["json"]["contents"][0]["parts"] for request in gemini.requests)
    inline = with_photo[1].get("inlineData") or with_photo[1]["inline_data"]  # the API reads either spelling
    assert (inline.get("mimeType") or inline["mime_type"]) == "image/webp" and "radio sony" in with_photo[0]["text"]
    assert len(inline["data"]) > 100
    assert len(too_large) == 1 and set(too_large[0]) == {"text"}


def test_reasons_are_keys_and_a_models_unknown_words_are_dropped(model_app, gemini):
    gemini.answer_next(json.dumps({"label": "positive", "reasons": ["fast", "Très sympa", "as_described"]}))
    gemini.answer_next(json.dumps({"score": 20, "reasons": ["vague", "because I say so"]}))
    assert assist.feeling("Rapide et conforme") == assist.Feeling("positive", ("fast", "as_described"), "gemini")
    assert assist.risk("Radio", "Électronique", 5_000, "Radio.") == assist.Risk(20, ("vague",), "gemini")
    prompt = gemini.requests[0]["json"]["contents"][0]["parts"][0]["text"]
    assert "not_as_described" in prompt and "{reasons}" not in prompt


def test_the_rules_feeling_reads_words_as_reasons(app):
    assert assist.feeling("Pas conforme, article abîmé. Arnaque !") == assist.Feeling(
        "negative", ("not_as_described", "damaged", "scam"), "rules")
    assert assist.feeling("Great seller, fast and honest").reasons == ("satisfied", "fast", "serious")
    assert assist.feeling(f"Payez d'avance par Orange Money au {PHONE}").reasons == ("off_platform",)
