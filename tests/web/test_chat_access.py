"""Who reaches each conversation route: every route of the chat pages (and the admins' conversation pages)
walked by a visitor who is not signed in, another client, a pickup point's staff, an admin and the two
members, against a buyer–seller conversation. Only the members read it (an admin too once it is reported);
the others are told it does not exist (404) or sent to sign in; nothing is ever stored by a cache."""
import re

import pytest

from tests import factories as f
from tests.security.test_f13_private_pages_not_cached import kept_by_the_service_worker, private_prefixes
from tests.web.test_auth import csrf_token
from vgk.models import Role, TwoFactor
from vgk.services.conversations import messages, offers, safety, threads


@pytest.fixture
def world(app):
    seller = f.user(name="Nadège Fotso")
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    buyer = f.user(name="Awa Bello")
    talk = threads.open_about_listing(buyer, phone.public_id)
    question = messages.post_text(buyer, talk, "Toujours disponible ?")
    offer = offers.make(buyer, talk, 60_000)
    picture = safety.post_photo(seller, talk, f.jpeg_bytes())
    people = {"visitor": None, "client": f.user(), "staff": f.user(Role.STAFF, pickup_point=f.pickup_point()),
              "admin": f.user(Role.ADMIN, two_factor=TwoFactor.SMS), "buyer": buyer, "seller": seller}
    base = f"/messages/{talk.public_id}"
    routes = {  # endpoint: (method, path, form)
        "chat.inbox": ("GET", "/messages", {}),
        "chat.conversation": ("GET", base, {}),
        "chat.write": ("POST", base, {"body": "Bonjour"}),
        "chat.news": ("GET", f"{base}/nouveaux?apres=0", {}),
        "chat.photo": ("GET", f"{base}/photos/{picture.id}", {}),
        "chat.send_photo": ("POST", f"{base}/photo", {}),
        "chat.make_offer": ("POST", f"{base}/offre", {"amount": "50000"}),
        "chat.answer_offer": ("POST", f"{base}/offres/{offer.public_id}", {"decision": "decline"}),
        "chat.report": ("POST", f"{base}/signaler/{question.id}", {"reason": "test"}),
        "chat.block": ("GET", f"{base}/bloquer", {}),
        "chat.about_listing": ("POST", f"/messages/annonce/{phone.public_id}", {}),
        "chat.support": ("POST", "/messages/support", {}),
        "admin.support_queue": ("GET", "/admin/support", {}),
        "admin.reported_conversations": ("GET", "/admin/conversations-signalees", {}),
        "admin.settle_conversation": ("POST", f"/admin/conversations-signalees/{talk.public_id}",
                                      {"action": "dismiss"}),
        "admin.new_group": ("GET", "/admin/groupes/nouveau", {}),
    }
    return people, routes, talk, question


def call(client, method, path, form):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **form})


def as_person(client, user):
    if user is not None:
        f.sign_in(client, user)


def test_every_chat_route_is_listed_here(app, world):
    _people, routes, _talk, _question = world
    chat = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("chat.")}
    assert chat <= set(routes), sorted(chat - set(routes))


# Routes that touch the conversation itself (the others are each person's own inbox, support or listing).
ABOUT_IT = ("chat.conversation", "chat.write", "chat.news", "chat.photo", "chat.send_photo", "chat.make_offer",
            "chat.answer_offer", "chat.report", "chat.block")
ADMIN_ONLY = ("admin.support_queue", "admin.reported_conversations", "admin.settle_conversation", "admin.new_group")


@pytest.mark.parametrize("who", ["visitor", "client", "staff", "admin"])
def test_outsiders_never_reach_the_conversation(client, world, who):
    people, routes, _talk, _question = world
    as_person(client, people[who])
    prefixes = private_prefixes(client)
    for endpoint in ABOUT_IT:
        method, path, form = routes[endpoint]
        response = call(client, method, path, form)
        assert "no-store" in response.headers.get("Cache-Control", ""), (who, endpoint)
        assert not kept_by_the_service_worker(prefixes, path)
        if who == "visitor":
            assert response.status_code == 302 and "/connexion?next=" in response.headers["Location"], endpoint
        else:
            assert response.status_code == 404, (who, endpoint, response.status_code)
            assert "Toujours disponible" not in response.get_data(as_text=True)
    for endpoint in ADMIN_ONLY:
        method, path, form = routes[endpoint]
        response = call(client, method, path, form)
        assert "no-store" in response.headers.get("Cache-Control", ""), (who, endpoint)
        expected = {"visitor": 302, "client": 403, "staff": 403, "admin": 200 if method == "GET" else 404}[who]
        assert response.status_code == expected, (who, endpoint, response.status_code)


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_members_reach_every_route(client, world, who):
    people, routes, talk, _question = world
    as_person(client, people[who])
    for endpoint, (method, path, form) in routes.items():
        if endpoint in ADMIN_ONLY or endpoint in ("chat.about_listing", "chat.support"):
            continue
        response = call(client, method, path, form)
        refused = who == "seller" and endpoint == "chat.make_offer"  # only the buyer offers: said clearly
        assert response.status_code == (403 if refused else 200 if method == "GET" else 303) or (
            endpoint == "chat.send_photo" and response.status_code == 400), (who, endpoint, response.status_code)
        assert "no-store" in response.headers.get("Cache-Control", ""), (who, endpoint)


def test_an_admin_reads_a_reported_conversation_but_cannot_write_in_it(client, world):
    people, routes, talk, question = world
    safety.report(people["seller"], talk, question.id, "Suspect")
    as_person(client, people["admin"])
    page = client.get(routes["chat.conversation"][1])
    assert page.status_code == 200 and "Toujours disponible" in page.get_data(as_text=True)
    assert not re.search(r'id="chat-form"', page.get_data(as_text=True))
    assert call(client, *routes["chat.write"]).status_code == 404
    assert call(client, *routes["admin.settle_conversation"]).status_code == 302
