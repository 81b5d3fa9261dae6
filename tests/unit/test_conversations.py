"""Conversations: one per buyer and listing, who may read and write, messages and their masking, read
marks and unread counts, limits — on SQLite and PostgreSQL."""
import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.errors import Forbidden, Invalid, NotFound, RateLimited
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import Block, ChatMessage, Conversation, ConversationKind, ProductStatus, Role
from vgk.services.conversations import messages, safety, threads


@pytest.fixture
def heard(app, monkeypatch):
    """What would be published live: (event, room, data) in order."""
    events = []
    monkeypatch.setattr(adapters_of(app), "live", lambda event, room, data: events.append((event, room, data)))
    return events


def listing():
    seller = f.user(name="Nadège Fotso")
    return seller, f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)


def test_one_conversation_per_buyer_and_listing(app):
    seller, phone = listing()
    buyer = f.user(name="Awa Bello")
    first = threads.open_about_listing(buyer, phone.public_id)
    again = threads.open_about_listing(buyer, phone.public_id)
    assert first.id == again.id and first.kind == ConversationKind.LISTING
    assert sorted(threads.member_ids(first)) == sorted([buyer.id, seller.id])
    other = threads.open_about_listing(f.user(), phone.public_id)
    assert other.id != first.id
    assert db.session.scalar(select(db.func.count(Conversation.id))) == 2


def test_nobody_talks_to_themselves_or_about_a_listing_not_on_sale(app):
    seller, phone = listing()
    with pytest.raises(Invalid):
        threads.open_about_listing(seller, phone.public_id)
    draft = f.product("Brouillon", seller=seller, status=ProductStatus.DRAFT)
    with pytest.raises(NotFound):
        threads.open_about_listing(f.user(), draft.public_id)
    with pytest.raises(NotFound):
        threads.open_about_listing(f.user(), "nope")


def test_only_members_read_and_admins_answer_support(app):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    stranger, admin = f.user(), f.user(Role.ADMIN)
    assert threads.find(buyer, talk.public_id).id == talk.id
    for outsider in (stranger, admin, None):
        with pytest.raises(NotFound):
            threads.find(outsider, talk.public_id)
    with pytest.raises(NotFound):
        messages.post_text(stranger, talk, "Bonjour")

    help_me = threads.open_support(buyer)
    assert threads.find(admin, help_me.public_id).id == help_me.id
    with pytest.raises(NotFound):
        threads.find(stranger, help_me.public_id)
    messages.post_text(admin, help_me, "Bonjour, que puis-je faire pour vous ?")  # the admin joins by answering
    assert admin.id in threads.member_ids(help_me)


def test_messages_unread_counts_and_read_marks(app, heard):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    first = messages.post_text(buyer, talk, "  Bonjour, il est toujours disponible ?  ")
    second = messages.post_text(buyer, talk, "Je suis à Akwa.")
    assert first.body == "Bonjour, il est toujours disponible ?"
    assert threads.unread_total(seller) == 2 and threads.unread_total(buyer) == 0
    rows = threads.inbox(seller).items
    assert [(row.conversation.id, row.last.id, row.unread) for row in rows] == [(talk.id, second.id, 2)]

    # The seller's browser heard each message in the seller's room, with the unread count.
    to_seller = [data for event, room, data in heard if event == "message" and room == f"user:{seller.id}"]
    assert [data["message"]["text"] for data in to_seller] == [first.body, second.body]
    assert to_seller[-1]["unread"] == 2

    assert messages.mark_read(seller, talk, first.id) == first.id
    assert threads.unread_total(seller) == 1
    messages.mark_read(seller, talk, first.id - 1)  # marks never go back
    assert threads.unread_total(seller) == 1
    assert messages.mark_read(seller, talk) == second.id
    assert threads.unread_total(seller) == 0
    assert messages.receipts(buyer, talk) == (second.id, second.id)
    assert ("read", f"user:{buyer.id}") in [(event, room) for event, room, _ in heard]


def test_reading_a_group_tells_each_other_member_once_and_the_reader_their_count_once(app, heard):
    admin, one, two = f.user(Role.ADMIN), f.user(), f.user()
    group = threads.start_group(admin, "Vendeurs de Bonamoussadi", [one.id, two.id])
    messages.post_text(admin, group, "Réunion samedi")
    messages.post_text(one, group, "D'accord")
    heard.clear()
    assert messages.mark_read(two, group) > 0
    told = [(event, room) for event, room, _ in heard]
    assert sorted(told) == sorted([("read", f"user:{admin.id}"), ("read", f"user:{one.id}"),
                                   ("unread", f"user:{two.id}")])
    assert [data for event, _room, data in heard if event == "unread"] == [{"total": 0}]
    heard.clear()
    messages.mark_read(two, group)  # nothing new: nobody is told again
    assert heard == []
    received, read = messages.receipts(admin, group)
    assert received == read == messages.newest_id(group)


