"""Conversations from the app: the inbox, opening a conversation, reading and writing, photos, offers,
read marks, reports, blocks — every answer checked against the OpenAPI document."""
import io

import pytest

from tests import factories as f
from vgk.extensions import db
from vgk.models import Role
from vgk.services.conversations import messages, threads

BASE = "client/conversations/"


@pytest.fixture
def talk(app):
    seller = f.user(name="Nadège Fotso")
    buyer = f.user(name="Awa Bello")
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    return {"seller": seller, "buyer": buyer, "product": phone}


def _open(api, talk):
    response = api.post(BASE + "open_for_product/", {"product": talk["product"].public_id}, user=talk["buyer"])
    assert response.status_code == 200
    return response.get_json()["conversation"]


def test_a_buyer_opens_the_conversation_about_a_listing_once_and_writes(api, talk):
    first = _open(api, talk)
    assert first["kind"] == "LISTING" and first["product"]["title"] == "Tecno Spark 10"
    assert first["product"]["price"] == 65_000 and first["closed"] is False
    assert first["members"] == [{"id": talk["seller"].public_id, "name": "Nadège Fotso"}]
    assert _open(api, talk)["id"] == first["id"]

    sent = api.post(BASE + f"{first['id']}/send_text/", {"text": "Toujours disponible ?"}, user=talk["buyer"])
    assert sent.status_code == 201
    assert sent.get_json()["message"]["text"] == "Toujours disponible ?" and sent.get_json()["message"]["mine"]

    inbox = api.get(BASE, user=talk["seller"]).get_json()
    assert inbox["count"] == 1
    entry = inbox["results"][0]
    assert entry["id"] == first["id"] and entry["unread"] == 1
    assert entry["last_message"]["text"] == "Toujours disponible ?" and entry["last_message"]["mine"] is False
    assert entry["members"] == [{"id": talk["buyer"].public_id, "name": "Awa Bello"}]
    assert api.get(BASE + "unread/", user=talk["seller"]).get_json()["total"] == 1


def test_opening_refuses_ones_own_listing_and_listings_not_on_sale(api, talk):
    own = api.post(BASE + "open_for_product/", {"product": talk["product"].public_id}, user=talk["seller"])
    assert own.status_code == 400 and own.get_json()["success"] is False
    assert api.post(BASE + "open_for_product/", {"product": "nope"}, user=talk["buyer"]).status_code == 404
    missing = api.post(BASE + "open_for_product/", {}, user=talk["buyer"])
    assert missing.status_code == 400 and missing.get_json()["error"]["fields"] == {"product": "required"}
    assert api.post(BASE + "open_for_product/", {"product": talk["product"].public_id}).status_code == 401


def test_new_conversations_a_day_are_limited(app, api, talk, monkeypatch):
    monkeypatch.setitem(app.config, "CHAT_NEW_CONVERSATIONS_PER_DAY", 1)
    _open(api, talk)
    other = f.product("Réfrigérateur", seller=talk["seller"], price=90_000)
    refused = api.post(BASE + "open_for_product/", {"product": other.public_id}, user=talk["buyer"])
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"


def test_messages_page_backwards_and_what_is_new_with_receipts(app, api, talk, monkeypatch):
    monkeypatch.setitem(app.config, "CHAT_MESSAGES_PER_MINUTE", 100)
    conversation = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    ids = [messages.post_text(talk["buyer"], conversation, f"Message {n}").id for n in range(35)]
    url = BASE + f"{conversation.public_id}/messages/"

    newest = api.get(url, user=talk["seller"]).get_json()
    assert [m["text"] for m in newest["messages"]][-1] == "Message 34" and len(newest["messages"]) == 30
    assert newest["has_more"] is True
    older = api.get(url, query={"before": newest["messages"][0]["id"]}, user=talk["seller"]).get_json()
    assert [m["text"] for m in older["messages"]] == [f"Message {n}" for n in range(5)]
    assert older["has_more"] is False
    new = api.get(url, query={"after": ids[32]}, user=talk["seller"]).get_json()
    assert [m["text"] for m in new["messages"]] == ["Message 33", "Message 34"] and new["has_more"] is False

    assert api.get(url, user=talk["buyer"]).get_json()["receipts"] == {"delivered": 0, "read": 0}
    marked = api.post(BASE + f"{conversation.public_id}/mark_read/", {"up_to": ids[10]}, user=talk["seller"])
    assert marked.get_json()["read"] == ids[10] and marked.get_json()["unread"] == 24
    seen_by_buyer = api.get(url, user=talk["buyer"]).get_json()["receipts"]
    assert seen_by_buyer == {"delivered": ids[10], "read": ids[10]}
    assert api.post(BASE + f"{conversation.public_id}/mark_read/", user=talk["seller"]).get_json()["unread"] == 0


