"""Every event's message exists for each of its channels, in French and in English."""
import re

import pytest

from vgk.services.notifications import templates
from vgk.services.notifications.events import EVENTS


@pytest.fixture
def context(sqlite_app):
    with sqlite_app.app_context():
        yield sqlite_app


def test_every_channel_of_every_event_has_its_words_in_both_languages(context):
    for name, event in EVENTS.items():
        sample = templates.sample_context(name)
        for channel in event.fallback:
            fr = templates.render(name, channel, "fr", sample)
            en = templates.render(name, channel, "en", sample)
            assert fr != en, (name, channel)
            for subject, text, _ in (fr, en):
                assert text and "%(" not in text and "{{" not in text, (name, channel)
                assert bool(subject) == (channel in ("push", "email")), (name, channel)
                if channel == "sms":
                    assert len(text) <= 200, (name, text)


def test_each_event_lists_every_value_its_messages_show(context):
    for name, event in EVENTS.items():
        sample = templates.sample_context(name)
        listed = {key: sample[key] for key in (*event.params, "url")}
        for channel in event.fallback:
            assert templates.render(name, channel, "fr", listed) == templates.render(name, channel, "fr", sample), (
                name, channel)


def test_the_first_line_of_an_email_is_its_subject(context):
    subject, text, html = templates.render("listing.refused", "email", "en",
                                           {"title": "Red bike", "reason": "Blurred photo",
                                            "url": "https://vgk.cm/annonces/1"})
    assert subject == "Listing rejected"
    assert text == ("Your listing “Red bike” was rejected. Reason: Blurred photo\n\nhttps://vgk.cm/annonces/1\n\n"
                    "The Vidé-Grenier Kamer team")
    assert html.startswith("<!DOCTYPE html>")  # written from the text (the event has no email.html)


def paragraphs(html):
    """The HTML part's paragraphs' inner markup, in order."""
    return [" ".join(p.split()) for p in re.findall(r"<p[^>]*>(.*?)</p>", html, re.S)]


def test_an_email_without_its_own_html_gets_one_from_its_text_escaped(context):
    subject, text, html = templates.render(
        "listing.refused", "email", "fr",
        {"title": "<script>alert('x')</script> & co", "reason": "Voir https://vgk.cm/aide/photos.",
         "url": "https://vgk.cm/annonces/1?a=1&b=2"})
    assert '<html lang="fr">' in html and "<style" not in html and "<img" not in html
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in html
    assert f"<h1 style=\"margin:0 0 16px;font-size:20px;line-height:1.3\">{subject}</h1>" in html
    shown = paragraphs(html)
    assert shown[1].startswith("Votre annonce « &lt;script&gt;")
    assert shown[1].endswith('Motif : Voir <a href="https://vgk.cm/aide/photos" style="color:#0f6b3a">'
                             'https://vgk.cm/aide/photos</a>.')  # the full stop ends the sentence, not the link
    assert '<a href="https://vgk.cm/annonces/1?a=1&amp;b=2" style="display:inline-block' in shown[2]
    assert "Ouvrir sur Vidé-Grenier Kamer</a>" in shown[2]  # the bare link became the button, in its place
    assert shown[3] == "L&#39;équipe Vidé-Grenier Kamer" and len(shown) == 4
    assert text.startswith("Votre annonce « <script>alert('x')</script> & co » a été refusée.")  # text stays text


def test_the_html_part_keeps_lines_puts_the_unsubscribe_link_in_small_print_and_speaks_english(context):
    _, text, html = templates.render(
        "alert.saved_search", "email", "en",
        {"count": 3, "search": "Tecno phone", "url": "https://vgk.cm/recherche?q=tecno",
         "unsubscribe": "https://vgk.cm/desabonnement/abc.def"})
    assert "https://vgk.cm/desabonnement/abc.def" in text  # the text part is unchanged
    assert '<html lang="en">' in html and "Open on Vidé-Grenier Kamer</a>" in html
    small = paragraphs(html)[-1]
    assert small == ('<a href="https://vgk.cm/desabonnement/abc.def" style="color:#6b6b66">'
                     'Stop receiving these messages</a>')
    assert html.count("desabonnement") == 1  # in the small print only
    _, _, receipt = templates.render("order.receipt", "email", "fr", templates.sample_context("order.receipt"))
    assert "Bonjour Aïcha,</p>" in receipt and "Montant payé : 25" in receipt and "<br>Moyen de paiement" in receipt
    _, _, no_link = templates.render("listing.refused", "email", "fr", {"title": "Vélo", "reason": "Flou",
                                                                        "url": "/annonces/1"})
    assert "<a " not in no_link  # a bare path is no link in a mailbox: no button


def test_an_unknown_event_is_refused(context):
    with pytest.raises(ValueError):
        templates.render("order.teleported", "sms", "fr", {})


def test_every_event_has_a_name_in_words():
    from vgk.labels import TABLES

    assert sorted(set(EVENTS) - set(TABLES["notify_event"])) == []
