"""Alerts to the absent: a member who has not received a message gets a notice and a short SMS in their
language with the link (through the notification engine), at most once per conversation per hour; never
when it was delivered; never with the message's text."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk import jobs
from vgk.extensions import db
from vgk.models import ConversationMember, Notification, NotificationDelivery, NotificationSettings
from vgk.models.base import utcnow
from vgk.services.conversations import alerts, messages, threads


@pytest.fixture
def talk(app):
    seller = f.user(name="Nadège Fotso", phone="+237690000001")
    # No quiet hours: what these tests look at is when the alert is due, not the time of day they run at.
    db.session.add(NotificationSettings(user_id=seller.id, quiet_start=0, quiet_end=0))
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000)
    buyer = f.user(name="Awa Bello", phone="+237690000002")
    conversation = threads.open_about_listing(buyer, phone.public_id)
    return {"seller": seller, "buyer": buyer, "conversation": conversation}


def _sms(user):
    return [message.body for message in f.outbox(user.phone)]


def _notices(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == "message")).all()


def test_the_absent_member_is_alerted_once_an_hour(talk):
    buyer, seller, conversation = talk["buyer"], talk["seller"], talk["conversation"]
    first = messages.post_text(buyer, conversation, "Bonjour, il est toujours là ?")
    link = f"http://localhost/messages/{conversation.public_id}"
    assert _sms(seller) == [f"Nouveau message de Awa sur « Tecno Spark 10 » : {link}"]
    [notice] = _notices(seller)
    assert notice.link == f"/messages/{conversation.public_id}" and "Awa" in notice.message
    assert _sms(buyer) == [] and _notices(buyer) == []  # not the writer
    second = messages.post_text(buyer, conversation, "Je peux passer ce soir.")
    assert len(_sms(seller)) == 1 and len(_notices(seller)) == 1  # within the hour: once
    _an_hour_passes()
    assert alerts.check(second.id) == 1
    assert len(_sms(seller)) == 2 and len(_notices(seller)) == 2
    assert first.id < second.id


def _an_hour_passes():
    """Move the last alert and its messages 61 minutes into the past."""
    earlier = utcnow() - timedelta(minutes=61)
    db.session.execute(db.update(ConversationMember).where(ConversationMember.last_alerted_at.is_not(None))
                       .values(last_alerted_at=earlier))
    db.session.execute(db.update(NotificationDelivery).values(created_at=earlier))
    db.session.commit()


def test_no_alert_once_delivered(talk):
    buyer, seller, conversation = talk["buyer"], talk["seller"], talk["conversation"]
    message = messages.post_text(buyer, conversation, "Bonjour")
    messages.mark_delivered(seller, conversation, message.id)
    assert alerts.check(message.id, now=utcnow() + timedelta(hours=2)) == 0
    later = messages.post_text(buyer, conversation, "Toujours là ?")
    assert alerts.check(later.id, now=utcnow() + timedelta(hours=2)) == 1  # the new one was not delivered


def test_the_text_never_goes_in_the_sms(talk):
    buyer, seller = talk["buyer"], talk["seller"]
    messages.post_text(buyer, talk["conversation"], "Appelez-moi au 677 12 34 56 ou awa@example.cm")
    [sms] = _sms(seller)
    assert "677" not in sms and "awa@example.cm" not in sms and "Appelez" not in sms


def test_the_sms_is_in_the_readers_language(talk):
    seller, conversation = talk["seller"], talk["conversation"]
    seller.locale = "en"
    db.session.commit()
    messages.post_text(talk["buyer"], conversation, "Bonjour")
    assert _sms(seller) == [f"New message from Awa about “Tecno Spark 10”: "
                            f"http://localhost/messages/{conversation.public_id}"]


def test_with_a_queue_the_check_waits_a_minute_once_per_conversation(talk, monkeypatch, redis_server):
    from redis import Redis
    from rq import Queue

    scheduled = []
    queue = Queue("alerts-test", connection=Redis.from_url(redis_server.url))
    monkeypatch.setattr(jobs, "queue", lambda: queue)
    monkeypatch.setattr(jobs, "enqueue_in", lambda delay, func, *args: scheduled.append((delay, func, args)))
    message = messages.post_text(talk["buyer"], talk["conversation"], "Bonjour")
    messages.post_text(talk["buyer"], talk["conversation"], "Toujours disponible ?")
    messages.post_text(talk["seller"], talk["conversation"], "Oui")
    assert scheduled == [(timedelta(minutes=1), alerts.check, (message.id,))]  # one check waits, not three
    assert _sms(talk["seller"]) == []


def test_the_check_looks_at_the_newest_message(talk):
    first = messages.post_text(talk["buyer"], talk["conversation"], "Bonjour")
    messages.mark_delivered(talk["seller"], talk["conversation"], first.id)  # the seller's phone got this one
    db.session.execute(db.update(ConversationMember).values(last_alerted_at=None))
    db.session.commit()
    later = messages.post_text(talk["buyer"], talk["conversation"], "Vous êtes là ?")
    db.session.execute(db.update(ConversationMember).values(last_alerted_at=None))
    db.session.commit()
    assert later.id > first.id
    assert alerts.check(first.id) == 1  # the check started for the first message still tells of the later one


def test_a_suspended_member_is_not_alerted(talk):
    from vgk.models import UserStatus

    talk["seller"].status = UserStatus.SUSPENDED
    db.session.commit()
    messages.post_text(talk["buyer"], talk["conversation"], "Bonjour")
    assert _sms(talk["seller"]) == [] and _notices(talk["seller"]) == []


def test_a_long_title_is_shortened_in_the_sms(talk):
    talk["conversation"].title = "Réfrigérateur Samsung double porte 500 litres, très bon état, Bonamoussadi"
    db.session.commit()
    messages.post_text(talk["buyer"], talk["conversation"], "Bonjour")
    [sms] = _sms(talk["seller"])
    assert "« Réfrigérateur Samsung double porte 500… » :" in sms and len(sms) <= 160


def test_the_alert_links_to_the_conversation_page(app, talk):
    conversation = talk["conversation"]
    endpoint, values = app.url_map.bind("localhost").match(alerts.link(conversation), method="GET")
    assert endpoint == "chat.conversation" and values == {"public_id": conversation.public_id}
