"""What a text message writes, read back from the database (on PostgreSQL its writes go as one statement,
elsewhere as three): the message with its flags, the conversation's last activity that orders the
inbox, the writer's own marks; and the message as returned is the one stored."""
from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db
from vgk.models import ChatMessage, Conversation, ConversationMember
from vgk.models.base import utcnow
from vgk.services.conversations import messages, threads


def test_a_text_is_stored_with_the_conversation_and_the_writer_marks(app, monkeypatch):
    seller, buyer = f.user(name="Nadège Fotso"), f.user(name="Awa Bello")
    talk = threads.open_about_listing(buyer, f.product("Tecno Spark 10", seller=seller).public_id)
    older = threads.open_about_listing(buyer, f.product("Radio", seller=seller).public_id)
    messages.post_text(buyer, older, "Et la radio ?")
    at = (utcnow() + timedelta(hours=1)).replace(microsecond=0)  # after the other conversation's message
    monkeypatch.setattr(messages, "utcnow", lambda: at)
    sent = messages.post_text(buyer, talk, "Appelez-moi au 699 99 99 99")
    db.session.expire_all()

    stored = db.session.get(ChatMessage, sent.id)
    assert (stored.body, stored.sender_id, stored.kind, stored.created_at) == (
        "Appelez-moi au 699 99 99 99", buyer.id, "TEXT", at)
    assert "contact" in stored.flags.split() and stored.offer_id is None and stored.hidden_at is None
    assert db.session.get(Conversation, talk.id).last_message_at == at
    mine = db.session.get(ConversationMember, (talk.id, buyer.id))
    theirs = db.session.get(ConversationMember, (talk.id, seller.id))
    assert (mine.last_read_id, mine.last_delivered_id) == (sent.id, sent.id)
    assert (theirs.last_read_id, theirs.last_delivered_id) == (0, 0)
    assert threads.unread_total(seller) == 2 and threads.unread_total(buyer) == 0
    assert [row.conversation.id for row in threads.inbox(seller).items] == [talk.id, older.id]
    assert db.session.scalar(select(ChatMessage.id).where(ChatMessage.conversation_id == talk.id)) == sent.id


def test_a_writer_mark_never_moves_back(app):
    seller, buyer = f.user(), f.user()
    talk = threads.open_about_listing(buyer, f.product("Sac", seller=seller).public_id)
    first = messages.post_text(buyer, talk, "Bonjour")
    member = db.session.get(ConversationMember, (talk.id, buyer.id))
    member.last_read_id = member.last_delivered_id = first.id + 1000  # as far as a later read went
    db.session.commit()
    messages.post_text(buyer, talk, "Toujours là ?")
    db.session.expire_all()
    member = db.session.get(ConversationMember, (talk.id, buyer.id))
    assert (member.last_read_id, member.last_delivered_id) == (first.id + 1000, first.id + 1000)