def test_bad_paging_values_are_clear_400s(api, talk):
    conversation = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    url = BASE + f"{conversation.public_id}/messages/"
    for query in ({"before": "abc"}, {"after": "-1"}, {"before": 5, "after": 2}):
        response = api.get(url, query=query, user=talk["buyer"])
        assert response.status_code == 400, query


def test_contacts_are_masked_for_the_reader_before_an_order(api, talk):
    conversation = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    messages.post_text(talk["seller"], conversation, "Appelez-moi au 677 12 34 56")
    shown = api.get(BASE + f"{conversation.public_id}/messages/", user=talk["buyer"]).get_json()["messages"][0]
    assert "677 12 34 56" not in shown["text"] and shown["masked"] is True
    own = api.get(BASE + f"{conversation.public_id}/messages/", user=talk["seller"]).get_json()["messages"][0]
    assert "677 12 34 56" in own["text"]


def test_writing_too_fast_and_empty_messages_are_refused(app, api, talk, monkeypatch):
    monkeypatch.setitem(app.config, "CHAT_MESSAGES_PER_MINUTE", 2)
    conversation = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    url = BASE + f"{conversation.public_id}/send_text/"
    assert api.post(url, {"text": "   "}, user=talk["buyer"]).status_code == 400
    assert api.post(url, {"text": "x" * 2001}, user=talk["buyer"]).status_code == 400
    for n in range(2):
        assert api.post(url, {"text": f"Bonjour {n}"}, user=talk["buyer"]).status_code == 201
    assert api.post(url, {"text": "Encore"}, user=talk["buyer"]).status_code == 429


def test_photos_are_sent_and_given_to_members_only(api, talk):
    conversation = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    sent = api.call("POST", BASE + f"{conversation.public_id}/send_photo/", user=talk["buyer"],
                    data={"photo": (io.BytesIO(f.jpeg_bytes()), "photo.jpg")})
    assert sent.status_code == 201
    message = sent.get_json()["message"]
    assert message["kind"] == "PHOTO" and message["photo_url"].endswith(f"/photos/{message['id']}/")
    path = BASE + f"{conversation.public_id}/photos/{message['id']}/"
    seen = api.get(path, user=talk["seller"], conform=False)
    assert seen.status_code == 200 and seen.mimetype == "image/webp" and seen.data[8:12] == b"WEBP"
    assert seen.headers["Cache-Control"] == "no-store"
    assert api.get(path, user=f.user()).status_code == 404
    assert api.get(path).status_code == 401
    not_a_photo = api.call("POST", BASE + f"{conversation.public_id}/send_photo/", user=talk["buyer"],
                           data={"photo": (io.BytesIO(b"not an image"), "photo.jpg")})
    assert not_a_photo.status_code == 400
    assert api.call("POST", BASE + f"{conversation.public_id}/send_photo/", user=talk["buyer"],
                    data={"other": "x"}).status_code == 400


def test_an_offer_is_made_countered_and_accepted_at_the_offered_price(api, talk):
    conversation = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    made = api.post(BASE + f"{conversation.public_id}/make_offer/", {"amount": 50_000}, user=talk["buyer"])
    assert made.status_code == 201
    offer = made.get_json()["offer"]
    assert offer["amount"] == 50_000 and offer["status"] == "OPEN" and offer["mine"] is True

    own = api.post(BASE + f"offers/{offer['id']}/answer/", {"decision": "accept"}, user=talk["buyer"])
    assert own.status_code == 403
    counter = api.post(BASE + f"offers/{offer['id']}/answer/", {"decision": "counter", "amount": 60_000},
                       user=talk["seller"]).get_json()["offer"]
    assert counter["amount"] == 60_000 and counter["mine"] is True and counter["status"] == "OPEN"
    accepted = api.post(BASE + f"offers/{counter['id']}/answer/", {"decision": "accept", "amount": 1},
                        user=talk["buyer"]).get_json()["offer"]
    assert accepted["status"] == "ACCEPTED" and accepted["amount"] == 60_000 and accepted["valid_until"]
    again = api.post(BASE + f"offers/{counter['id']}/answer/", {"decision": "decline"}, user=talk["buyer"])
    assert again.status_code in (403, 409)

    page = api.get(BASE + f"{conversation.public_id}/messages/", user=talk["buyer"]).get_json()
    assert {o["id"]: o["status"] for o in page["offers"]} == {offer["id"]: "COUNTERED", counter["id"]: "ACCEPTED"}
    assert "60 000" in page["messages"][-1]["text"]


