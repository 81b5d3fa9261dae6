"""Live in-app notices: a person's open pages hear a new notice once it is committed, in their language."""
import pytest

from tests import factories as f
from tests.conftest import socket_test_client
from tests.fakes.channels import install_channels
from vgk.extensions import db
from vgk.services.notifications import notify


@pytest.fixture
def fakes(app, monkeypatch):
    return install_channels(app, monkeypatch, "sms", "email")


def connect(app, user):
    http = app.test_client()
    f.sign_in(http, user)
    client = socket_test_client(app, http)
    assert client.is_connected()
    client.get_received()  # what connecting says (the unread messages count)
    return client


def notices(client):
    return [item["args"][0] for item in client.get_received() if item["name"] == "notification"]


def test_a_connected_person_hears_the_notice_once_it_is_committed(app, fakes):
    buyer = f.user(phone="+237690001122", locale="fr")
    page = connect(app, buyer)
    notify(buyer, "order.ready", {"ref": "VGK-0042", "point": "Akwa", "code": "204518", "link": "/commandes/VGK-0042"})
    assert notices(page) == []  # not before the commit
    db.session.commit()
    assert notices(page) == [{"text": "Vidé-Grenier Kamer : votre commande VGK-0042 vous attend au Akwa. "
                                      "Code de retrait : envoyé par SMS.",  # never the code itself
                              "link": "/commandes/VGK-0042", "unread": 1}]
    notify(buyer, "order.cancelled", {"ref": "VGK-0043"})
    db.session.commit()
    [second] = notices(page)
    assert second["unread"] == 2


def test_nothing_is_heard_when_the_change_is_rolled_back(app, fakes):
    buyer = f.user()
    page = connect(app, buyer)
    notify(buyer, "order.ready", {"ref": "VGK-0042", "point": "Akwa", "code": "204518"})
    db.session.rollback()
    db.session.commit()
    assert notices(page) == []


def test_the_notice_is_written_in_the_readers_language_not_the_callers(app, fakes):
    seller = f.user(locale="en")
    page = connect(app, seller)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        notify(seller, "listing.approved", {"title": "Vélo rouge", "link": "/annonces/1"})
        db.session.commit()
    [notice] = notices(page)
    assert notice["text"] == "Your listing “Vélo rouge” is live."


def test_only_the_person_told_hears_it(app, fakes):
    buyer, other = f.user(), f.user()
    elsewhere = connect(app, other)
    notify(buyer, "order.ready", {"ref": "VGK-0042", "point": "Akwa", "code": "204518"})
    db.session.commit()
    assert notices(elsewhere) == []


def test_without_a_socket_the_next_page_shows_the_unread_notices_in_the_header(app, fakes):
    buyer = f.user()
    http = app.test_client()
    f.sign_in(http, buyer)
    assert '<span id="notices-badge" class="cart-count" title="Notifications non lues" hidden>0</span>' in \
        http.get("/").get_data(as_text=True)
    notify(buyer, "order.ready", {"ref": "VGK-0042", "point": "Akwa", "code": "204518"})
    db.session.commit()
    assert '<span id="notices-badge" class="cart-count" title="Notifications non lues">1</span>' in \
        http.get("/").get_data(as_text=True)


def test_a_failure_to_count_after_the_commit_does_not_fail_the_callers_commit(app, fakes, monkeypatch, caplog):
    from vgk.services.messaging import inbox

    buyer = f.user()
    page = connect(app, buyer)

    def broken(user):
        raise RuntimeError("database gone")

    monkeypatch.setattr(inbox, "unread_count", broken)
    notify(buyer, "order.ready", {"ref": "VGK-0042", "point": "Akwa", "code": "204518"})
    db.session.commit()  # does not raise: the notice is stored, the next page shows it
    assert notices(page) == []
    assert len(inbox.page_for(buyer)[0]) == 1