def test_pages_read_backwards(app):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    app.config["CHAT_MESSAGES_PER_MINUTE"] = 100
    try:
        sent = [messages.post_text(buyer if n % 2 else seller, talk, f"message {n}") for n in range(7)]
    finally:
        app.config["CHAT_MESSAGES_PER_MINUTE"] = 20
    newest, older = messages.page(buyer, talk, size=3)
    assert [seen.text for seen in newest] == ["message 4", "message 5", "message 6"] and older
    before, older = messages.page(buyer, talk, before_id=newest[0].id, size=3)
    assert [seen.text for seen in before] == ["message 1", "message 2", "message 3"] and older
    first, older = messages.page(buyer, talk, before_id=before[0].id, size=3)
    assert [seen.text for seen in first] == ["message 0"] and not older
    assert [seen.text for seen in messages.since(buyer, talk, sent[4].id)] == ["message 5", "message 6"]
    assert [seen.mine for seen in newest] == [False, True, False]


def test_contacts_are_masked_for_the_other_side_until_they_trade(app):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    message = messages.post_text(seller, talk, "Appelez-moi au 677 12 34 56 ou vendeur@example.cm")
    assert message.flags == "contact"
    seen = messages.page(buyer, talk)[0][-1]
    assert seen.masked and "677" not in seen.text and "@" not in seen.text and "•••" in seen.text
    assert messages.page(seller, talk)[0][-1].text == message.body  # the writer sees what they wrote
    f.place_order(phone, buyer=buyer)
    assert messages.page(buyer, talk)[0][-1].text == message.body


def test_payment_outside_the_platform_carries_a_warning(app):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    messages.post_text(seller, talk, "Envoyez l'argent par Orange Money avant")
    assert messages.page(buyer, talk)[0][-1].warning


def test_bad_text_and_limits(app):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    for bad in ("", "   ", "\x00\x01", "x" * (messages.TEXT_MAX + 1)):
        with pytest.raises(Invalid):
            messages.post_text(buyer, talk, bad)
    app.config["CHAT_MESSAGES_PER_MINUTE"] = 2
    try:
        messages.post_text(buyer, talk, "un")
        messages.post_text(buyer, talk, "deux")
        with pytest.raises(RateLimited):
            messages.post_text(buyer, talk, "trois")
    finally:
        app.config["CHAT_MESSAGES_PER_MINUTE"] = 20
    assert db.session.scalar(select(db.func.count(ChatMessage.id))) == 2

    app.config["CHAT_NEW_CONVERSATIONS_PER_DAY"] = 1
    try:
        with pytest.raises(RateLimited):
            threads.open_about_listing(buyer, f.product("Autre", seller=seller).public_id)
        assert threads.open_about_listing(buyer, phone.public_id).id == talk.id  # an existing one still opens
    finally:
        app.config["CHAT_NEW_CONVERSATIONS_PER_DAY"] = 30


def test_a_block_stops_the_blocked_person(app):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    db.session.add(Block(blocker_id=seller.id, blocked_id=buyer.id))
    db.session.commit()
    with pytest.raises(Forbidden):
        messages.post_text(buyer, talk, "Allô ?")
    with pytest.raises(Forbidden):
        threads.open_about_listing(buyer, phone.public_id)
    messages.post_text(seller, talk, "Au revoir.")  # the one who blocked may still write


def test_a_closed_conversation_is_read_only(app):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    messages.post_text(buyer, talk, "Bonjour")
    threads.close(f.user(Role.ADMIN), talk)
    with pytest.raises(Forbidden):
        messages.post_text(seller, talk, "Bonjour")
    assert [seen.text for seen in messages.page(seller, talk)[0]] == ["Bonjour"]


def test_system_lines_read_in_the_readers_language(app):
    from flask_babel import force_locale
    from flask_babel import lazy_gettext as _l

    seller, phone = listing()
    talk = threads.open_about_listing(f.user(), phone.public_id)
    line = messages.add_system(talk, _l("Cet article a été vendu."))
    db.session.commit()
    with force_locale("fr"):
        assert messages.system_text(line) == "Cet article a été vendu."
    with force_locale("en"):
        assert messages.system_text(line) == "This item has been sold."