def test_offers_are_checked(api, talk):
    conversation = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    url = BASE + f"{conversation.public_id}/make_offer/"
    assert api.post(url, {"amount": 70_000}, user=talk["buyer"]).status_code == 400
    assert api.post(url, {"amount": "beaucoup"}, user=talk["buyer"]).status_code == 400
    assert api.post(url, {"amount": 50_000}, user=talk["seller"]).status_code == 403
    assert api.post(url, {"amount": 50_000}, user=f.user()).status_code == 404
    unknown = api.post(BASE + "offers/nope/answer/", {"decision": "accept"}, user=talk["seller"])
    assert unknown.status_code == 404
    bad = api.post(BASE + "offers/nope/answer/", {"decision": "maybe"}, user=talk["seller"])
    assert bad.status_code == 400 and bad.get_json()["error"]["fields"] == {"decision": "invalid"}


def test_support_reports_and_blocks(api, talk):
    support = api.post(BASE + "support/", user=talk["buyer"])
    assert support.status_code == 200 and support.get_json()["conversation"]["kind"] == "SUPPORT"
    assert api.post(BASE + "support/", user=f.user(Role.ADMIN)).status_code == 400

    conversation = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    rude = messages.post_text(talk["seller"], conversation, "Message désagréable")
    own = messages.post_text(talk["buyer"], conversation, "Le mien")
    url = BASE + f"{conversation.public_id}/report/"
    assert api.post(url, {"message": rude.id, "reason": "insulte"}, user=talk["buyer"]).status_code == 201
    assert api.post(url, {"message": own.id}, user=talk["buyer"]).status_code == 400
    assert api.post(url, {"message": rude.id}, user=f.user()).status_code == 404
    assert api.post(url, {}, user=talk["buyer"]).status_code == 400

    blocked = api.post(BASE + "block/", {"user": talk["buyer"].public_id}, user=talk["seller"])
    assert blocked.get_json()["user"]["name"] == "Awa Bello"
    refused = api.post(BASE + f"{conversation.public_id}/send_text/", {"text": "Allô ?"}, user=talk["buyer"])
    assert refused.status_code == 403
    assert api.post(BASE + "block/", {"user": "nobody"}, user=talk["seller"]).status_code == 404
    assert api.post(BASE + "unblock/", {"user": talk["buyer"].public_id}, user=talk["seller"]).status_code == 200
    again = api.post(BASE + f"{conversation.public_id}/send_text/", {"text": "Allô ?"}, user=talk["buyer"])
    assert again.status_code == 201


def test_an_admin_reads_and_answers_support_but_not_private_conversations(api, talk):
    admin = f.user(Role.ADMIN)
    support = threads.open_support(talk["buyer"])
    messages.post_text(talk["buyer"], support, "Aidez-moi")
    assert api.get(BASE + f"{support.public_id}/messages/", user=admin).status_code == 200
    answer = api.post(BASE + f"{support.public_id}/send_text/", {"text": "Bonjour, je regarde."}, user=admin)
    assert answer.status_code == 201
    assert api.get(BASE + "unread/", user=talk["buyer"]).get_json()["total"] == 1
    private = threads.open_about_listing(talk["buyer"], talk["product"].public_id)
    assert api.get(BASE + f"{private.public_id}/messages/", user=admin).status_code == 404


def test_the_document_describes_the_conversations_and_every_live_event(api):
    from vgk.realtime import events

    spec = api.spec
    description = spec["info"]["description"]
    assert '{"auth": {"token": "<access_token>"}}' in description
    for name in [*events.ACTIONS, "message", "unread"]:
        assert f"`{name}` {{" in description, f"the live event {name} is not described"
    photo = spec["paths"]["/mobile/api/client/conversations/{conversation_id}/photos/{message_id}/"]["get"]
    assert list(photo["responses"]["200"]["content"]) == ["image/webp"]
    assert photo["x-access"] == "signed-in" and "401" in photo["responses"] and "404" in photo["responses"]


def test_the_inbox_costs_the_same_few_statements_whatever_its_length(app, api, talk):
    from tests.api.test_paging import counted_statements

    buyer_token = f.api_token(talk["buyer"])

    def statements_for(n):
        for i in range(n):
            product = f.product(f"Objet {i}", seller=f.user(), price=10_000, images=1)
            messages.post_text(talk["buyer"], threads.open_about_listing(talk["buyer"], product.public_id), "Bonjour")
        api.get(BASE, token=buyer_token)  # once before counting: what is cached after a first call
        db.session.expire_all()
        with counted_statements() as statements:
            assert api.get(BASE, token=buyer_token).status_code == 200
        return len(statements)

    few = statements_for(2)
    assert statements_for(6) == few, "the inbox makes statements per conversation"
