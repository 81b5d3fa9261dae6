"""Messages to people: in-app notifications, and the outbox of SMS and emails written by the local adapters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vgk.extensions import db
from vgk.models.base import utcnow


class OutboxMessage(db.Model):
    """An SMS or email that the local (development) adapters keep instead of sending."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # SMS | EMAIL
    recipient: Mapped[str] = mapped_column(String(255), index=True)
    subject: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Notification(db.Model):
    """Something that happened to a signed-in person (an order moved, a listing was approved...),
    listed in their account and in the app; read once opened."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(500))  # the text as first written: the fallback
    # What the reader reads, rendered in their language when shown (vgk.services.messaging.inbox):
    # the French msgid and its parameters (JSON); none on notices written before they were kept.
    message_key: Mapped[str | None] = mapped_column(Text)
    message_params: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
