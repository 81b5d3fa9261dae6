"""Who may reach a conversation, through every conversation endpoint of the mobile API and every
Socket.IO event: a visitor (no token), another client, a staff member, an admin, and the members.

Only the members read, join, type, mark read and write; an admin also reads (and joins) a conversation
somebody reported, never writes in it. Everyone else is told the conversation does not exist, and
nothing changes. The walks are derived from the URL map and the events' table: a new endpoint or event
that is not walked here fails `test_every_endpoint_and_event_is_walked`.
"""
import io
from dataclasses import dataclass
from typing import Any

import pytest

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.conftest import socket_test_client
from vgk.extensions import db
from vgk.models import ChatMessage, MessageReport, Offer, Role
from vgk.realtime import events
from vgk.services.accounts import api_tokens
from vgk.services.conversations import messages, offers, safety, threads

PREFIX = "/mobile/api/client/conversations/"
BASE = "client/conversations/"


@dataclass(frozen=True)
class Step:
    """One call: `actor` is the member who may make it; `own` calls act on the caller's own things only
    (anyone signed in may make them, and their answer must not reveal the conversation)."""

    method: str
    path: str
    body: Any = None
    actor: str = "buyer"
    own: bool = False
    admin_reads: bool = False  # an admin may make it on a reported conversation


def steps(ctx):
    pid = ctx["conversation"].public_id
    return {
        "api.my_conversations": Step("GET", BASE, own=True),
        "api.unread_messages": Step("GET", BASE + "unread/", own=True),
        "api.open_for_product": Step("POST", BASE + "open_for_product/", {"product": ctx["other_product"]}, own=True),
        "api.open_support": Step("POST", BASE + "support/", own=True),
        "api.block_person": Step("POST", BASE + "block/", {"user": ctx["nobody"]}, own=True),
        "api.unblock_person": Step("POST", BASE + "unblock/", {"user": ctx["nobody"]}, own=True),
        "api.conversation_messages": Step("GET", BASE + f"{pid}/messages/", admin_reads=True),
        "api.conversation_photo": Step("GET", BASE + f"{pid}/photos/{ctx['photo']}/", admin_reads=True),
        "api.send_text": Step("POST", BASE + f"{pid}/send_text/", {"text": "Bonjour"}),
        "api.send_photo": Step("POST", BASE + f"{pid}/send_photo/", "photo"),
        "api.mark_read": Step("POST", BASE + f"{pid}/mark_read/", {}),
        "api.report_message": Step("POST", BASE + f"{pid}/report/", {"message": ctx["seller_message"]}),
        "api.answer_offer": Step("POST", BASE + f"offers/{ctx['offer']}/answer/", {"decision": "decline"},
                                 actor="seller"),
        "api.make_offer": Step("POST", BASE + f"{pid}/make_offer/", {"amount": 40_000}),
    }


@pytest.fixture
def chat(app):
    seller = f.user(name="Nadège Fotso")
    buyer = f.user(name="Awa Bello")
    product = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    conversation = threads.open_about_listing(buyer, product.public_id)
    said = messages.post_text(seller, conversation, "Il est encore là.")
    photo = safety.post_photo(seller, conversation, f.jpeg_bytes())
    offer = offers.make(buyer, conversation, 50_000)
    return {
        "seller": seller, "buyer": buyer, "conversation": conversation, "seller_message": said.id,
        "photo": photo.id, "offer": offer.public_id, "nobody": f.user(name="Paul Ngando").public_id,
        "other_product": f.product("Radio", seller=f.user(), price=9_000).public_id,
        "another client": f.user(), "staff": f.user(Role.STAFF, pickup_point=f.pickup_point()),
        "admin": f.user(Role.ADMIN),
    }


def _call(api, step, user):
    if step.body == "photo":
        return api.call(step.method, step.path, user=user, data={"photo": (io.BytesIO(f.jpeg_bytes()), "p.jpg")},
                        conform=False)
    return api.call(step.method, step.path, user=user, json_body=step.body, conform=False)


def _state(conversation):
    """What a call could change in the conversation."""
    db.session.expire_all()
    return (db.session.query(ChatMessage).filter_by(conversation_id=conversation.id).count(),
            sorted((o.id, o.status) for o in db.session.query(Offer).filter_by(conversation_id=conversation.id)),
            db.session.query(MessageReport).count(),
            sorted((m.user_id, m.last_read_id) for m in conversation.members))


def _report(chat):
    safety.report(chat["buyer"], chat["conversation"], chat["seller_message"], "insultes")


# --- the API ------------------------------------------------------------------------------------

