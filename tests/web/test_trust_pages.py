"""The trust pages (how it works, buyer protection, terms, contact): public, in French and English, linked
from every page's footer and from the sign-up form, cacheable for visitors and private for people signed in."""
import re

import pytest

from tests import factories as f

PAGES = {
    "/comment-ca-marche": ("Comment ça marche", "How it works", "point relais"),
    "/protection-acheteur": ("Protection acheteur", "Buyer protection", "remis entre vos mains"),
    "/conditions": ("Conditions d’utilisation", "Terms of use", "Articles interdits"),
    "/contact": ("Contact", "Contact", "support@vgk.cm"),
}


@pytest.mark.parametrize("path", PAGES)
def test_each_trust_page_answers_in_french_and_english(client, path):
    french_title, english_title, french_text = PAGES[path]
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf"<h1>{french_title}</h1>", html)
    assert french_text in html

    client.get("/langue/en")
    english = client.get(path).get_data(as_text=True)
    assert re.search(rf"<h1>{english_title}</h1>", english)
    assert 'lang="en"' in english
    assert french_text not in english or "@" in french_text  # the text itself is translated


def test_english_pages_say_the_rules_in_english(client):
    client.get("/langue/en")
    assert "Your money is paid to the seller only once the item is in your hands" in client.get(
        "/protection-acheteur").get_data(as_text=True)
    terms = client.get("/conditions").get_data(as_text=True)
    assert "Prohibited items" in terms and "A commission of 10% of the price" in terms


def test_the_footer_links_every_trust_page(client):
    for page in ("/", "/produits", "/panier", "/connexion"):
        footer = client.get(page).get_data(as_text=True).split('<footer class="foot">', 1)[1]
        for path in PAGES:
            assert f'href="{path}"' in footer, (page, path)


def test_the_sign_up_checkbox_links_to_the_terms(client):
    html = client.get("/inscription").get_data(as_text=True)
    label = re.search(r'<label for="accept_terms">(.*?)</label>', html, re.S).group(1)
    assert 'href="/conditions"' in label


def test_visitors_may_cache_the_pages_but_not_people_signed_in(client):
    response = client.get("/protection-acheteur")
    assert "public" in response.headers["Cache-Control"] and "no-cache" in response.headers["Cache-Control"]
    again = client.get("/protection-acheteur", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert "Set-Cookie" not in response.headers  # nothing personal in a page a proxy may keep
    assert "Accept-Language" in response.headers["Vary"]

    f.sign_in(client, f.user())
    assert client.get("/protection-acheteur").headers["Cache-Control"] == "no-store"


def test_contact_shows_the_configured_support_line(app, client):
    app.config.update(SUPPORT_PHONE="+237 699 12 34 56", SUPPORT_EMAIL="aide@vgk.example")
    try:
        html = client.get("/contact").get_data(as_text=True)
    finally:
        app.config.update(SUPPORT_PHONE="", SUPPORT_EMAIL="support@vgk.cm")
    assert 'href="tel:+237699123456"' in html and "+237 699 12 34 56" in html
    assert 'href="mailto:aide@vgk.example"' in html


def test_contact_without_a_support_line_offers_the_email_only(client):
    html = client.get("/contact").get_data(as_text=True)
    assert "tel:" not in html
    assert 'href="mailto:support@vgk.cm"' in html
