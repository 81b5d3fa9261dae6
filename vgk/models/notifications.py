"""Messages to people: the outbox of SMS and emails written by the local adapters."""
from vgk.extensions import db
from vgk.models.base import utcnow


class OutboxMessage(db.Model):
    """An SMS or email that the local (development) adapters keep instead of sending."""

    __tablename__ = "outbox_messages"

    id = db.Column(db.Integer, primary_key=True)
    channel = db.Column(db.String(8), nullable=False)  # SMS | EMAIL
    recipient = db.Column(db.String(255), nullable=False, index=True)
    subject = db.Column(db.String(255), nullable=False, default="")
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