def test_every_endpoint_and_event_is_walked(app, chat):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX)}
    assert endpoints == set(steps(chat)), "walk each conversation endpoint in steps()"
    assert set(events.ACTIONS) | {"connect"} == set(SOCKET), "walk each socket event in SOCKET"


def test_a_visitor_reaches_nothing(app, chat):
    api = ApiClient(app)
    before = _state(chat["conversation"])
    for name, step in steps(chat).items():
        response = _call(api, step, None)
        assert response.status_code == 401, name
        assert response.get_json()["success"] is False, name
    assert _state(chat["conversation"]) == before


@pytest.mark.parametrize("who", ["another client", "staff", "admin"])
def test_people_outside_the_conversation_are_told_it_does_not_exist(app, chat, who):
    api = ApiClient(app)
    before = _state(chat["conversation"])
    pid = chat["conversation"].public_id
    for name, step in steps(chat).items():
        response = _call(api, step, chat[who])
        if step.own:
            assert response.status_code < 500, name
            assert pid not in response.get_data(as_text=True), name
        else:
            assert response.status_code == 404, (name, response.get_json())
    assert _state(chat["conversation"]) == before


def test_an_admin_reads_a_reported_conversation_and_writes_nothing_in_it(app, chat):
    _report(chat)
    api = ApiClient(app)
    before = _state(chat["conversation"])
    for name, step in steps(chat).items():
        if step.own:
            continue
        response = _call(api, step, chat["admin"])
        if step.admin_reads:
            assert response.status_code == 200, name
        elif name == "api.mark_read":  # not a member: nothing to mark
            assert response.status_code == 200 and response.get_json()["read"] == 0
        else:
            assert response.status_code == 404, (name, response.get_json())
    assert _state(chat["conversation"]) == before


def test_the_members_do_what_they_may(app, chat):
    api = ApiClient(app)
    for name, step in steps(chat).items():
        response = _call(api, step, chat[step.actor])
        assert response.status_code in (200, 201), (name, response.get_data(as_text=True)[:300])
    inbox = api.get(BASE, user=chat["seller"]).get_json()["results"]
    assert chat["conversation"].public_id in {entry["id"] for entry in inbox}


# --- the socket ---------------------------------------------------------------------------------

# Each event with its data; `admin_reads`: an admin may send it about a reported conversation.
SOCKET = {
    "connect": None,
    "join": {"admin_reads": True},
    "leave": {"admin_reads": True},
    "typing": {},
    "read": {"admin_reads": True},  # answered, but an admin who is not a member marks nothing
    "delivered": {"admin_reads": True, "up_to": 1},
    "send": {"text": "Bonjour"},
}


def _connect(app, user=None, token=None):
    http = app.test_client()
    if token is None and user is not None:
        token = api_tokens.sign_in(user).access_token
    return socket_test_client(app, http, auth={"token": token} if token else None)


def _emit(client, name, conversation):
    data = {k: v for k, v in SOCKET[name].items() if k != "admin_reads"}
    return client.emit(name, {"conversation": conversation.public_id, **data}, callback=True)


def test_a_visitor_cannot_connect(app, chat):
    assert not _connect(app).is_connected()
    assert not _connect(app, token="not-a-token").is_connected()
    assert _connect(app, chat["buyer"]).is_connected()  # the same walk with a token connects


@pytest.mark.parametrize("who", ["another client", "staff", "admin"])
def test_people_outside_the_conversation_get_no_event_through(app, chat, who):
    client = _connect(app, chat[who])
    assert client.is_connected()
    before = _state(chat["conversation"])
    for name in events.ACTIONS:
        answer = _emit(client, name, chat["conversation"])
        assert answer["ok"] is False and answer["code"] == "not_found", (name, answer)
    assert _state(chat["conversation"]) == before
    client.get_received()
    messages.post_text(chat["buyer"], chat["conversation"], "Vous êtes là ?")
    assert [item for item in client.get_received() if item["name"] in ("message", "typing")] == []


def test_an_admin_joins_a_reported_conversation_but_neither_types_nor_writes(app, chat):
    _report(chat)
    client = _connect(app, chat["admin"])
    before = _state(chat["conversation"])
    for name in events.ACTIONS:
        answer = _emit(client, name, chat["conversation"])
        assert answer["ok"] is SOCKET[name].get("admin_reads", False), (name, answer)
    assert _state(chat["conversation"]) == before


def test_the_members_use_every_event(app, chat):
    for who in ("buyer", "seller"):
        client = _connect(app, chat[who])
        for name in events.ACTIONS:
            answer = _emit(client, name, chat["conversation"])
            assert answer["ok"] is True, (who, name, answer)
