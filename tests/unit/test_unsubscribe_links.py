"""Alerts and news carry a one-click unsubscribe link (email header and text, SMS "Stop : <url>"); the link
page asks, a POST (a browser's button or a mail client's RFC 8058 one-click) turns the category off."""
from datetime import datetime

import pytest

from tests import factories as f
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.services.notifications import notify, preferences
from vgk.services.notifications.unsubscribe import make_token

SITE = "https://vgk.example"
DAY = datetime(2026, 12, 2, 10, 0)  # 11:00 in Douala: outside quiet hours


@pytest.fixture
def fakes(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", SITE)
    return install_channels(app, monkeypatch, "sms", "email", "whatsapp")


def _link(message):
    assert message.unsubscribe_url.startswith(f"{SITE}/desabonnement/")
    return message.unsubscribe_url[len(SITE):]


def test_alerts_and_news_carry_the_link_and_orders_do_not(app, fakes):
    person = f.user(email="awa@example.cm")
    notify(person, "alert.price_drop", {"title": "Tecno Spark", "amount": 45000}, at=DAY)
    notify(person, "news.digest", {"summary": "12 nouveaux articles"}, at=DAY)
    notify(person, "order.ready", {"ref": "VGK-1", "point": "Akwa", "code": "204518"}, at=DAY)
    db.session.commit()
    alert, order = fakes["sms"].sent
    [news] = fakes["email"].sent
    assert f"Stop : {alert.unsubscribe_url}" in alert.text
    assert news.unsubscribe_url in news.text and _link(news) != _link(alert)
    assert order.unsubscribe_url == "" and "Stop" not in order.text


def test_the_link_asks_then_turns_the_category_off(client, app, fakes):
    person = f.user(email="awa@example.cm")
    notify(person, "alert.price_drop", {"title": "Tecno Spark", "amount": 45000}, at=DAY)
    db.session.commit()
    path = _link(fakes["sms"].sent[0])
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Ne plus recevoir les alertes ?" in page.get_data(as_text=True)
    assert preferences.accepted(person, "alerts")  # asking changes nothing
    done = client.post(path)  # no CSRF token, no session: the link is the authority
    assert done.status_code == 200 and "C’est fait" in done.get_data(as_text=True)
    assert 'href="/compte/notifications/preferences"' in done.get_data(as_text=True)
    assert preferences.accepted(person, "alerts") == set()
    assert preferences.accepted(person, "news") == {"email", "push"}  # only the link's category
    notify(person, "alert.price_drop", {"title": "Tecno Spark", "amount": 40000}, at=DAY)
    db.session.commit()
    assert len(fakes["sms"].sent) == 1  # no more alerts


def test_a_mail_clients_one_click_post_works(client, app, fakes):
    person = f.user(email="awa@example.cm")
    token = make_token(person.id, "news")
    response = client.post(f"/desabonnement/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert preferences.accepted(person, "news") == set()


def test_a_tampered_or_foreign_link_is_not_found(client, app, fakes):
    person = f.user()
    token = make_token(person.id, "alerts")
    for bad in (token[:-2] + "xx", "nimportequoi", make_token(person.id, "transactional"),
                make_token(person.id + 999, "alerts")):
        for method in (client.get, client.post):
            response = method(f"/desabonnement/{bad}")
            assert response.status_code == 404, bad
            assert "Lien de désabonnement invalide" in response.get_data(as_text=True)
    assert preferences.accepted(person, "alerts") == {"push", "sms", "email"}
    assert preferences.accepted(person, "transactional") == {"push", "sms", "email"}