def test_photos_are_checked_reencoded_and_private(app, client):
    from vgk.errors import Invalid as Refused
    from vgk.services.conversations import safety

    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    with pytest.raises(Refused):
        safety.post_photo(buyer, talk, b"not a photo at all")
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Tecno"
    message = safety.post_photo(buyer, talk, f.jpeg_bytes(exif=exif.tobytes()))
    assert message.image_key.startswith("private/chat/") and message.image_key.endswith(".webp")
    data = safety.photo(seller, talk.public_id, message.id)
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP" and b"Tecno" not in data
    with pytest.raises(NotFound):
        safety.photo(f.user(), talk.public_id, message.id)
    assert client.get("/media/" + message.image_key).status_code == 404  # never public


def test_reports_blocks_and_the_admins_settlement(app):
    from vgk.services.conversations import safety

    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    rude = messages.post_text(seller, talk, "Payez d'abord par Orange Money")
    with pytest.raises(Invalid):
        safety.report(seller, talk, rude.id, "moi-même")
    with pytest.raises(NotFound):
        safety.report(f.user(), talk, rude.id, "curieux")
    first = safety.report(buyer, talk, rude.id, "Demande de paiement hors plateforme")
    assert safety.report(buyer, talk, rude.id, "encore").id == first.id  # once
    admin = f.user(Role.ADMIN)
    assert threads.find(admin, talk.public_id).id == talk.id  # reported: admins may read it
    rows = safety.reported(admin).items
    assert [(row.conversation.id, row.open_reports) for row in rows] == [(talk.id, 1)]
    assert safety.settle_reports(admin, talk, close=True, hide_ids=[rude.id]) == 1
    assert safety.reported(admin).items == [] and safety.open_reports(admin) == 0
    assert [seen.id for seen in messages.page(buyer, talk)[0]] == []  # the hidden message is gone
    with pytest.raises(Forbidden):
        messages.post_text(buyer, talk, "Allô ?")  # closed

    other = threads.open_about_listing(buyer, f.product("Autre", seller=seller).public_id)
    safety.block(seller, buyer.public_id)
    with pytest.raises(Forbidden):
        messages.post_text(buyer, other, "Bonjour")
    safety.unblock(seller, buyer.public_id)
    messages.post_text(buyer, other, "Bonjour")
    with pytest.raises(Invalid):
        safety.block(buyer, admin.public_id)


def test_the_support_queue_knows_who_waits_for_an_answer(app):
    admin = f.user(Role.ADMIN)
    waiting, answered = f.user(), f.user()
    first, second = threads.open_support(waiting), threads.open_support(answered)
    messages.post_text(waiting, first, "Ma commande est en retard.")
    messages.post_text(answered, second, "Bonjour")
    assert threads.awaiting_answer([first, second]) == {first.id, second.id}
    messages.post_text(admin, second, "Bonjour, que puis-je faire ?")
    assert threads.awaiting_answer([first, second]) == {first.id}
    assert threads.answers_support(admin, first) and not threads.answers_support(waiting, first)
    assert threads.awaiting_answer([]) == set()


def test_group_members_named_by_phone_or_email(app):
    one, two = f.user(phone="+237690000333"), f.user(email="deux@example.cm")
    assert threads.identified_members(["+237 690 00 03 33", "", " deux@example.cm "]) == [one.id, two.id]
    with pytest.raises(Invalid) as refused:
        threads.identified_members(["+237 690 00 03 33", "personne@example.cm"])
    assert "personne@example.cm" in str(refused.value.message)


def test_open_reports_come_with_their_messages(app):
    seller, phone = listing()
    buyer, admin = f.user(), f.user(Role.ADMIN)
    talk = threads.open_about_listing(buyer, phone.public_id)
    rude = messages.post_text(seller, talk, "Message désagréable")
    messages.post_text(seller, talk, "Un autre message")
    safety.report(buyer, talk, rude.id, "Insultes")
    found = safety.open_reports_in(admin, [talk.id])
    assert [(entry.reason, message.body) for entry, message in found[talk.id]] == [("Insultes", "Message désagréable")]
    safety.settle_reports(admin, talk, close=False)
    assert safety.open_reports_in(admin, [talk.id]) == {}
    with pytest.raises(Forbidden):
        safety.open_reports_in(buyer, [talk.id])


def test_contacts_written_to_dodge_the_mask_are_masked_too(app):
    seller, phone = listing()
    buyer = f.user()
    talk = threads.open_about_listing(buyer, phone.public_id)
    messages.post_text(seller, talk, "Écrivez à awa[at]gmail[dot]com ou awa (at) yahoo (dot) fr, "
                                     "ou appelez le 6-9-0-0-0-0-0-0-2 / +237.690.000.002")
    seen = messages.page(buyer, talk)[0][-1]
    assert seen.masked
    for leaked in ("gmail", "yahoo", "690", "0-0-2"):
        assert leaked not in seen.text, seen.text
