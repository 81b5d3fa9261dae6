"""A background job as a feature would enqueue it: it writes in a conversation and tells its members."""
from sqlalchemy import select

from vgk.extensions import db
from vgk.models import Conversation
from vgk.services.conversations import messages


def tell_members(conversation_public_id, note):
    conversation = db.session.scalar(select(Conversation).where(Conversation.public_id == conversation_public_id))
    message = messages.add_system(conversation, note)
    db.session.commit()
    messages.announce(conversation, message)
