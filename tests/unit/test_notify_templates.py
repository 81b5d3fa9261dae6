"""Every event's message exists for each of its channels, in French and in English."""
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
    assert html == ""


def test_an_unknown_event_is_refused(context):
    with pytest.raises(ValueError):
        templates.render("order.teleported", "sms", "fr", {})


def test_every_event_has_a_name_in_words():
    from vgk.labels import TABLES

    assert sorted(set(EVENTS) - set(TABLES["notify_event"])) == []
