"""Messages to people: in-app notifications, and the outbox of SMS and emails written by the local adapters."""
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


class Notification(db.Model):
    """Something that happened to a signed-in person (an order moved, a listing was approved...),
    listed in their account and in the app; read once opened."""

    __tablename__ = "notifications"
    __table_args__ = (db.Index("ix_notifications_user_created", "user_id", "created_at"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind = db.Column(db.String(32), nullable=False)
    message = db.Column(db.String(500), nullable=False)
    link = db.Column(db.String(255), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    read_at = db.Column(db.DateTime)
